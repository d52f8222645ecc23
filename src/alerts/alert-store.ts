import { randomBytes } from 'node:crypto';
import type { AlertSubscriptionView } from '../../commands/kit/services.ts';
import type { Db } from '../storage/db.ts';

/** One channel's alert filter: the shape /alerts reads and writes (declared once, in the commands' kit). */
export type AlertSubscription = AlertSubscriptionView;

export interface AlertDelivery {
  channelId: string;
  incidentId: string;
  guildId: string;
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'unknown';
  nonce: string;
  attempts: number;
  firstAttemptAt: number | null;
  nextAttemptAt: number;
  messageId: string | null;
  lastError: string | null;
  /** An attempt failed without a clear answer: Discord may have posted it. */
  maybePosted: boolean;
}

type SubRow = {
  guild_id: string;
  channel_id: string;
  place_id: string | null;
  min_casualties: number;
  role_id: string | null;
  enabled: number;
  disabled_reason: string | null;
};
type DelRow = {
  channel_id: string;
  incident_id: string;
  guild_id: string;
  status: AlertDelivery['status'];
  nonce: string;
  attempts: number;
  first_attempt_at: number | null;
  next_attempt_at: number;
  message_id: string | null;
  last_error: string | null;
  maybe_posted: number;
};

const toSub = (r: SubRow): AlertSubscription => ({
  guildId: r.guild_id,
  channelId: r.channel_id,
  placeId: r.place_id,
  minCasualties: r.min_casualties,
  roleId: r.role_id,
  enabled: r.enabled === 1,
  disabledReason: r.disabled_reason,
});
const toDel = (r: DelRow): AlertDelivery => ({
  channelId: r.channel_id,
  incidentId: r.incident_id,
  guildId: r.guild_id,
  status: r.status,
  nonce: r.nonce,
  attempts: r.attempts,
  firstAttemptAt: r.first_attempt_at,
  nextAttemptAt: r.next_attempt_at,
  messageId: r.message_id,
  lastError: r.last_error,
  maybePosted: r.maybe_posted === 1,
});

/**
 * Alert subscriptions and the alert ledger: one row per (channel, incident), inserted before anything is
 * sent, so an incident is alerted once per channel however many processes or restarts see it.
 */
export class AlertStore {
  constructor(readonly db: Db) {}

  set(s: Omit<AlertSubscription, 'enabled' | 'disabledReason'>, by: string | null, now: number): void {
    this.db
      .prepare(
        `INSERT INTO alert_subscriptions (guild_id, channel_id, place_id, min_casualties, role_id, enabled, disabled_reason, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 1, NULL, ?, ?, ?)
         ON CONFLICT (guild_id, channel_id) DO UPDATE SET place_id = excluded.place_id, min_casualties = excluded.min_casualties,
           role_id = excluded.role_id, enabled = 1, disabled_reason = NULL, updated_at = excluded.updated_at`,
      )
      .run(s.guildId, s.channelId, s.placeId, s.minCasualties, s.roleId, by, now, now);
  }

  remove(guildId: string, channelId: string): boolean {
    return this.db.prepare('DELETE FROM alert_subscriptions WHERE guild_id = ? AND channel_id = ?').run(guildId, channelId).changes > 0;
  }

  forGuild(guildId: string): AlertSubscription[] {
    return (this.db.prepare('SELECT * FROM alert_subscriptions WHERE guild_id = ? ORDER BY channel_id').all(guildId) as SubRow[]).map(toSub);
  }

  /** Every server's subscriptions, on or off (the operator's console). */
  all(): AlertSubscription[] {
    return (this.db.prepare('SELECT * FROM alert_subscriptions ORDER BY guild_id, channel_id').all() as SubRow[]).map(toSub);
  }

  enabled(): AlertSubscription[] {
    return (this.db.prepare('SELECT * FROM alert_subscriptions WHERE enabled = 1 ORDER BY guild_id, channel_id').all() as SubRow[]).map(toSub);
  }

