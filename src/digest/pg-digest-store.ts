import type pg from 'pg';
import type { Delivery, DeliveryState, Subscription } from '../core/digest/types.ts';
import { inTransaction, retryOnConnectionLoss, type PgRetryOptions } from '../storage/postgres.ts';
import {
  SeenLog,
  takeOver,
  toDelivery,
  toDeliveryState,
  toSubscription,
  type ClaimResult,
  type ComposeDelivery,
  type DigestStore,
  type MonoReading,
  type Row,
  type SubscriptionInput,
} from './store.ts';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** An arbitrary constant: the transaction-scoped advisory lock under which first-seen ids are recorded (one baseline). */
const SEEN_LOCK = 0x1b0_5ee1;
/** Ids per INSERT when recording first-seen incidents. */
const SEEN_CHUNK = 5000;

const DELIVERY_STATE_COLUMNS = 'guild_id, local_date, status, attempts, owner, claimed_at, next_attempt_at';

/**
 * The DigestStore on PostgreSQL (`pg`), shared by every process on every machine. A claim is one
 * transaction holding the delivery's row lock (`SELECT … FOR UPDATE`, or `INSERT … ON CONFLICT DO NOTHING`
 * when there is no row yet: of two processes inserting the same (guild, day), one gets the row and the other
 * nothing). Every later change is a conditional `UPDATE … WHERE status = …`. A statement or transaction
 * that loses its connection is run again (retryOnConnectionLoss): each is safe to repeat, and a claim
 * whose COMMIT went through unanswered recognises its own row on the next try.
 */
export class PgDigestStore implements DigestStore {
  private seenCache: SeenLog | null = null;
  private seenVersion = '';

  constructor(
    readonly pool: pg.Pool,
    private readonly retry: PgRetryOptions = {},
  ) {}

  private q<T = Row>(what: string, sql: string, params: unknown[] = []): Promise<T[]> {
    return retryOnConnectionLoss(what, async () => (await this.pool.query(sql, params)).rows as T[], this.retry);
  }

  private async count(what: string, sql: string, params: unknown[]): Promise<number> {
    return retryOnConnectionLoss(what, async () => (await this.pool.query(sql, params)).rowCount ?? 0, this.retry);
  }

  // --- subscriptions ---

  async getSubscription(guildId: string): Promise<Subscription | null> {
    return subscriptionOf(this.pool, guildId);
  }

  async enabledSubscriptions(): Promise<Subscription[]> {
    return (await this.q('read subscriptions', 'SELECT * FROM digest_subscriptions WHERE enabled = 1')).map(toSubscription);
  }

  async enabledCount(): Promise<number> {
    return (await this.q<{ n: number }>('count subscriptions', 'SELECT COUNT(*) AS n FROM digest_subscriptions WHERE enabled = 1'))[0]!.n;
  }

  async setSubscription(input: SubscriptionInput, now: number): Promise<Subscription> {
    const rows = await this.q(
      'set a subscription',
      `INSERT INTO digest_subscriptions (guild_id, channel_id, "time", time_zone, place_id, actor_id, enabled, active_since, created_at, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $8, 1, $6, $6, $6, $7)
       ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, "time" = excluded."time", time_zone = excluded.time_zone,
         place_id = excluded.place_id, actor_id = excluded.actor_id, enabled = 1, active_since = excluded.active_since, disabled_reason = NULL, disabled_at = NULL,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by
       RETURNING *`,
      [input.guildId, input.channelId, input.time, input.timeZone, input.placeId, now, input.updatedBy ?? null, input.actorId ?? null],
    );
    return toSubscription(rows[0]!);
  }

  async disable(guildId: string, reason: string, now: number): Promise<boolean> {
    return (await this.count('turn a subscription off', DISABLE_SQL, [reason, now, guildId])) > 0;
  }

  // --- deliveries ---

