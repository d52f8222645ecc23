import type { Dataset } from '../../src/core/dataset.ts';
import { parseDateRange } from '../../src/core/date-input.ts';
import type { IncidentSelection } from '../../src/core/incident-selection.ts';
import { UserError } from '../../src/core/user-error.ts';
import { defaultActorId, isAnyActor } from '../../src/core/focus.ts';
import { echo } from './echo.ts';
import { option } from './options.ts';
import { resolveActorOption, resolvePlaceOption } from './resolve-option.ts';

/** The selection options, worded the same in every command that takes them. */
export const selectionOptions = {
  place: option.text({
    description: 'Country, region, province or city (e.g. syria, diyala, homs)',
    required: true,
    autocomplete: true,
    page: { short: 'p', id: 'place' },
  }),
  from: option.text({ description: 'Start date: 2019-07-01, 2019-07, 2019, or "last 30 days"', page: { short: 'f', day: true } }),
  to: option.text({ description: 'End date: 2019-08-31, 2019-08, 2019, today', page: { short: 't', day: true } }),
  actor: option.text({
    description: 'Perpetrator or party (default: the dataset\'s focus actor); "any" for all recorded violence',
    autocomplete: true,
    page: { short: 'a', id: 'actor' },
  }),
};

/**
 * Resolves place (and actor) names to ids and date words to days. An unknown name throws NotFoundError
 * (the private "did you mean" answer); a malformed date throws UserError.
 */
export function resolveSelection(ds: Dataset, o: { place: string; from?: string; to?: string; actor?: string }, now: Date): IncidentSelection {
  const placeId = resolvePlaceOption(ds, o.place);
  // No actor option: the dataset's focus actor; "any": every actor (all recorded violence).
  const actorId = !o.actor ? defaultActorId(ds) : isAnyActor(o.actor) ? null : resolveActorOption(ds, o.actor);
  const { from, to } = parseDates(o.from, o.to, now);
  return { placeId, from, to, actorId };
}

/** parseDateRange, with the words the user typed escaped where its message repeats them. */
export function parseDates(from: string | undefined, to: string | undefined, now: Date): { from: string | null; to: string | null } {
  try {
    return parseDateRange(from, to, now);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    let message = e.message;
    for (const typed of [from, to]) if (typed) message = message.split(`"${typed}"`).join(`"${echo(typed)}"`);
    throw new UserError(message);
  }
}
