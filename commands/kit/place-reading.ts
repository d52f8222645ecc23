import type { APIActionRowComponent, APIButtonComponent } from 'discord-api-types/v10';
import type { Dataset } from '../../src/core/dataset.ts';
import { truncate } from '../../src/core/format.ts';
import type { CommandModule, RawOptions } from './command.ts';
import { commandLine } from './command-line.ts';
import { DISCORD_LIMITS, EPHEMERAL } from './discord-limits.ts';
import { echo } from './echo.ts';
import { pageButtonId } from './page-button.ts';
import type { ReplyPayload } from './payload.ts';

/** At most this many other places of the same name are offered beside the answer. */
const MAX_OFFERS = 2;

export interface PlaceNote {
  /** "Showing Tall ‘Afar, … for "tal afar"." and the command lines of the other places offered. */
  text: string;
  /** One button per other place offered: the same query, that place instead. */
  buttons: APIButtonComponent[];
}

/**
 * What to say above an answer about how the typed place was read: the place shown when it was found
 * by another spelling or a typo, and the other places of the same name (a province beside the city),
 * each one click (or one command line) away. Null when the place was typed as one of its own names
 * and no other place shares it, or when an id was given (autocomplete, buttons).
 */
export function placeNote(ds: Dataset, command: CommandModule, options: RawOptions): PlaceNote | null {
  const typed = options.place;
  // An id (from autocomplete or a button) needs no note, unless it is also a word people type ("homs").
  if (typeof typed !== 'string' || (ds.gazetteer.get(typed) && typed.includes('-'))) return null;
  const r = ds.gazetteer.read(typed);
  if (r.kind !== 'found') return null;
  const lines: string[] = [];
  if (r.how !== 'name') lines.push(`Showing **${ds.gazetteer.label(r.id)}** for "${echo(typed)}".`);
  const shown = ds.gazetteer.get(r.id)!;
  // "raqqa city" says which one is meant: nothing else to offer.
  const saidKind = /\b(city|town|village|province|governorate|district)\b/i.test(typed);
  // Another kind first (the province of a city's name), then namesakes elsewhere; only places with incidents.
  const offers = (saidKind ? [] : r.others)
    .map((id) => ds.gazetteer.get(id)!)
    .filter((p) => (ds.incidents.forPlace(p.id)?.length ?? 0) > 0)
    .sort((a, b) => Number(a.kind === shown.kind) - Number(b.kind === shown.kind))
    .slice(0, MAX_OFFERS);
  const buttons: APIButtonComponent[] = [];
  for (const p of offers) {
    const alt = { ...options, place: p.id, page: undefined };
    lines.push(`Also named so: **${ds.gazetteer.label(p.id)}** (${p.kind}): \`${commandLine(command.definition.name, alt)}\``);
    // Buttons are page buttons: only commands that answer them get one; the others have the command line.
    const id = command.paginated ? pageButtonId(command, alt, 1) : null;
    if (id) buttons.push({ type: 2, style: 2, custom_id: id, label: truncate(`${p.name} (${p.kind}) instead`, DISCORD_LIMITS.buttonLabel) });
  }
  return lines.length ? { text: lines.join('\n'), buttons } : null;
}

/** The reply with the note above it and its buttons in a row of their own. */
export function withPlaceNote(reply: ReplyPayload, note: PlaceNote | null): ReplyPayload {
  if (!note || reply.flags === EPHEMERAL) return reply;
  const content = truncate(reply.content ? `${note.text}\n${reply.content}` : note.text, DISCORD_LIMITS.content);
  const row: APIActionRowComponent<APIButtonComponent> | null = note.buttons.length ? { type: 1, components: note.buttons } : null;
  return { ...reply, content, components: row ? [...(reply.components ?? []), row] : reply.components };
}

/** A command whose answers say how its `place` option was read (see placeNote). */
export function sayingHowPlaceWasRead(cmd: CommandModule): CommandModule {
  return {
    ...cmd,
    async handle(options, ctx) {
      const reply = await cmd.handle(options, ctx);
      return withPlaceNote(reply, placeNote(ctx.dataset(), cmd, options));
    },
  };
}
