/**
 * Checks request bodies against Discord's own OpenAPI spec (vendored in ./discord-api-spec/), so a payload
 * Discord would reject fails our tests instead of failing in production.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object or the function.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

const SPEC_PATH = new URL('./discord-api-spec/openapi.json', import.meta.url);
const SPEC_ID = 'https://discord.com/openapi.json';

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  literalSegments: number;
  /** JSON pointer (within the spec) of the application/json request body schema, if the operation takes one. */
  bodyPointer: string | null;
}

export interface ValidationResult {
  /** The spec's path template the request matched, e.g. /channels/{channel_id}/messages. */
  operation: string | null;
  /** Human-readable problems; empty when the body is what Discord accepts. */
  errors: string[];
}

/**
 * The spec's own conventions: "Some fields typed as strings in our docs may be typed as ints in the spec.
 * Our API accepts strings for int fields if they are parseable as ints" (e.g. default_member_permissions,
 * a string bitfield in the docs and in discord-api-types). So an integer field also takes a string of digits.
 */
function acceptIntegerStrings<T>(node: T): T {
  if (Array.isArray(node)) return node.map(acceptIntegerStrings) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'enum' || k === 'const' || k === 'example' ? v : acceptIntegerStrings(v);
  const t = out.type;
  const types = Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
  if (types.includes('integer') && !types.includes('string') && !('enum' in out) && !('const' in out)) {
    out.type = [...types, 'string'];
    out.pattern ??= '^-?[0-9]+$';
  }
  return out as T;
}

function escapePointerSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

export class OpenApiValidator {
  private readonly ajv: Ajv2020;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(specPath: URL | string = SPEC_PATH) {
    const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
    };
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // Formats the spec uses beyond JSON Schema's own.
    this.ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/);
    this.ajv.addFormat('nonce', { type: 'string', validate: (s: string) => s.length <= 25 });
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
    this.ajv.addSchema({ ...acceptIntegerStrings(spec), $id: SPEC_ID } as object);

    for (const [template, item] of Object.entries(spec.paths)) {
      const segments = template.split('/').filter(Boolean);
      const regex = new RegExp('^/' + segments.map((seg) => (/^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/') + '$');
      for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
        const op = item[method];
        if (!op) continue;
        const hasJson = Boolean(op.requestBody?.content?.['application/json']);
        this.operations.push({
          method: method.toUpperCase(),
          template,
          regex,
          literalSegments: segments.filter((s) => !s.startsWith('{')).length,
          bodyPointer: hasJson ? `/paths/${escapePointerSegment(template)}/${method}/requestBody/content/application~1json/schema` : null,
        });
      }
    }
    // A literal segment beats a parameter: /messages/@original before /messages/{message_id}.
    this.operations.sort((a, b) => b.literalSegments - a.literalSegments);
  }

  findOperation(method: string, decodedPath: string): Operation | null {
    return this.operations.find((o) => o.method === method.toUpperCase() && o.regex.test(decodedPath)) ?? null;
  }

  /**
   * Validates a JSON body sent to `method decodedPath` (path below /api/v10, percent-decoded).
   * For multipart requests pass the parsed payload_json and the names of the file fields.
   */
  validate(method: string, decodedPath: string, body: unknown, fileFields: string[] = []): ValidationResult {
    const op = this.findOperation(method, decodedPath);
    if (!op) return { operation: null, errors: [`${method} ${decodedPath} is not an operation of Discord's API`] };
    const errors: string[] = [];
    if (!op.bodyPointer) {
      if (body !== undefined) errors.push(`${method} ${op.template} takes no body`);
      return { operation: op.template, errors };
    }
    if (body === undefined) return { operation: op.template, errors: [`${method} ${op.template} requires a body`] };
    for (const f of fileFields) if (!/^files\[\d\]$/.test(f)) errors.push(`file field "${f}" is not files[0]..files[9]`);
    const validate = this.validatorFor(op.bodyPointer);
    if (!validate(body)) {
      for (const e of validate.errors ?? []) errors.push(`${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`.trim());
    }
    return { operation: op.template, errors };
  }

  private validatorFor(pointer: string): ValidateFunction {
    let v = this.compiled.get(pointer);
    if (!v) {
      const fragment = pointer
        .split('/')
        .map((seg) => encodeURIComponent(seg))
        .join('/');
      v = this.ajv.compile({ $ref: `${SPEC_ID}#${fragment}` });
      this.compiled.set(pointer, v);
    }
    return v;
  }
}

let shared: OpenApiValidator | null = null;
/** One validator per process: compiling Discord's schemas takes a moment. */
export function sharedValidator(): OpenApiValidator {
  shared ??= new OpenApiValidator();
  return shared;
}
