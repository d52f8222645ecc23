import { _, Ajv2020, type KeywordCxt } from 'ajv/dist/2020.js';
import { z } from 'zod';

/**
 * A quick yes/no check of a record against its zod schema, compiled once by ajv from the schema itself
 * (`z.toJSONSchema`): about ten times cheaper than `safeParse` on a record that passes. It answers
 * "certainly valid, and validation would return the record unchanged" or "ask zod": a record it does
 * not pass goes through `safeParse` as before, so every problem keeps zod's message, and zod stays the
 * only definition of a record. What JSON Schema cannot say is taken from the zod schema too: its
 * refinements (`.refine`, `.superRefine`) run as they are, on the same values; a string format (`z.url()`)
 * runs that zod string schema; a field with a default is required (output schema), so a record that
 * leaves one out, and would come back with it filled in, is left to zod.
 */
export type FastRecordCheck = (value: unknown) => boolean;

/** The zod internals this reads: a schema's checks, and a custom check's `check(payload)`. */
interface ZodInternals {
  _zod: { def: { checks?: { _zod: { def: { check: string }; check: (payload: { value: unknown; issues: unknown[] }) => unknown } }[] } };
}

/**
 * Zod checks that z.toJSONSchema states (lengths, bounds, number formats, patterns; a string format such
 * as a URL is handed back to zod below), and refinements, which run as they are.
 */
const STATED = new Set([
  'greater_than',
  'less_than',
  'multiple_of',
  'number_format',
  'min_length',
  'max_length',
  'length_equals',
  'min_size',
  'max_size',
  'size_equals',
  'string_format',
  'custom',
]);

const compiled = new WeakMap<z.ZodType, FastRecordCheck | null>();

/** The fast check for `schema`, or null when it cannot be compiled (then zod alone validates). */
export function fastRecordCheck(schema: z.ZodType): FastRecordCheck | null {
  let check = compiled.get(schema);
  if (check === undefined) {
    try {
      check = compile(schema);
    } catch {
      check = null;
    }
    compiled.set(schema, check);
  }
  return check;
}

function compile(schema: z.ZodType): FastRecordCheck {
  /** Zod checks that JSON Schema cannot state, run on the value at a node: true when all pass. */
  const extra: ((value: unknown) => boolean)[] = [];
  const json = z.toJSONSchema(schema, {
    io: 'output',
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      const node = zodSchema as unknown as ZodInternals & z.ZodType;
      const checks = node._zod.def.checks ?? [];
      // A check JSON Schema does not state (an overwrite such as .trim() changes the value): no fast check at all.
      for (const c of checks) if (!STATED.has(c._zod.def.check)) throw new Error(`zod check "${c._zod.def.check}" has no JSON Schema form`);
      const custom = checks.filter((c) => c._zod.def.check === 'custom');
      const js = jsonSchema as Record<string, unknown>;
      if ('format' in js) {
        // ajv's idea of a format (a URI, an e-mail) is not zod's: ask zod for this value.
        delete js.format;
        extra.push((v) => node.safeParse(v).success);
        js.zodChecks = extra.length - 1;
      } else if (custom.length) {
        extra.push((value) => {
          const payload = { value, issues: [] as unknown[] };
          for (const c of custom) {
            c._zod.check(payload);
            if (payload.issues.length) return false;
          }
          return true;
        });
        js.zodChecks = extra.length - 1;
      }
    },
  });
  const ajv = new Ajv2020({
    // Lengths in code points (ajv's default, and zod's), patterns without the u flag as zod's are written.
    unicodeRegExp: false,
    strictNumbers: true,
    allErrors: false,
    strict: true,
    // Nothing it adds reaches the caller: a failed check only means "ask zod".
    messages: false,
    code: { optimize: true },
  });
  ajv.addKeyword({
    keyword: 'zodChecks',
    schemaType: 'number',
    // Generated inline (a plain call on the value), not as a validate function: ajv would build a
    // context object for every call, which cost more than the checks themselves.
    code(cxt: KeywordCxt) {
      const run = extra[cxt.schema as number]!;
      const fn = cxt.gen.scopeValue('func', {
        ref: (value: unknown) => {
          try {
            return run(value);
          } catch {
            return false; // a refinement that throws on an unexpected shape: zod will say what is wrong
          }
        },
      });
      cxt.fail(_`!${fn}(${cxt.data})`);
    },
  });
  const { $schema: _ignored, ...rest } = json as Record<string, unknown>;
  const validate = ajv.compile(rest);
  return (value) => validate(value) === true;
}