  disable(guildId: string, channelId: string, reason: string, now: number): void {
    this.db
      .prepare('UPDATE alert_subscriptions SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE guild_id = ? AND channel_id = ?')
      .run(reason, now, guildId, channelId);
  }

  /** Queues the alert unless this channel has it already; true when newly queued. */
  enqueue(guildId: string, channelId: string, incidentId: string, now: number): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO alert_deliveries (channel_id, incident_id, guild_id, status, nonce, queued_at) VALUES (?, ?, ?, 'queued', ?, ?) ON CONFLICT DO NOTHING`,
        )
        .run(channelId, incidentId, guildId, randomBytes(9).toString('base64url'), now).changes > 0
    );
  }

  /** Alerts waiting to be sent whose time has come, oldest first. */
  due(now: number): AlertDelivery[] {
    return (
      this.db
        .prepare("SELECT * FROM alert_deliveries WHERE status IN ('queued', 'sending') AND next_attempt_at <= ? ORDER BY queued_at, rowid")
        .all(now) as DelRow[]
    ).map(toDel);
  }

  get(channelId: string, incidentId: string): AlertDelivery | null {
    const r = this.db.prepare('SELECT * FROM alert_deliveries WHERE channel_id = ? AND incident_id = ?').get(channelId, incidentId) as DelRow | undefined;
    return r ? toDel(r) : null;
  }

  /** Takes the alert for one attempt; false when another process took it meanwhile or it is no longer open. */
  claim(channelId: string, incidentId: string, expectedAttempts: number, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE alert_deliveries SET status = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?), next_attempt_at = ?
           WHERE channel_id = ? AND incident_id = ? AND status IN ('queued', 'sending') AND attempts = ?`,
        )
        // A claimed attempt that never finishes (the process died) is open again after two minutes.
        .run(now, now + 120_000, channelId, incidentId, expectedAttempts).changes > 0
    );
  }

  markSent(channelId: string, incidentId: string, messageId: string, now: number): void {
    this.db
      .prepare("UPDATE alert_deliveries SET status = 'sent', message_id = ?, sent_at = ?, last_error = NULL WHERE channel_id = ? AND incident_id = ?")
      .run(messageId, now, channelId, incidentId);
  }

  markRetry(channelId: string, incidentId: string, error: string, at: number, unclear: boolean): void {
    this.db
      .prepare(
        "UPDATE alert_deliveries SET status = 'queued', next_attempt_at = ?, last_error = ?, maybe_posted = MAX(maybe_posted, ?) WHERE channel_id = ? AND incident_id = ?",
      )
      .run(at, error, unclear ? 1 : 0, channelId, incidentId);
  }

  /** Deferred by the hourly cap: not an attempt, so the attempt count stays as it was. */
  defer(channelId: string, incidentId: string, at: number, why: string): void {
    this.db
      .prepare("UPDATE alert_deliveries SET next_attempt_at = ?, last_error = ? WHERE channel_id = ? AND incident_id = ? AND status = 'queued'")
      .run(at, why, channelId, incidentId);
  }

  markEnded(channelId: string, incidentId: string, status: 'failed' | 'unknown', error: string): void {
    this.db
      .prepare('UPDATE alert_deliveries SET status = ?, last_error = ? WHERE channel_id = ? AND incident_id = ?')
      .run(status, error, channelId, incidentId);
  }

  /** Alerts sent to a channel since `since` (ms): the hourly cap counts these. */
  sentSince(channelId: string, since: number): { count: number; oldest: number | null } {
    const r = this.db
      .prepare("SELECT COUNT(*) AS n, MIN(sent_at) AS oldest FROM alert_deliveries WHERE channel_id = ? AND status = 'sent' AND sent_at > ?")
      .get(channelId, since) as { n: number; oldest: number | null };
    return { count: r.n, oldest: r.oldest };
  }
}
