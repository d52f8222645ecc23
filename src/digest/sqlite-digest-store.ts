import type { Db } from '../storage/db.ts';
import type { Delivery, DeliveryState, Subscription } from '../core/digest/types.ts';
import {
  SeenLog,
  takeOver,
  toDelivery,
  toDeliveryState as toState,
  toSubscription as toSub,
  type ClaimResult,
  type ComposeDelivery,
  type DigestStore,
  type MonoReading,
  type Row,
  type SubscriptionInput,
} from './store.ts';

/**
 * The DigestStore on SQLite (better-sqlite3, synchronous, behind the async interface): prepared
 * statements only; state changes that must not interleave run in IMMEDIATE transactions, so shard
 * processes sharing the database file cannot both claim one delivery.
 */
export class SqliteDigestStore implements DigestStore {
  private readonly s;
  private seenCache: SeenLog | null = null;
  /** What the cache was read at: the connection's data_version and the table's seen_version (see seenLog). */
  private seenStamp = { dataVersion: -1, seenVersion: '' };

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      getSub: p('SELECT * FROM digest_subscriptions WHERE guild_id = ?'),
      enabledSubs: p('SELECT * FROM digest_subscriptions WHERE enabled = 1'),
      countSubs: p('SELECT COUNT(*) AS n FROM digest_subscriptions WHERE enabled = 1'),
      upsertSub: p(`
        INSERT INTO digest_subscriptions (guild_id, channel_id, time, time_zone, place_id, actor_id, enabled, active_since, created_at, updated_at, updated_by)
        VALUES (@guildId, @channelId, @time, @timeZone, @placeId, @actorId, 1, @now, @now, @now, @updatedBy)
        ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, time = excluded.time, time_zone = excluded.time_zone,
          place_id = excluded.place_id, actor_id = excluded.actor_id, enabled = 1, active_since = excluded.active_since, disabled_reason = NULL, disabled_at = NULL,
          updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      disableSub: p('UPDATE digest_subscriptions SET enabled = 0, disabled_reason = ?, disabled_at = ?, updated_at = ? WHERE guild_id = ? AND enabled = 1'),
      deliveriesFrom: p('SELECT guild_id, local_date, status, attempts, owner, claimed_at, next_attempt_at FROM digest_deliveries WHERE local_date >= ?'),
      getDelivery: p('SELECT * FROM digest_deliveries WHERE guild_id = ? AND local_date = ?'),
      lastDelivery: p('SELECT * FROM digest_deliveries WHERE guild_id = ? ORDER BY local_date DESC LIMIT 1'),
      lastSent: p("SELECT * FROM digest_deliveries WHERE guild_id = ? AND status = 'sent' AND local_date < ? ORDER BY local_date DESC LIMIT 1"),
      lastSentAny: p("SELECT * FROM digest_deliveries WHERE guild_id = ? AND status = 'sent' ORDER BY local_date DESC LIMIT 1"),
      insertDelivery: p(`
        INSERT INTO digest_deliveries (guild_id, local_date, channel_id, status, attempts, nonce, body, digest_day, recorded_until, owner, claimed_at, first_attempt_at, first_attempt_mono, mono_origin, updated_at)
        VALUES (@guildId, @localDate, @channelId, 'sending', 1, @nonce, @body, @digestDay, @recordedUntil, @owner, @now, @now, @monoAt, @monoOrigin, @now)`),
      // A retry goes to the channel the subscription names now (moved by /digest set meanwhile), unless an
      // earlier request may have posted it: then only the same channel deduplicates by nonce. When no
      // earlier request can have posted it, the nonce window starts again with this attempt.
      reclaim: p(`
        UPDATE digest_deliveries SET status = 'sending', attempts = attempts + 1, owner = @owner, claimed_at = @now, next_attempt_at = NULL, updated_at = @now,
          channel_id = CASE WHEN @retry = 1 AND maybe_posted = 0 THEN @channelId ELSE channel_id END,
          first_attempt_at = CASE WHEN @retry = 1 AND maybe_posted = 0 THEN @now ELSE first_attempt_at END,
          first_attempt_mono = CASE WHEN @retry = 1 AND maybe_posted = 0 THEN @monoAt ELSE first_attempt_mono END,
          mono_origin = CASE WHEN @retry = 1 AND maybe_posted = 0 THEN @monoOrigin ELSE mono_origin END
        WHERE guild_id = @guildId AND local_date = @localDate`),
      restartWindow: p(`
        UPDATE digest_deliveries SET maybe_posted = 0, first_attempt_at = @now, first_attempt_mono = @monoAt, mono_origin = @monoOrigin, updated_at = @now
        WHERE guild_id = @guildId AND local_date = @localDate AND status = 'sending'`),
      markSent: p(`
        UPDATE digest_deliveries SET status = 'sent', message_id = ?, sent_at = ?, last_error = NULL, next_attempt_at = NULL, updated_at = ?
        WHERE guild_id = ? AND local_date = ? AND status = 'sending'`),
      bumpAttempt: p(`
        UPDATE digest_deliveries SET attempts = attempts + 1, last_error = ?, maybe_posted = MAX(maybe_posted, ?), claimed_at = ?, updated_at = ?
        WHERE guild_id = ? AND local_date = ? AND status = 'sending'`),
      markRetry: p(`
        UPDATE digest_deliveries SET status = 'retry', last_error = ?, maybe_posted = MAX(maybe_posted, ?), next_attempt_at = ?, updated_at = ?
        WHERE guild_id = ? AND local_date = ? AND status = 'sending'`),
      reopen: p(`
        UPDATE digest_deliveries SET status = 'retry', channel_id = ?, next_attempt_at = ?, updated_at = ?
        WHERE guild_id = ? AND local_date = ? AND status = 'failed'`),
      markEnded: p(`
        UPDATE digest_deliveries SET status = ?, last_error = ?, next_attempt_at = NULL, updated_at = ?
        WHERE guild_id = ? AND local_date = ? AND status IN ('sending', 'retry')`),
      seenCount: p('SELECT COUNT(*) AS n FROM incident_first_seen'),
      insertSeen: p('INSERT OR IGNORE INTO incident_first_seen (incident_id, first_seen_at, baseline) VALUES (?, ?, ?)'),
      seenLate: p('SELECT incident_id, first_seen_at FROM incident_first_seen WHERE baseline = 0 ORDER BY first_seen_at, incident_id'),
      getMeta: p('SELECT value FROM meta WHERE key = ?'),
      setMeta: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  // --- subscriptions ---

  async getSubscription(guildId: string): Promise<Subscription | null> {
    return this.sub(guildId);
  }

  private sub(guildId: string): Subscription | null {
    const r = this.s.getSub.get(guildId) as Row | undefined;
    return r ? toSub(r) : null;
  }

  async enabledSubscriptions(): Promise<Subscription[]> {
    return (this.s.enabledSubs.all() as Row[]).map(toSub);
  }

  async enabledCount(): Promise<number> {
    return (this.s.countSubs.get() as { n: number }).n;
  }

  async setSubscription(input: SubscriptionInput, now: number): Promise<Subscription> {
    this.s.upsertSub.run({ ...input, actorId: input.actorId ?? null, updatedBy: input.updatedBy ?? null, now });
    return this.sub(input.guildId)!;
  }

  async disable(guildId: string, reason: string, now: number): Promise<boolean> {
    return this.disableNow(guildId, reason, now);
  }

  private disableNow(guildId: string, reason: string, now: number): boolean {
    return this.s.disableSub.run(reason, now, now, guildId).changes > 0;
  }

  // --- deliveries ---

  async deliveriesFrom(day: string): Promise<DeliveryState[]> {
    return (this.s.deliveriesFrom.all(day) as Row[]).map(toState);
  }

  async getDelivery(guildId: string, localDate: string): Promise<Delivery | null> {
    return this.delivery(guildId, localDate);
  }

  private delivery(guildId: string, localDate: string): Delivery | null {
    const r = this.s.getDelivery.get(guildId, localDate) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  async lastDelivery(guildId: string): Promise<Delivery | null> {
    const r = this.s.lastDelivery.get(guildId) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  async lastSentBefore(guildId: string, localDate: string): Promise<Delivery | null> {
    return this.sentBefore(guildId, localDate);
  }

  private sentBefore(guildId: string, localDate: string): Delivery | null {
    const r = this.s.lastSent.get(guildId, localDate) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  async lastSent(guildId: string): Promise<Delivery | null> {
    const r = this.s.lastSentAny.get(guildId) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  async claim(
    key: { guildId: string; localDate: string },
    owner: string,
    now: number,
    staleAfterMs: number,
    compose: ComposeDelivery,
    mono: MonoReading = { at: null, origin: null },
  ): Promise<ClaimResult> {
    // IMMEDIATE: the write lock from the first read, so another connection cannot read "no row" meanwhile.
    const tx = this.db.transaction((): ClaimResult => {
      const sub = this.sub(key.guildId);
      if (!sub?.enabled) return null;
      const row = this.delivery(key.guildId, key.localDate);
      if (!row) {
        const c = compose(sub, this.sentBefore(key.guildId, key.localDate));
        this.s.insertDelivery.run({ ...key, channelId: sub.channelId, ...c, owner, now, monoAt: mono.at, monoOrigin: mono.origin });
        return { delivery: this.delivery(key.guildId, key.localDate)!, kind: 'first', previousClaimedAt: null };
      }
      const kind = takeOver(row, owner, now, staleAfterMs);
      if (!kind) return null;
      this.s.reclaim.run({ ...key, owner, now, retry: kind === 'retry' ? 1 : 0, channelId: sub.channelId, monoAt: mono.at, monoOrigin: mono.origin });
      return { delivery: this.delivery(key.guildId, key.localDate)!, kind, previousClaimedAt: row.claimedAt };
    });
    return tx.immediate();
  }

  async markSent(guildId: string, localDate: string, messageId: string, now: number): Promise<void> {
    this.s.markSent.run(messageId, now, now, guildId, localDate);
  }

  async bumpAttempt(guildId: string, localDate: string, error: string, maybePosted: boolean, now: number): Promise<void> {
    this.s.bumpAttempt.run(error, maybePosted ? 1 : 0, now, now, guildId, localDate);
  }

  async restartWindow(guildId: string, localDate: string, now: number, mono: MonoReading): Promise<void> {
    this.s.restartWindow.run({ guildId, localDate, now, monoAt: mono.at, monoOrigin: mono.origin });
  }

  async markRetry(guildId: string, localDate: string, error: string, maybePosted: boolean, nextAttemptAt: number, now: number): Promise<void> {
    this.s.markRetry.run(error, maybePosted ? 1 : 0, nextAttemptAt, now, guildId, localDate);
  }

  async reopenFailed(guildId: string, localDate: string, channelId: string, now: number): Promise<boolean> {
    return this.s.reopen.run(channelId, now, now, guildId, localDate).changes > 0;
  }

  async markEnded(guildId: string, localDate: string, status: 'failed' | 'unknown', error: string, now: number, disableReason?: string): Promise<void> {
    this.db
      .transaction(() => {
        this.s.markEnded.run(status, error, now, guildId, localDate);
        if (disableReason) this.disableNow(guildId, disableReason, now);
      })
      .immediate();
  }

  // --- when incidents were first seen ---

  async recordSeen(ids: Iterable<string>, now: number): Promise<{ added: number; baseline: boolean }> {
    this.seenCache = null;
    return this.db
      .transaction(() => {
        const baseline = (this.s.seenCount.get() as { n: number }).n === 0 && this.meta('seen_baseline_at') === null;
        let added = 0;
        for (const id of ids) added += this.s.insertSeen.run(id, now, baseline ? 1 : 0).changes;
        if (baseline) this.s.setMeta.run('seen_baseline_at', String(now));
        // Tells other processes' caches that the table changed (see seenLog).
        if (added) this.s.setMeta.run('seen_version', String(Number(this.meta('seen_version') ?? 0) + 1));
        return { added, baseline };
      })
      .immediate();
  }

  /**
   * Cached, and read again when this or another process (a shard sharing the file) has recorded new ids
   * since: a commit by another connection changes `PRAGMA data_version`, and then the `seen_version`
   * counter says whether it was one to the first-seen table (deliveries are written all the time; those
   * keep the cache).
   */
  async seenLog(): Promise<SeenLog> {
    const dataVersion = this.db.pragma('data_version', { simple: true }) as number;
    if (this.seenCache && dataVersion === this.seenStamp.dataVersion) return this.seenCache;
    const seenVersion = this.meta('seen_version') ?? '0';
    if (this.seenCache && seenVersion === this.seenStamp.seenVersion) {
      this.seenStamp = { dataVersion, seenVersion };
      return this.seenCache;
    }
    const rows = this.s.seenLate.all() as { incident_id: string; first_seen_at: number }[];
    this.seenStamp = { dataVersion, seenVersion };
    return (this.seenCache = new SeenLog(
      Float64Array.from(rows, (r) => r.first_seen_at),
      rows.map((r) => r.incident_id),
    ));
  }

  async getMeta(key: string): Promise<string | null> {
    return this.meta(key);
  }

  private meta(key: string): string | null {
    return (this.s.getMeta.get(key) as { value: string } | undefined)?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.s.setMeta.run(key, value);
  }
}
