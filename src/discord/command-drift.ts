/**
 * Whether the commands registered with Discord are those in the code: after a change to a command, the
 * operator must run `npm run deploy-commands`, and until then users see the old options. Discord answers
 * with every field filled in (defaults included), so both sides are reduced to what a user sees first.
 */

type Json = Record<string, unknown>;

const OPTION_DEFAULTS: Json = { required: false, autocomplete: false };

function comparable(o: Json): Json {
  const out: Json = {};
  for (const key of [
    'type',
    'name',
    'description',
    'required',
    'autocomplete',
    'min_value',
    'max_value',
    'min_length',
    'max_length',
    'channel_types',
    'choices',
  ]) {
    const v = o[key] ?? OPTION_DEFAULTS[key];
    if (v !== undefined && v !== null) out[key] = v;
  }
  if (Array.isArray(o.options) && o.options.length) out.options = (o.options as Json[]).map(comparable);
  return out;
}

function commandComparable(c: Json): Json {
  return { ...comparable({ ...c, type: c.type ?? 1 }), default_member_permissions: c.default_member_permissions ?? null };
}

/** One line per difference ("/digest: options differ"); empty when Discord has exactly the code's commands. */
export function commandDrift(deployed: readonly Json[], code: readonly Json[]): string[] {
  const byName = new Map(deployed.map((c) => [String(c.name), c]));
  const problems: string[] = [];
  for (const c of code) {
    const d = byName.get(String(c.name));
    byName.delete(String(c.name));
    if (!d) problems.push(`/${String(c.name)} is not deployed`);
    else if (JSON.stringify(commandComparable(d)) !== JSON.stringify(commandComparable(c))) problems.push(`/${String(c.name)} differs from the code`);
  }
  for (const name of byName.keys()) problems.push(`/${name} is deployed but no longer in the code`);
  return problems;
}

/** Asks Discord for the commands registered where `deploy-commands` puts them (the guild, or globally). */
export async function deployedCommandDrift(
  rest: { get(route: `/${string}`): Promise<unknown> },
  where: { applicationId: string; guildId?: string },
  code: readonly Json[],
): Promise<string[]> {
  const route: `/${string}` = where.guildId
    ? `/applications/${where.applicationId}/guilds/${where.guildId}/commands`
    : `/applications/${where.applicationId}/commands`;
  return commandDrift((await rest.get(route)) as Json[], code);
}
