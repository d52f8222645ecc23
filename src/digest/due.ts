import { addDays, localTime, parseClock, scheduledInstant } from './time.ts';
import { deliveryKey, type DeliveryState, type Subscription } from './types.ts';

export interface DueItem {
  guildId: string;
  /** The server's local day this digest belongs to (one digest per server per local day). */
  localDate: string;
  /** When today's digest was due. */
  scheduledAt: Date;
  /** first: nothing recorded yet; retry: an earlier attempt failed and its wait is over; recover: a dead process left it mid-send. */
  kind: 'first' | 'retry' | 'recover';
}

export interface DueOptions {
  /** This process; a 'sending' attempt of another owner is taken over once stale. */
  owner: string;
  /** How long another owner's 'sending' attempt is trusted to be alive. */
  staleAfterMs: number;
}

/**
 * Which digests are due at `now`: a pure function of the subscriptions, the clock and the deliveries
 * recorded, so it is tested with an injected clock across zones and DST changes.
 *
 * A subscription is due on its local day once the local time has reached its time (see
 * `scheduledInstant` for DST gaps and repeats), unless that instant came before the subscription was
 * set (subscribing at 10:00 for 08:00 starts tomorrow), and unless that day already has a delivery —
 * only a failed attempt whose retry time has come, or a stale attempt of a dead process, runs again.
 * Only today's digest is caught up after a restart; a whole missed day is not sent late, but its
 * incidents are in the next digest (see composeDigest's late reports).
 */
export function dueDigests(
  subscriptions: readonly Subscription[],
  now: Date,
  deliveries: ReadonlyMap<string, DeliveryState> | readonly DeliveryState[],
  opts: DueOptions,
): DueItem[] {
  const byKey: ReadonlyMap<string, DeliveryState> = Array.isArray(deliveries)
    ? new Map((deliveries as readonly DeliveryState[]).map((d) => [deliveryKey(d.guildId, d.localDate), d]))
    : (deliveries as ReadonlyMap<string, DeliveryState>);
  const t = now.getTime();
  const out: DueItem[] = [];
  const todayIn = new Map<string, string>();
  for (const sub of subscriptions) {
    if (!sub.enabled) continue;
    const minutes = parseClock(sub.time);
    if (minutes === null) continue;
    let today = todayIn.get(sub.timeZone);
    if (today === undefined) todayIn.set(sub.timeZone, (today = localTime(t, sub.timeZone).date));
    const at = scheduledInstant(today, minutes, sub.timeZone);
    if (t < at.getTime()) continue;
    const d = byKey.get(deliveryKey(sub.guildId, today));
    let kind: DueItem['kind'] | null = null;
    if (!d) kind = at.getTime() >= sub.activeSince ? 'first' : null;
    else if (d.status === 'retry' && (d.nextAttemptAt ?? 0) <= t) kind = 'retry';
    else if (d.status === 'sending' && d.owner !== opts.owner && t - d.claimedAt >= opts.staleAfterMs) kind = 'recover';
    if (kind) out.push({ guildId: sub.guildId, localDate: today, scheduledAt: at, kind });
  }
  // Longest overdue first, so a catch-up after a restart serves the oldest waits first.
  return out.sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime() || (a.guildId < b.guildId ? -1 : 1));
}

/** The earliest local day any zone can be in at `now` (UTC−12): deliveries from it on are all the due-logic needs. */
export function earliestLocalDay(now: Date): string {
  return addDays(now.toISOString().slice(0, 10), -1);
}

/** When the next digest will run, for /digest status (ignores an attempt under way). */
export function nextRun(sub: Subscription, now: Date, todayDelivered: boolean): Date | null {
  const minutes = parseClock(sub.time);
  if (!sub.enabled || minutes === null) return null;
  const today = localTime(now, sub.timeZone).date;
  const at = scheduledInstant(today, minutes, sub.timeZone);
  if (!todayDelivered && at.getTime() >= sub.activeSince) return at.getTime() > now.getTime() ? at : now;
  return scheduledInstant(addDays(today, 1), minutes, sub.timeZone);
}