  async deliveriesFrom(day: string): Promise<DeliveryState[]> {
    return (await this.q('read deliveries', `SELECT ${DELIVERY_STATE_COLUMNS} FROM digest_deliveries WHERE local_date >= $1`, [day])).map(toDeliveryState);
  }

  async getDelivery(guildId: string, localDate: string): Promise<Delivery | null> {
    const r = await this.q('read a delivery', 'SELECT * FROM digest_deliveries WHERE guild_id = $1 AND local_date = $2', [guildId, localDate]);
    return r[0] ? toDelivery(r[0]) : null;
  }

  async lastDelivery(guildId: string): Promise<Delivery | null> {
    const r = await this.q('read the last delivery', 'SELECT * FROM digest_deliveries WHERE guild_id = $1 ORDER BY local_date DESC LIMIT 1', [guildId]);
    return r[0] ? toDelivery(r[0]) : null;
  }

  async lastSentBefore(guildId: string, localDate: string): Promise<Delivery | null> {
    return retryOnConnectionLoss('read the last digest sent', () => lastSentBefore(this.pool, guildId, localDate), this.retry);
  }

  async lastSent(guildId: string): Promise<Delivery | null> {
    const r = await this.q(
      'read the last digest sent',
      "SELECT * FROM digest_deliveries WHERE guild_id = $1 AND status = 'sent' ORDER BY local_date DESC LIMIT 1",
      [guildId],
    );
    return r[0] ? toDelivery(r[0]) : null;
  }

  async claim(
    key: { guildId: string; localDate: string },
    owner: string,
    now: number,
    staleAfterMs: number,
    compose: ComposeDelivery,
    mono: MonoReading = { at: null, origin: null },
  ): Promise<ClaimResult> {
    const { guildId, localDate } = key;
    return retryOnConnectionLoss(
      'claim a digest',
      (attempt) =>
        inTransaction(this.pool, async (c): Promise<ClaimResult> => {
          const sub = await subscriptionOf(c, guildId);
          if (!sub?.enabled) return null;
          const locked = await c.query('SELECT * FROM digest_deliveries WHERE guild_id = $1 AND local_date = $2 FOR UPDATE', [guildId, localDate]);
          const row = locked.rows[0] ? toDelivery(locked.rows[0] as Row) : null;
          if (!row) {
            const composed = compose(sub, await lastSentBefore(c, guildId, localDate));
            const inserted = await c.query(
              `INSERT INTO digest_deliveries (guild_id, local_date, channel_id, status, attempts, nonce, body, digest_day, recorded_until, owner, claimed_at,
                 first_attempt_at, first_attempt_mono, mono_origin, updated_at)
               VALUES ($1, $2, $3, 'sending', 1, $4, $5, $6, $7, $8, $9, $9, $10, $11, $9)
               ON CONFLICT (guild_id, local_date) DO NOTHING RETURNING *`,
              [guildId, localDate, sub.channelId, composed.nonce, composed.body, composed.digestDay, composed.recordedUntil, owner, now, mono.at, mono.origin],
            );
            // Another process inserted it between our read and our insert: it is theirs (and fresh).
            return inserted.rows[0] ? { delivery: toDelivery(inserted.rows[0] as Row), kind: 'first', previousClaimedAt: null } : null;
          }
          // A retry of this very call whose COMMIT went through but whose answer was lost: the row is ours.
          if (attempt > 0 && row.status === 'sending' && row.owner === owner && row.claimedAt === now)
            return { delivery: row, kind: row.attempts === 1 ? 'first' : 'retry', previousClaimedAt: null };
          const kind = takeOver(row, owner, now, staleAfterMs);
          if (!kind) return null;
          const retry = kind === 'retry' ? 1 : 0;
          const updated = await c.query(
            `UPDATE digest_deliveries SET status = 'sending', attempts = attempts + 1, owner = $3, claimed_at = $4, next_attempt_at = NULL, updated_at = $4,
               channel_id = CASE WHEN $5::int = 1 AND maybe_posted = 0 THEN $6 ELSE channel_id END,
               first_attempt_at = CASE WHEN $5::int = 1 AND maybe_posted = 0 THEN $4 ELSE first_attempt_at END,
               first_attempt_mono = CASE WHEN $5::int = 1 AND maybe_posted = 0 THEN $7::double precision ELSE first_attempt_mono END,
               mono_origin = CASE WHEN $5::int = 1 AND maybe_posted = 0 THEN $8::text ELSE mono_origin END
             WHERE guild_id = $1 AND local_date = $2 RETURNING *`,
            [guildId, localDate, owner, now, retry, sub.channelId, mono.at, mono.origin],
          );
          return { delivery: toDelivery(updated.rows[0] as Row), kind, previousClaimedAt: row.claimedAt };
        }),
      this.retry,
    );
  }

