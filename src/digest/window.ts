import type { DigestWindow } from './compose.ts';
import type { DigestStore } from './store.ts';
import { addDays } from './time.ts';
import type { Subscription } from './types.ts';

/**
 * The window of the digest a subscription gets on a local day, compiled at `at`: the day before, the
 * day the last digest sent listed, and the incidents first recorded since that digest (since the
 * subscription was set, for a first digest).
 */
export function windowFor(store: DigestStore, sub: Pick<Subscription, 'guildId' | 'activeSince'>, localDate: string, at: number): DigestWindow {
  const prev = store.lastSentBefore(sub.guildId, localDate);
  const since = prev ? prev.recordedUntil : sub.activeSince;
  return {
    day: addDays(localDate, -1),
    previousDay: prev?.digestDay ?? null,
    recordedIds: store.seenLog().between(since, at),
    at: new Date(at),
  };
}
