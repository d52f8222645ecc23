import { addDays } from '../local-time.ts';
import type { DigestStoreView, SeenLogView } from './store-view.ts';
import type { Delivery, Subscription } from './types.ts';

/** Which incidents one digest covers. */
export interface DigestWindow {
  /** The local day whose incidents it lists: the day before the run, in the server's zone. */
  day: string;
  /**
   * The day the previous digest listed; null for a first digest. Incidents dated after it and before
   * `day` were never listed (days without a digest), so they join the late reports.
   */
  previousDay: string | null;
  /** Incidents first recorded since the previous digest (any date). Those dated before `day` are late reports. */
  recordedIds: readonly string[];
  /** When the digest is compiled. */
  at: Date;
}

/**
 * The window of the digest a subscription gets on a local day, compiled at `at` from a dataset recorded
 * (first-seen) at `recordedAt`: the day before, the day the last digest sent listed, and the incidents
 * first recorded since that digest (since the subscription was set, for a first digest) up to
 * `recordedAt` — later ones are not in that dataset, and go to the next digest. `recordedUntil` never
 * goes back behind the previous digest's, so no incident is listed twice.
 */
export async function windowFor(
  store: Pick<DigestStoreView, 'lastSentBefore' | 'seenLog'>,
  sub: Pick<Subscription, 'guildId' | 'activeSince'>,
  localDate: string,
  recordedAt: number,
  at: number = recordedAt,
): Promise<DigestWindow & { recordedUntil: number }> {
  const prev = await store.lastSentBefore(sub.guildId, localDate);
  return windowAfter(prev, await store.seenLog(), sub, localDate, recordedAt, at);
}

/** windowFor, given the last digest sent before that day (`prev`) and the first-seen log: no storage read. */
export function windowAfter(
  prev: Pick<Delivery, 'recordedUntil' | 'digestDay'> | null,
  seen: SeenLogView,
  sub: Pick<Subscription, 'activeSince'>,
  localDate: string,
  recordedAt: number,
  at: number = recordedAt,
): DigestWindow & { recordedUntil: number } {
  const since = prev ? prev.recordedUntil : sub.activeSince;
  const until = Math.max(since, recordedAt);
  return {
    day: addDays(localDate, -1),
    previousDay: prev?.digestDay ?? null,
    recordedIds: seen.between(since, until),
    at: new Date(at),
    recordedUntil: until,
  };
}