  async markSent(guildId: string, localDate: string, messageId: string, now: number): Promise<void> {
    await this.count(
      'record a digest as sent',
      `UPDATE digest_deliveries SET status = 'sent', message_id = $1, sent_at = $2, last_error = NULL, next_attempt_at = NULL, updated_at = $2
       WHERE guild_id = $3 AND local_date = $4 AND status = 'sending'`,
      [messageId, now, guildId, localDate],
    );
  }

  async bumpAttempt(guildId: string, localDate: string, error: string, maybePosted: boolean, now: number): Promise<void> {
    await this.count(
      'record a failed request',
      `UPDATE digest_deliveries SET attempts = attempts + 1, last_error = $1, maybe_posted = GREATEST(maybe_posted, $2), claimed_at = $3, updated_at = $3
       WHERE guild_id = $4 AND local_date = $5 AND status = 'sending'`,
      [error, maybePosted ? 1 : 0, now, guildId, localDate],
    );
  }

  async restartWindow(guildId: string, localDate: string, now: number, mono: MonoReading): Promise<void> {
    await this.count(
      'restart the nonce window',
      `UPDATE digest_deliveries SET maybe_posted = 0, first_attempt_at = $1, first_attempt_mono = $2, mono_origin = $3, updated_at = $1
       WHERE guild_id = $4 AND local_date = $5 AND status = 'sending'`,
      [now, mono.at, mono.origin, guildId, localDate],
    );
  }

  async markRetry(guildId: string, localDate: string, error: string, maybePosted: boolean, nextAttemptAt: number, now: number): Promise<void> {
    await this.count(
      'leave a digest for later',
      `UPDATE digest_deliveries SET status = 'retry', last_error = $1, maybe_posted = GREATEST(maybe_posted, $2), next_attempt_at = $3, updated_at = $4
       WHERE guild_id = $5 AND local_date = $6 AND status = 'sending'`,
      [error, maybePosted ? 1 : 0, nextAttemptAt, now, guildId, localDate],
    );
  }

  async reopenFailed(guildId: string, localDate: string, channelId: string, now: number): Promise<boolean> {
    const n = await this.count(
      'reopen a failed digest',
      `UPDATE digest_deliveries SET status = 'retry', channel_id = $1, next_attempt_at = $2, updated_at = $2
       WHERE guild_id = $3 AND local_date = $4 AND status = 'failed'`,
      [channelId, now, guildId, localDate],
    );
    return n > 0;
  }

  async markEnded(guildId: string, localDate: string, status: 'failed' | 'unknown', error: string, now: number, disableReason?: string): Promise<void> {
    await retryOnConnectionLoss(
      'end a digest',
      () =>
        inTransaction(this.pool, async (c) => {
          await c.query(
            `UPDATE digest_deliveries SET status = $1, last_error = $2, next_attempt_at = NULL, updated_at = $3
             WHERE guild_id = $4 AND local_date = $5 AND status IN ('sending', 'retry')`,
            [status, error, now, guildId, localDate],
          );
          if (disableReason) await c.query(DISABLE_SQL, [disableReason, now, guildId]);
        }),
      this.retry,
    );
  }

  // --- when incidents were first seen ---

