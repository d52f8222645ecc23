import type { Db } from '../storage/db.ts';
import type { Delivery, DeliveryState, DeliveryStatus, Subscription } from '../core/digest/types.ts';
import { lowerBound } from '../core/lower-bound.ts';

type Row = Record<string, unknown>;

const toSub = (r: Row): Subscription => ({
  guildId: r.guild_id as string,
  channelId: r.channel_id as string,
  time: r.time as string,
  timeZone: r.time_zone as string,
  placeId: (r.place_id as string | null) ?? null,
  actorId: (r.actor_id as string | null) ?? null,
  enabled: r.enabled === 1,
  activeSince: r.active_since as number,
  disabledReason: (r.disabled_reason as string | null) ?? null,
  disabledAt: (r.disabled_at as number | null) ?? null,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
});

const toState = (r: Row): DeliveryState => ({
  guildId: r.guild_id as string,
  localDate: r.local_date as string,
  status: r.status as DeliveryStatus,
  attempts: r.attempts as number,
  owner: r.owner as string,
  claimedAt: r.claimed_at as number,
  nextAttemptAt: (r.next_attempt_at as number | null) ?? null,
});

const toDelivery = (r: Row): Delivery => ({
  ...toState(r),
  channelId: r.channel_id as string,
  nonce: r.nonce as string,
  body: r.body as string,
  digestDay: r.digest_day as string,
  recordedUntil: r.recorded_until as number,
  firstAttemptAt: (r.first_attempt_at as number | null) ?? (r.claimed_at as number),
  firstAttemptMono: (r.first_attempt_mono as number | null) ?? null,
  monoOrigin: (r.mono_origin as string | null) ?? null,
  maybePosted: r.maybe_posted === 1,
  messageId: (r.message_id as string | null) ?? null,
  sentAt: (r.sent_at as number | null) ?? null,
  lastError: (r.last_error as string | null) ?? null,
  updatedAt: r.updated_at as number,
});

export interface SubscriptionInput {
  guildId: string;
  channelId: string;
  time: string;
  timeZone: string;
  placeId: string | null;
  /** The actor filter (see Subscription.actorId); absent: the default. */
  actorId?: string | null;
  updatedBy?: string | null;
}

/** What a new attempt sends; computed only when a delivery is first recorded. */
export interface ComposedDelivery {
  body: string;
  nonce: string;
  digestDay: string;
  recordedUntil: number;
}

/** A reading of a monotonic clock and its origin (readings compare only with the same origin). */
export interface MonoReading {
  at: number | null;
  origin: string | null;
}

/** `previousClaimedAt`: when the attempt taken over (retry, recover) had been claimed. */
export type ClaimResult = { delivery: Delivery; kind: 'first' | 'retry' | 'recover'; previousClaimedAt: number | null } | null;

/** Incidents first seen in a window of time, from a snapshot of the first-seen table. */
export class SeenLog {
  constructor(
    /** ms, ascending. */
    private readonly at: Float64Array,
    private readonly ids: readonly string[],
  ) {}

  /** Ids first seen in (since, until]. */
  between(since: number, until: number): string[] {
    return this.ids.slice(this.lowerBound(since), this.lowerBound(until));
  }

  get size(): number {
    return this.ids.length;
  }

  /** First index whose time is > t. */
  private lowerBound(t: number): number {
    return lowerBound(0, this.at.length, (m) => this.at[m]! <= t);
  }
}

/**
 * Everything the digest keeps: subscriptions, deliveries and when each incident was first seen.
 * Prepared statements only; state changes that must not interleave run in IMMEDIATE transactions,
 * so shard processes sharing the database file cannot both claim one delivery.
 */
export class DigestStore {
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

  getSubscription(guildId: string): Subscription | null {
    const r = this.s.getSub.get(guildId) as Row | undefined;
    return r ? toSub(r) : null;
  }

  enabledSubscriptions(): Subscription[] {
    return (this.s.enabledSubs.all() as Row[]).map(toSub);
  }

  enabledCount(): number {
    return (this.s.countSubs.get() as { n: number }).n;
  }

  /** Creates or replaces the server's subscription and turns it on. */
  setSubscription(input: SubscriptionInput, now: number): Subscription {
    this.s.upsertSub.run({ ...input, actorId: input.actorId ?? null, updatedBy: input.updatedBy ?? null, now });
    return this.getSubscription(input.guildId)!;
  }

  /** Turns it off and says why; the record stays so `/digest set` can turn it back on. */
  disable(guildId: string, reason: string, now: number): boolean {
    return this.s.disableSub.run(reason, now, now, guildId).changes > 0;
  }

  // --- deliveries ---

  /** Deliveries for local days from `day` on (the due-logic needs today's, in every zone). */
  deliveriesFrom(day: string): DeliveryState[] {
    return (this.s.deliveriesFrom.all(day) as Row[]).map(toState);
  }

