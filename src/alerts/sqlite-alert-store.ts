import { randomBytes } from 'node:crypto';
import type { Db } from '../storage/db.ts';
import {
  ALERT_CLAIM_LEASE_MS,
  toAlertDelivery as toDel,
  toAlertSubscription as toSub,
  type AlertDelivery,
  type AlertDeliveryRow as DelRow,
  type AlertStore,
  type AlertSubscription,
  type AlertSubRow as SubRow,
} from './alert-store.ts';

/** The AlertStore on SQLite (better-sqlite3, synchronous, behind the async interface). */
export class SqliteAlertStore implements AlertStore {
  constructor(readonly db: Db) {}

  async set(s: Omit<AlertSubscription, 'enabled' | 'disabledReason'>, by: string | null, now: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO alert_subscriptions (guild_id, channel_id, place_id, min_casualties, role_id, enabled, disabled_reason, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 1, NULL, ?, ?, ?)
         ON CONFLICT (guild_id, channel_id) DO UPDATE SET place_id = excluded.place_id, min_casualties = excluded.min_casualties,
           role_id = excluded.role_id, enabled = 1, disabled_reason = NULL, updated_at = excluded.updated_at`,
      )
      .run(s.guildId, s.channelId, s.placeId, s.minCasualties, s.roleId, by, now, now);
  }

  async remove(guildId: string, channelId: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM alert_subscriptions WHERE guild_id = ? AND channel_id = ?').run(guildId, channelId).changes > 0;
  }

  async forGuild(guildId: string): Promise<AlertSubscription[]> {
    return (this.db.prepare('SELECT * FROM alert_subscriptions WHERE guild_id = ? ORDER BY channel_id').all(guildId) as SubRow[]).map(toSub);
  }

  /** Every server's subscriptions, on or off (the operator's console). */
  async all(): Promise<AlertSubscription[]> {
    return (this.db.prepare('SELECT * FROM alert_subscriptions ORDER BY guild_id, channel_id').all() as SubRow[]).map(toSub);
  }

  async enabled(): Promise<AlertSubscription[]> {
    return (this.db.prepare('SELECT * FROM alert_subscriptions WHERE enabled = 1 ORDER BY guild_id, channel_id').all() as SubRow[]).map(toSub);
  }

  async disable(guildId: string, channelId: string, reason: string, now: number): Promise<void> {
    this.db
      .prepare('UPDATE alert_subscriptions SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE guild_id = ? AND channel_id = ?')
      .run(reason, now, guildId, channelId);
  }

  /** Queues the alert unless this channel has it already; true when newly queued. */
  async enqueue(guildId: string, channelId: string, incidentId: string, now: number): Promise<boolean> {
    return (
      this.db
        .prepare(
          `INSERT INTO alert_deliveries (channel_id, incident_id, guild_id, status, nonce, queued_at) VALUES (?, ?, ?, 'queued', ?, ?) ON CONFLICT DO NOTHING`,
        )
        .run(channelId, incidentId, guildId, randomBytes(9).toString('base64url'), now).changes > 0
    );
  }

  /** Alerts waiting to be sent whose time has come, oldest first. */
  async due(now: number): Promise<AlertDelivery[]> {
    return (
      this.db
        .prepare("SELECT * FROM alert_deliveries WHERE status IN ('queued', 'sending') AND next_attempt_at <= ? ORDER BY queued_at, rowid")
        .all(now) as DelRow[]
    ).map(toDel);
  }

  async get(channelId: string, incidentId: string): Promise<AlertDelivery | null> {
    const r = this.db.prepare('SELECT * FROM alert_deliveries WHERE channel_id = ? AND incident_id = ?').get(channelId, incidentId) as DelRow | undefined;
    return r ? toDel(r) : null;
  }

  /** Takes the alert for one attempt; false when another process took it meanwhile or it is no longer open. */
  async claim(channelId: string, incidentId: string, expectedAttempts: number, now: number): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE alert_deliveries SET status = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?), next_attempt_at = ?
           WHERE channel_id = ? AND incident_id = ? AND status IN ('queued', 'sending') AND attempts = ?`,
        )
        // A claimed attempt that never finishes (the process died) is open again after two minutes.
        .run(now, now + ALERT_CLAIM_LEASE_MS, channelId, incidentId, expectedAttempts).changes > 0
    );
  }

  async markSent(channelId: string, incidentId: string, messageId: string, now: number): Promise<void> {
    this.db
      .prepare("UPDATE alert_deliveries SET status = 'sent', message_id = ?, sent_at = ?, last_error = NULL WHERE channel_id = ? AND incident_id = ?")
      .run(messageId, now, channelId, incidentId);
  }

  async markRetry(channelId: string, incidentId: string, error: string, at: number, unclear: boolean): Promise<void> {
    this.db
      .prepare(
        "UPDATE alert_deliveries SET status = 'queued', next_attempt_at = ?, last_error = ?, maybe_posted = MAX(maybe_posted, ?) WHERE channel_id = ? AND incident_id = ?",
      )
      .run(at, error, unclear ? 1 : 0, channelId, incidentId);
  }

  /** Deferred by the hourly cap: not an attempt, so the attempt count stays as it was. */
  async defer(channelId: string, incidentId: string, at: number, why: string): Promise<void> {
    this.db
      .prepare("UPDATE alert_deliveries SET next_attempt_at = ?, last_error = ? WHERE channel_id = ? AND incident_id = ? AND status = 'queued'")
      .run(at, why, channelId, incidentId);
  }

  async markEnded(channelId: string, incidentId: string, status: 'failed' | 'unknown', error: string): Promise<void> {
    this.db
      .prepare('UPDATE alert_deliveries SET status = ?, last_error = ? WHERE channel_id = ? AND incident_id = ?')
      .run(status, error, channelId, incidentId);
  }

  /** Alerts sent to a channel since `since` (ms): the hourly cap counts these. */
  async sentSince(channelId: string, since: number): Promise<{ count: number; oldest: number | null }> {
    const r = this.db
      .prepare("SELECT COUNT(*) AS n, MIN(sent_at) AS oldest FROM alert_deliveries WHERE channel_id = ? AND status = 'sent' AND sent_at > ?")
      .get(channelId, since) as { n: number; oldest: number | null };
    return { count: r.n, oldest: r.oldest };
  }
}
