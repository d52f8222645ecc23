import type { APIApplicationCommandBasicOption } from 'discord-api-types/v10';
import type { Dataset } from '../core/dataset.ts';
import { parseDateRange } from '../core/date-input.ts';
import { defaultActorId, isAnyActor } from '../core/focus.ts';
import type { ReplyPayload } from '../replies/payload.ts';
import { resolveActorOption, resolvePlaceOption } from '../replies/resolve-option.ts';
import { opt } from './parse-options.ts';

/** Which incidents a command is about: /attacks, /map and /chart all select them the same way. */
export interface IncidentSelection {
  placeId: string;
  from: string | null;
  to: string | null;
  /** The perpetrator or a party; null: any actor (all recorded violence). Defaults to the dataset's focus actor. */
  actorId: string | null;
}

/** The zod shapes of the selection options, to spread into a command's own option schema. */
export const selectionOptionShapes = {
  place: opt.text(),
  from: opt.optionalText(),
  to: opt.optionalText(),
  actor: opt.optionalText(),
};

/** The definitions of the selection options, worded the same in every command. */
export const selectionOptionDefinitions = {
  place: { type: 3, name: 'place', description: 'Country, region, province or city (e.g. syria, diyala, homs)', required: true, autocomplete: true },
  from: { type: 3, name: 'from', description: 'Start date: 2019-07-01, 2019-07, 2019, or "last 30 days"' },
  to: { type: 3, name: 'to', description: 'End date: 2019-08-31, 2019-08, 2019, today' },
  actor: { type: 3, name: 'actor', description: 'Perpetrator or party (default: the dataset\'s focus actor); "any" for all recorded violence', autocomplete: true },
} satisfies Record<string, APIApplicationCommandBasicOption>;

/**
 * Resolves place (and actor) names to ids and date words to days. An unknown name comes back as the
 * private "did you mean" reply to send instead; a malformed date throws UserError.
 */
export function resolveSelection(
  ds: Dataset,
  o: { place: string; from?: string; to?: string; actor?: string },
  now: Date,
): { selection: IncidentSelection } | { reply: ReplyPayload } {
  const place = resolvePlaceOption(ds, o.place);
  if ('reply' in place) return place;
  // No actor option: the dataset's focus actor; "any": every actor (all recorded violence).
  let actorId: string | null = defaultActorId(ds);
  if (o.actor && isAnyActor(o.actor)) actorId = null;
  else if (o.actor) {
    const actor = resolveActorOption(ds, o.actor);
    if ('reply' in actor) return actor;
    actorId = actor.id;
  }
  const { from, to } = parseDateRange(o.from, o.to, now);
  return { selection: { placeId: place.id, from, to, actorId } };
}
