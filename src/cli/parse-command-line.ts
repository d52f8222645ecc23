import { ApplicationCommandOptionType as T, type APIApplicationCommandOption } from 'discord-api-types/v10';
import type { CommandModule, RawOptions } from '../../commands/kit/command.ts';
import { closestName } from '../core/closest-name.ts';
import { truncate } from '../core/format.ts';
import { UserError } from '../core/user-error.ts';

/** Splits on spaces, keeping "quoted text" (straight or curly quotes) together; quotes are removed. */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote || (quote === '“' && ch === '”')) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === '“') {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) tokens.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote) throw new UserError('A quotation mark is not closed.');
  if (has || cur) tokens.push(cur);
  return tokens;
}

export interface ParsedCommandLine {
  module: CommandModule;
  options: RawOptions;
}

const OPTION_TYPES: Partial<Record<T, string>> = {
  [T.String]: 'text',
  [T.Integer]: 'whole number',
  [T.Boolean]: 'true/false',
  [T.Channel]: 'channel',
  [T.Number]: 'number',
};

/** What a person typed, as an error message repeats it: never more than a line. */
const echo = (typed: string) => truncate(typed, 40);

/**
 * Parses what a person types in the console: "/attacks syria from:2019-07-01", "/quote person:pompeo",
 * "/digest preview timezone:Asia/Baghdad". Words before any name: go to the first required option (or
 * name the subcommand); words after a name:value extend that value, so from:last 30 days works unquoted.
 */
export function parseCommandLine(line: string, commands: ReadonlyMap<string, CommandModule>): ParsedCommandLine {
  const tokens = tokenize(line.trim());
  const head = tokens.shift();
  if (!head?.startsWith('/')) throw new UserError('Commands start with a slash, e.g. /attacks syria. Type /help for the list.');
  const name = head.slice(1).toLowerCase();
  const module = commands.get(name);
  if (!module) {
    const guess = closestName(name, [...commands.keys()]);
    throw new UserError(
      `Unknown command /${echo(name)}.${guess ? ` Did you mean /${guess}?` : ''} Commands: ${[...commands.keys()].map((c) => `/${c}`).join(', ')}.`,
    );
  }

  const options: RawOptions = {};
  let defs = (module.definition.options ?? []) as APIApplicationCommandOption[];
  const subcommands = defs.filter((o) => o.type === T.Subcommand);
  if (subcommands.length) {
    const sub = tokens.shift()?.toLowerCase();
    const chosen = subcommands.find((s) => s.name === sub);
    if (!chosen) throw new UserError(`/${name} needs a subcommand: ${subcommands.map((s) => s.name).join(', ')}.`);
    options.subcommand = chosen.name;
    defs = ('options' in chosen ? (chosen.options ?? []) : []) as APIApplicationCommandOption[];
  }
  const byName = new Map(defs.map((d) => [d.name, d]));
  const values = new Map<string, string[]>();
  let current: string | null = null;
  for (const tok of tokens) {
    const m = /^([a-z_][a-z0-9_-]*):(.*)$/i.exec(tok);
    if (m && byName.has(m[1]!.toLowerCase())) {
      current = m[1]!.toLowerCase();
      if (values.has(current)) throw new UserError(`Option "${current}" is given twice.`);
      values.set(current, m[2] ? [m[2]] : []);
    } else if (m && /^[a-z_]+$/i.test(m[1]!)) {
      const guess = closestName(m[1]!.toLowerCase(), [...byName.keys()]);
      throw new UserError(
        `/${name} has no option "${echo(m[1]!)}".${guess ? ` Did you mean ${guess}:?` : ''} Options: ${[...byName.keys()].join(', ') || 'none'}.`,
      );
    } else if (current) {
      values.get(current)!.push(tok);
    } else {
      const first = defs.find((d) => 'required' in d && d.required) ?? defs[0];
      if (!first) throw new UserError(`/${name} takes no options.`);
      current = first.name;
      values.set(current, [tok]);
    }
  }
  for (const [key, words] of values) {
    const def = byName.get(key)!;
    const text = words.join(' ');
    if (!text) throw new UserError(`Option "${key}" needs a value, e.g. ${key}:something.`);
    if (def.type === T.Integer || def.type === T.Number) {
      // Decimal digits only: Number() would also read "0x10" as 16 and "1e3" as 1000.
      const n = /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isFinite(n) || (def.type === T.Integer && !Number.isInteger(n)))
        throw new UserError(`Option "${key}" must be a ${OPTION_TYPES[def.type]}, not "${echo(text)}".`);
      options[key] = n;
    } else if (def.type === T.Boolean) {
      if (!/^(true|false|yes|no)$/i.test(text)) throw new UserError(`Option "${key}" must be true or false.`);
      options[key] = /^(true|yes)$/i.test(text);
    } else {
      options[key] = text;
    }
  }
  for (const d of defs)
    if ('required' in d && d.required && !values.has(d.name)) throw new UserError(`/${name} needs the option "${d.name}", e.g. /${name} ${d.name}:…`);
  return { module, options };
}