  async recordSeen(ids: Iterable<string>, now: number): Promise<{ added: number; baseline: boolean }> {
    this.seenCache = null;
    const all = [...ids];
    return retryOnConnectionLoss(
      'record first-seen incidents',
      () =>
        inTransaction(this.pool, async (c) => {
          // One process at a time: two starting on an empty table must not both take the baseline.
          await c.query('SELECT pg_advisory_xact_lock($1)', [SEEN_LOCK]);
          const empty = (await c.query('SELECT NOT EXISTS (SELECT 1 FROM incident_first_seen) AS empty')).rows[0] as { empty: boolean };
          const baseline = empty.empty && (await metaOf(c, 'seen_baseline_at')) === null;
          let added = 0;
          for (let i = 0; i < all.length; i += SEEN_CHUNK) {
            const r = await c.query(
              'INSERT INTO incident_first_seen (incident_id, first_seen_at, baseline) SELECT unnest($1::text[]), $2, $3 ON CONFLICT DO NOTHING',
              [all.slice(i, i + SEEN_CHUNK), now, baseline ? 1 : 0],
            );
            added += r.rowCount ?? 0;
          }
          if (baseline) await setMetaOn(c, 'seen_baseline_at', String(now));
          // Tells every process's cache that the table changed (see seenLog).
          if (added)
            await c.query(
              `INSERT INTO meta (key, value) VALUES ('seen_version', '1')
               ON CONFLICT (key) DO UPDATE SET value = (meta.value::bigint + 1)::text`,
            );
          return { added, baseline };
        }),
      this.retry,
    );
  }

  /** Cached; read again when any process has recorded new ids since (the `seen_version` counter in meta changed). */
  async seenLog(): Promise<SeenLog> {
    const version = (await this.getMeta('seen_version')) ?? '0';
    if (this.seenCache && version === this.seenVersion) return this.seenCache;
    const rows = await this.q<{ incident_id: string; first_seen_at: number }>(
      'read first-seen incidents',
      'SELECT incident_id, first_seen_at FROM incident_first_seen WHERE baseline = 0 ORDER BY first_seen_at, incident_id COLLATE "C"',
    );
    this.seenVersion = version;
    return (this.seenCache = new SeenLog(
      Float64Array.from(rows, (r) => r.first_seen_at),
      rows.map((r) => r.incident_id),
    ));
  }

  async getMeta(key: string): Promise<string | null> {
    return retryOnConnectionLoss('read meta', () => metaOf(this.pool, key), this.retry);
  }

  async setMeta(key: string, value: string): Promise<void> {
    await retryOnConnectionLoss('write meta', () => setMetaOn(this.pool, key, value), this.retry);
  }
}

const DISABLE_SQL = 'UPDATE digest_subscriptions SET enabled = 0, disabled_reason = $1, disabled_at = $2, updated_at = $2 WHERE guild_id = $3 AND enabled = 1';

async function subscriptionOf(db: Queryable, guildId: string): Promise<Subscription | null> {
  const r = await db.query('SELECT * FROM digest_subscriptions WHERE guild_id = $1', [guildId]);
  return r.rows[0] ? toSubscription(r.rows[0] as Row) : null;
}

async function lastSentBefore(db: Queryable, guildId: string, localDate: string): Promise<Delivery | null> {
  const r = await db.query("SELECT * FROM digest_deliveries WHERE guild_id = $1 AND status = 'sent' AND local_date < $2 ORDER BY local_date DESC LIMIT 1", [
    guildId,
    localDate,
  ]);
  return r.rows[0] ? toDelivery(r.rows[0] as Row) : null;
}

async function metaOf(db: Queryable, key: string): Promise<string | null> {
  const r = await db.query('SELECT value FROM meta WHERE key = $1', [key]);
  return (r.rows[0] as { value: string } | undefined)?.value ?? null;
}

async function setMetaOn(db: Queryable, key: string, value: string): Promise<void> {
  await db.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
}
