import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { retryOnConnectionLoss, type PgRetryOptions } from '../storage/postgres.ts';
import {
  ALERT_CLAIM_LEASE_MS,
  toAlertDelivery,
  toAlertSubscription,
  type AlertDelivery,
  type AlertDeliveryRow,
  type AlertStore,
  type AlertSubscription,
  type AlertSubRow,
} from './alert-store.ts';

/**
 * The AlertStore on PostgreSQL (`pg`), shared by every process. An alert is queued with
 * `INSERT … ON CONFLICT DO NOTHING` on its (channel, incident) key and claimed with a conditional
 * `UPDATE … WHERE attempts = expected`: of two processes, one changes the row and the other nothing. Every
 * statement is single and safe to repeat, so one that loses its connection is run again.
 */
export class PgAlertStore implements AlertStore {
  constructor(
    readonly pool: pg.Pool,
    private readonly retry: PgRetryOptions = {},
  ) {}

  private async q<T>(what: string, sql: string, params: unknown[] = []): Promise<{ rows: T[]; count: number }> {
    return retryOnConnectionLoss(
      what,
      async () => {
        const r = await this.pool.query(sql, params);
        return { rows: r.rows as T[], count: r.rowCount ?? 0 };
      },
      this.retry,
    );
  }

  async set(s: Omit<AlertSubscription, 'enabled' | 'disabledReason'>, by: string | null, now: number): Promise<void> {
    await this.q(
      'set alerts',
      `INSERT INTO alert_subscriptions (guild_id, channel_id, place_id, min_casualties, role_id, enabled, disabled_reason, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 1, NULL, $6, $7, $7)
       ON CONFLICT (guild_id, channel_id) DO UPDATE SET place_id = excluded.place_id, min_casualties = excluded.min_casualties,
         role_id = excluded.role_id, enabled = 1, disabled_reason = NULL, updated_at = excluded.updated_at`,
      [s.guildId, s.channelId, s.placeId, s.minCasualties, s.roleId, by, now],
    );
  }

  async remove(guildId: string, channelId: string): Promise<boolean> {
    return (await this.q('remove alerts', 'DELETE FROM alert_subscriptions WHERE guild_id = $1 AND channel_id = $2', [guildId, channelId])).count > 0;
  }

  async forGuild(guildId: string): Promise<AlertSubscription[]> {
    const r = await this.q<AlertSubRow>('read alerts', 'SELECT * FROM alert_subscriptions WHERE guild_id = $1 ORDER BY channel_id COLLATE "C"', [guildId]);
    return r.rows.map(toAlertSubscription);
  }

  async all(): Promise<AlertSubscription[]> {
    const r = await this.q<AlertSubRow>('read alerts', 'SELECT * FROM alert_subscriptions ORDER BY guild_id COLLATE "C", channel_id COLLATE "C"');
    return r.rows.map(toAlertSubscription);
  }

  async enabled(): Promise<AlertSubscription[]> {
    const r = await this.q<AlertSubRow>(
      'read alerts',
      'SELECT * FROM alert_subscriptions WHERE enabled = 1 ORDER BY guild_id COLLATE "C", channel_id COLLATE "C"',
    );
    return r.rows.map(toAlertSubscription);
  }

  async disable(guildId: string, channelId: string, reason: string, now: number): Promise<void> {
    await this.q(
      'turn alerts off',
      'UPDATE alert_subscriptions SET enabled = 0, disabled_reason = $1, updated_at = $2 WHERE guild_id = $3 AND channel_id = $4',
      [reason, now, guildId, channelId],
    );
  }

  async enqueue(guildId: string, channelId: string, incidentId: string, now: number): Promise<boolean> {
    const r = await this.q(
      'queue an alert',
      `INSERT INTO alert_deliveries (channel_id, incident_id, guild_id, status, nonce, queued_at) VALUES ($1, $2, $3, 'queued', $4, $5) ON CONFLICT DO NOTHING`,
      [channelId, incidentId, guildId, randomBytes(9).toString('base64url'), now],
    );
    return r.count > 0;
  }

  async due(now: number): Promise<AlertDelivery[]> {
    const r = await this.q<AlertDeliveryRow>(
      'read due alerts',
      "SELECT * FROM alert_deliveries WHERE status IN ('queued', 'sending') AND next_attempt_at <= $1 ORDER BY queued_at, seq",
      [now],
    );
    return r.rows.map(toAlertDelivery);
  }

  async get(channelId: string, incidentId: string): Promise<AlertDelivery | null> {
    const r = await this.q<AlertDeliveryRow>('read an alert', 'SELECT * FROM alert_deliveries WHERE channel_id = $1 AND incident_id = $2', [
      channelId,
      incidentId,
    ]);
    return r.rows[0] ? toAlertDelivery(r.rows[0]) : null;
  }

  async claim(channelId: string, incidentId: string, expectedAttempts: number, now: number): Promise<boolean> {
    // Retried after a lost connection, an update that did commit finds attempts moved on and says false:
    // the alert then waits for its lease to run out and is sent by whichever process takes it next.
    const r = await this.q(
      'claim an alert',
      `UPDATE alert_deliveries SET status = 'sending', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, $1), next_attempt_at = $2
       WHERE channel_id = $3 AND incident_id = $4 AND status IN ('queued', 'sending') AND attempts = $5`,
      [now, now + ALERT_CLAIM_LEASE_MS, channelId, incidentId, expectedAttempts],
    );
    return r.count > 0;
  }

  async markSent(channelId: string, incidentId: string, messageId: string, now: number): Promise<void> {
    await this.q(
      'record an alert as sent',
      "UPDATE alert_deliveries SET status = 'sent', message_id = $1, sent_at = $2, last_error = NULL WHERE channel_id = $3 AND incident_id = $4",
      [messageId, now, channelId, incidentId],
    );
  }

  async markRetry(channelId: string, incidentId: string, error: string, at: number, unclear: boolean): Promise<void> {
    await this.q(
      'leave an alert for later',
      `UPDATE alert_deliveries SET status = 'queued', next_attempt_at = $1, last_error = $2, maybe_posted = GREATEST(maybe_posted, $3)
       WHERE channel_id = $4 AND incident_id = $5`,
      [at, error, unclear ? 1 : 0, channelId, incidentId],
    );
  }

  async defer(channelId: string, incidentId: string, at: number, why: string): Promise<void> {
    await this.q(
      'defer an alert',
      "UPDATE alert_deliveries SET next_attempt_at = $1, last_error = $2 WHERE channel_id = $3 AND incident_id = $4 AND status = 'queued'",
      [at, why, channelId, incidentId],
    );
  }

  async markEnded(channelId: string, incidentId: string, status: 'failed' | 'unknown', error: string): Promise<void> {
    await this.q('end an alert', 'UPDATE alert_deliveries SET status = $1, last_error = $2 WHERE channel_id = $3 AND incident_id = $4', [
      status,
      error,
      channelId,
      incidentId,
    ]);
  }

  async sentSince(channelId: string, since: number): Promise<{ count: number; oldest: number | null }> {
    const r = await this.q<{ n: number; oldest: number | null }>(
      'count sent alerts',
      "SELECT COUNT(*) AS n, MIN(sent_at) AS oldest FROM alert_deliveries WHERE channel_id = $1 AND status = 'sent' AND sent_at > $2",
      [channelId, since],
    );
    return { count: r.rows[0]!.n, oldest: r.rows[0]!.oldest };
  }
}