  getDelivery(guildId: string, localDate: string): Delivery | null {
    const r = this.s.getDelivery.get(guildId, localDate) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  lastDelivery(guildId: string): Delivery | null {
    const r = this.s.lastDelivery.get(guildId) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  /** The latest digest actually sent before a local day (for the late-report window). */
  lastSentBefore(guildId: string, localDate: string): Delivery | null {
    const r = this.s.lastSent.get(guildId, localDate) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  lastSent(guildId: string): Delivery | null {
    const r = this.s.lastSentAny.get(guildId) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  /**
   * Records an attempt before anything is sent. Atomically: a first attempt inserts the row with its
   * body (composed here, once); a due retry, or a stale attempt of a dead process, is taken over.
   * Returns null when someone else has it, it was sent, or the subscription was turned off meanwhile.
   */
  claim(
    key: { guildId: string; localDate: string },
    owner: string,
    now: number,
    staleAfterMs: number,
    compose: (sub: Subscription) => ComposedDelivery,
    mono: MonoReading = { at: null, origin: null },
  ): ClaimResult {
    const tx = this.db.transaction((): ClaimResult => {
      const sub = this.getSubscription(key.guildId);
      if (!sub?.enabled) return null;
      const row = this.getDelivery(key.guildId, key.localDate);
      if (!row) {
        const c = compose(sub);
        this.s.insertDelivery.run({ ...key, channelId: sub.channelId, ...c, owner, now, monoAt: mono.at, monoOrigin: mono.origin });
        return { delivery: this.getDelivery(key.guildId, key.localDate)!, kind: 'first', previousClaimedAt: null };
      }
      const retryDue = row.status === 'retry' && (row.nextAttemptAt ?? 0) <= now;
      const stale = row.status === 'sending' && row.owner !== owner && now - row.claimedAt >= staleAfterMs;
      if (!retryDue && !stale) return null;
      this.s.reclaim.run({ ...key, owner, now, retry: retryDue ? 1 : 0, channelId: sub.channelId, monoAt: mono.at, monoOrigin: mono.origin });
      return { delivery: this.getDelivery(key.guildId, key.localDate)!, kind: retryDue ? 'retry' : 'recover', previousClaimedAt: row.claimedAt };
    });
    return tx.immediate();
  }

  markSent(guildId: string, localDate: string, messageId: string, now: number): void {
    this.s.markSent.run(messageId, now, now, guildId, localDate);
  }

  /**
   * One more request within the same attempt (an immediate retry after a 5xx or timeout). Renews the
   * claim (`claimed_at`), so an attempt still under way is not taken over as stale by another process.
   * `maybePosted`: the failed request got no clear answer.
   */
  bumpAttempt(guildId: string, localDate: string, error: string, maybePosted: boolean, now: number): void {
    this.s.bumpAttempt.run(error, maybePosted ? 1 : 0, now, now, guildId, localDate);
  }

  /**
   * The channel was read after the nonce window and holds no copy: no earlier request posted it, so the
   * next request is a first one again, with a new window from `now`.
   */
  restartWindow(guildId: string, localDate: string, now: number, mono: MonoReading): void {
    this.s.restartWindow.run({ guildId, localDate, now, monoAt: mono.at, monoOrigin: mono.origin });
  }

  markRetry(guildId: string, localDate: string, error: string, maybePosted: boolean, nextAttemptAt: number, now: number): void {
    this.s.markRetry.run(error, maybePosted ? 1 : 0, nextAttemptAt, now, guildId, localDate);
  }

  /**
   * After /digest set: a digest that failed today (never posted) may go out today after all, to the
   * channel now set. Returns whether there was one.
   */
  reopenFailed(guildId: string, localDate: string, channelId: string, now: number): boolean {
    return this.s.reopen.run(channelId, now, now, guildId, localDate).changes > 0;
  }

  /** Ends today's attempts for good: 'failed' (and optionally turns the subscription off), or 'unknown'. */
  markEnded(guildId: string, localDate: string, status: 'failed' | 'unknown', error: string, now: number, disableReason?: string): void {
    this.db
      .transaction(() => {
        this.s.markEnded.run(status, error, now, guildId, localDate);
        if (disableReason) this.disable(guildId, disableReason, now);
      })
      .immediate();
  }

  // --- when incidents were first seen ---

  /**
   * Records ids not seen before. The very first time (empty table) every id is stored as a baseline:
   * it existed when the digest was installed, so it never counts as a late report.
   * Returns how many ids were new.
   */
  recordSeen(ids: Iterable<string>, now: number): { added: number; baseline: boolean } {
    this.seenCache = null;
    return this.db
      .transaction(() => {
        const baseline = (this.s.seenCount.get() as { n: number }).n === 0 && this.getMeta('seen_baseline_at') === null;
        let added = 0;
        for (const id of ids) added += this.s.insertSeen.run(id, now, baseline ? 1 : 0).changes;
        if (baseline) this.setMeta('seen_baseline_at', String(now));
        // Tells other processes' caches that the table changed (see seenLog).
        if (added) this.setMeta('seen_version', String(Number(this.getMeta('seen_version') ?? 0) + 1));
        return { added, baseline };
      })
      .immediate();
  }

  /**
   * A snapshot of the incidents first seen after the baseline, for late reports. Cached, and read again
   * when this or another process (a shard sharing the file) has recorded new ids since: a commit by
   * another connection changes `PRAGMA data_version`, and then the `seen_version` counter says whether
   * it was one to the first-seen table (deliveries are written all the time; those keep the cache).
   */
  seenLog(): SeenLog {
    const dataVersion = this.db.pragma('data_version', { simple: true }) as number;
    if (this.seenCache && dataVersion === this.seenStamp.dataVersion) return this.seenCache;
    const seenVersion = this.getMeta('seen_version') ?? '0';
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

  getMeta(key: string): string | null {
    return (this.s.getMeta.get(key) as { value: string } | undefined)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.s.setMeta.run(key, value);
  }
}
