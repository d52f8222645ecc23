import type { Dataset } from '../../src/core/dataset.ts';
import { ANY_ACTOR, actorOfFilter, countedLabel, isAnyActor } from '../../src/core/focus.ts';
import { allTimeZones, canonicalTimeZone } from '../../src/core/local-time.ts';
import { UserError } from '../../src/core/user-error.ts';
import type { AutocompleteChoice, CommandContext } from './context.ts';
import { DISCORD_LIMITS } from './discord-limits.ts';
import { echo } from './echo.ts';
import { option } from './options.ts';
import { resolveActorOption } from './resolve-option.ts';

/** The server a /digest subcommand acts on. */
export function guildOf(ctx: CommandContext): string {
  const g = ctx.invocation?.guildId;
  if (!g) throw new UserError('The digest belongs to a server: run /digest in a server channel.');
  return g;
}

/** A time zone as Intl names it; a name it does not know is refused with the closest names. */
export function zoneOrThrow(tz: string): string {
  const zone = canonicalTimeZone(tz);
  if (zone) return zone;
  const q = tz.toLowerCase().replace(/\s+/g, '_');
  const near = allTimeZones()
    .filter((z) => z.toLowerCase().includes(q))
    .slice(0, 5);
  throw new UserError(
    `"${echo(tz, 64)}" is not a time zone I know. Use an IANA name such as Asia/Baghdad, Europe/London or America/New_York${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}.`,
  );
}

export const digestPlaceOption = (description: string) => option.text({ description, autocomplete: true });
export const digestActorOption = (description: string) => option.text({ description, autocomplete: true });

/**
 * The stored form of an actor option: 'any' (all recorded violence) or an actor id. An unknown name
 * throws NotFoundError ("did you mean") before anything is changed.
 */
export function digestActorFilter(ds: Dataset, typed: string): string {
  return isAnyActor(typed) ? ANY_ACTOR : resolveActorOption(ds, typed);
}

/** "Diyala, Iraq · incidents involving the Islamic State (the default)": a subscription's filter in words. */
export function digestFilterLabel(ds: Dataset, placeId: string | null, actorFilter: string | null): string {
  const place = placeId ? ds.gazetteer.label(placeId) : 'everywhere';
  const what = countedLabel(ds, actorOfFilter(ds, actorFilter));
  return `${place} · ${what.charAt(0).toLowerCase()}${what.slice(1)}${actorFilter === null ? ' (the default)' : ''}`;
}

/** Zones matching what is typed: names starting with it (or a part after a slash), then names containing it. */
export function timeZoneChoices(typed: string): AutocompleteChoice[] {
  const q = typed.trim().toLowerCase().replace(/\s+/g, '_');
  const zones = allTimeZones();
  const starts = zones.filter(
    (z) =>
      z.toLowerCase().startsWith(q) ||
      z
        .toLowerCase()
        .split('/')
        .some((p) => p.startsWith(q)),
  );
  const contains = zones.filter((z) => z.toLowerCase().includes(q) && !starts.includes(z));
  const list = q
    ? [...starts, ...contains]
    : ['UTC', 'Asia/Baghdad', 'Asia/Damascus', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Dubai', 'Asia/Tokyo'];
  return list.slice(0, DISCORD_LIMITS.autocompleteChoices).map((z) => ({ name: z, value: z }));
}
