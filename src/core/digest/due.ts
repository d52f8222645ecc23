import { utcDay } from '../calendar-day.ts';
import { addDays, localTime, parseClock, scheduledInstant } from '../local-time.ts';
import { deliveryKey, type DeliveryState, type Subscription } from './types.ts';

export interface DueItem {
  guildId: string;
  /** The server's local day this digest belongs to (one digest per server per local day). */
  localDate: string;
  /** When that day's digest was due. */
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

/** A digest due in the last this-long of a local day and missed entirely is still sent this long into the next day. */
export const LATE_CATCH_UP_MS = 3 * 60 * 60_000;

/**
 * Which digests are due at `now`: a pure function of the subscriptions, the clock and the deliveries
 * recorded, so it is tested with an injected clock across zones and DST changes.
 *
 * A subscription is due on its local day once the local time has reached its time (see
 * `scheduledInstant` for DST gaps and repeats), unless that instant came before the subscription was
 * set (subscribing at 10:00 for 08:00 starts tomorrow), and unless that day already has a delivery —
 * only a failed attempt whose retry time has come, or a stale attempt of a dead process, runs again.
 *
 * Yesterday's digest (keyed by its own local day, so still once per day) is finished after midnight:
 * a retry or a stale attempt left over from it runs on, and one that was due in the last
 * `LATE_CATCH_UP_MS` of yesterday but never started (the bot was down across midnight) is sent up to
 * `LATE_CATCH_UP_MS` into today. While yesterday's is unfinished, today's waits, so the two are
 * composed in order and nothing is listed by both. Older days are not sent late; their incidents are
 * in the next digest (see composeDigest's late reports).
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
  const todayIn = new Map<string, { today: string; yesterday: string; midnight: number }>();
  /** Whether a recorded delivery runs again now, and as what. */
  const again = (d: DeliveryState): DueItem['kind'] | null => {
    if (d.status === 'retry' && (d.nextAttemptAt ?? 0) <= t) return 'retry';
    if (d.status === 'sending' && d.owner !== opts.owner && t - d.claimedAt >= opts.staleAfterMs) return 'recover';
    return null;
  };
  for (const sub of subscriptions) {
    if (!sub.enabled) continue;
    const minutes = parseClock(sub.time);
    if (minutes === null) continue;
    let z = todayIn.get(sub.timeZone);
    if (z === undefined) {
      const today = localTime(t, sub.timeZone).date;
      todayIn.set(sub.timeZone, (z = { today, yesterday: addDays(today, -1), midnight: scheduledInstant(today, 0, sub.timeZone).getTime() }));
    }
    // Yesterday's first: unfinished (or missed just before midnight), it goes before today's.
    const dy = byKey.get(deliveryKey(sub.guildId, z.yesterday));
    if (dy ? dy.status === 'retry' || dy.status === 'sending' : t < z.midnight + LATE_CATCH_UP_MS) {
      const atY = scheduledInstant(z.yesterday, minutes, sub.timeZone);
      const kind = dy ? again(dy) : atY.getTime() >= z.midnight - LATE_CATCH_UP_MS && atY.getTime() >= sub.activeSince && atY.getTime() <= t ? 'first' : null;
      if (kind) out.push({ guildId: sub.guildId, localDate: z.yesterday, scheduledAt: atY, kind });
      if (dy || kind) continue; // today's waits for it
    }
    const at = scheduledInstant(z.today, minutes, sub.timeZone);
    if (t < at.getTime()) continue;
    const d = byKey.get(deliveryKey(sub.guildId, z.today));
    const kind = d ? again(d) : at.getTime() >= sub.activeSince ? 'first' : null;
    if (kind) out.push({ guildId: sub.guildId, localDate: z.today, scheduledAt: at, kind });
  }
  // Longest overdue first, so a catch-up after a restart serves the oldest waits first.
  return out.sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime() || (a.guildId < b.guildId ? -1 : 1));
}

/**
 * The earliest local day the due-logic looks at, at `now`: yesterday in the zone furthest behind
 * (UTC−12). Deliveries from it on are all it needs.
 */
export function earliestLocalDay(now: Date): string {
  return addDays(utcDay(now), -2);
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
