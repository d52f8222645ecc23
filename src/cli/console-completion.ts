import type { APIApplicationCommandOption } from 'discord-api-types/v10';
import type { CommandContext, CommandModule, RawOptions } from '../../commands/kit/command.ts';

/** What Tab offers for a line: the candidates, and the end of the line they replace (readline's completer result). */
export type Completion = [string[], string];

/**
 * Tab completion for the console: command names, subcommands, option names, and option values through
 * each command's own autocomplete (the one Discord calls), so the console suggests what Discord would.
 * A value completes to what Discord would send (a place id); a word typed before any option name is
 * completed as the command's first required option, as the console reads it.
 */
export async function completeLine(line: string, commands: ReadonlyMap<string, CommandModule>, ctx: CommandContext): Promise<Completion> {
  const start = currentTokenStart(line);
  const token = line.slice(start);
  const before = line.slice(0, start).trim().split(/\s+/).filter(Boolean);
  if (!before.length) {
    if (!token.startsWith('/')) return [[], token];
    const typed = token.slice(1).toLowerCase();
    return [[...commands.keys()].filter((c) => c.startsWith(typed)).map((c) => `/${c} `), token];
  }
  const module = commands.get(before[0]!.slice(1).toLowerCase());
  if (!module) return [[], token];
  let defs = (module.definition.options ?? []) as APIApplicationCommandOption[];
  const subcommands = defs.filter((o) => o.type === 1);
  const options: RawOptions = {};
  if (subcommands.length) {
    if (before.length === 1)
      return [
        subcommands
          .map((s) => s.name)
          .filter((s) => s.startsWith(token.toLowerCase()))
          .map((s) => `${s} `),
        token,
      ];
    const chosen = subcommands.find((s) => s.name === before[1]!.toLowerCase());
    if (!chosen) return [[], token];
    options.subcommand = chosen.name;
    defs = ('options' in chosen ? (chosen.options ?? []) : []) as APIApplicationCommandOption[];
  }
  const given = new Set(before.map((t) => /^([a-z_]+):/i.exec(t)?.[1]?.toLowerCase()).filter(Boolean));
  // The value of the last option named, which may run over several words ("place:tal afa").
  const m = /(?:^|\s)([a-z_]+):((?:(?!\s[a-z_]+:).)*)$/i.exec(line);
  const def = m && defs.find((d) => d.name === m[1]!.toLowerCase());
  const namesStartingSo = defs.some((d) => !given.has(d.name) && d.name.startsWith(token.toLowerCase()));
  if (m && def && (token.includes(':') || (token && !namesStartingSo))) {
    const replaced = line.slice(line.lastIndexOf(`${m[1]}:`));
    return [await valuesFor(module, def, m[2]!.replace(/^["“]/, ''), options, ctx, `${def.name}:`), replaced];
  }
  const names = defs.filter((d) => !given.has(d.name) && d.name.startsWith(token.toLowerCase())).map((d) => `${d.name}:`);
  // Nothing named yet: the word is the first required option's value ("/attacks fallu" is place:fallu).
  const first = defs.find((d) => 'required' in d && d.required);
  const positional = given.size === 0 && token && first ? await valuesFor(module, first, token, options, ctx, '') : [];
  return [[...names, ...positional], token];
}

async function valuesFor(
  module: CommandModule,
  def: APIApplicationCommandOption,
  typed: string,
  options: RawOptions,
  ctx: CommandContext,
  prefix: string,
): Promise<string[]> {
  let values: string[] = [];
  if ('choices' in def && def.choices?.length) values = def.choices.map((c) => String(c.value)).filter((v) => v.toLowerCase().startsWith(typed.toLowerCase()));
  else if ('autocomplete' in def && def.autocomplete && module.autocomplete)
    values = (await module.autocomplete({ name: def.name, value: typed }, options, ctx)).map((c: { value: string }) => c.value);
  return values.map((v) => `${prefix}${/\s/.test(v) ? `"${v}"` : v}`);
}

/** Where the word being typed starts: after the last space outside quotation marks. */
function currentTokenStart(line: string): number {
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '"' || ch === '“' || ch === '”') quoted = ch === '”' ? false : !quoted;
    else if (/\s/.test(ch) && !quoted) start = i + 1;
  }
  return start;
}
