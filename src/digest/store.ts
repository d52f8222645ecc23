import type { Delivery, DeliveryState, DeliveryStatus, Subscription } from '../core/digest/types.ts';
import type { DigestStoreView, SubscriptionInput } from '../core/digest/store-view.ts';
import { lowerBound } from '../core/lower-bound.ts';

export type { SubscriptionInput } from '../core/digest/store-view.ts';

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

/**
 * Composes a first attempt, inside the claim: from the subscription as it is at the claim, and the last
 * digest sent before that day (read in the same transaction), so the window starts where it ended.
 */
export type ComposeDelivery = (sub: Subscription, lastSentBefore: Delivery | null) => ComposedDelivery;

/**
 * Everything the digest keeps: subscriptions, the delivery ledger and when each incident was first seen.
 * One async interface, two implementations: SQLite in the state folder (`SqliteDigestStore`, one machine)
 * and PostgreSQL (`PgDigestStore`, shared by several processes or machines). Both give the same answers:
 * tests/digest-storage.test.ts runs one suite against both.
 *
 * The ledger's rules: a delivery (guild, local day) is a row with a unique key, inserted by `claim` before
 * anything is sent; another process's `sending` row is taken over only once stale (`staleAfterMs` since
 * its claim, renewed by `bumpAttempt`), so whichever process is alive delivers it and no other does.
 * Updates after the claim are conditional on the status (`markSent` only turns `sending` into `sent`).
 */
export interface DigestStore extends DigestStoreView {
  getSubscription(guildId: string): Promise<Subscription | null>;
  enabledSubscriptions(): Promise<Subscription[]>;
  enabledCount(): Promise<number>;
  /** Creates or replaces the server's subscription and turns it on. */
  setSubscription(input: SubscriptionInput, now: number): Promise<Subscription>;
  /** Turns it off and says why; the record stays so `/digest set` can turn it back on. */
  disable(guildId: string, reason: string, now: number): Promise<boolean>;

  /** Deliveries for local days from `day` on (the due-logic needs today's, in every zone). */
  deliveriesFrom(day: string): Promise<DeliveryState[]>;
  getDelivery(guildId: string, localDate: string): Promise<Delivery | null>;
  lastDelivery(guildId: string): Promise<Delivery | null>;
  /** The latest digest actually sent before a local day (for the late-report window). */
  lastSentBefore(guildId: string, localDate: string): Promise<Delivery | null>;
  lastSent(guildId: string): Promise<Delivery | null>;
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
    compose: ComposeDelivery,
    mono?: MonoReading,
  ): Promise<ClaimResult>;
  markSent(guildId: string, localDate: string, messageId: string, now: number): Promise<void>;
  /**
   * One more request within the same attempt (an immediate retry after a 5xx or timeout). Renews the
   * claim (`claimed_at`), so an attempt still under way is not taken over as stale by another process.
   * `maybePosted`: the failed request got no clear answer.
   */
  bumpAttempt(guildId: string, localDate: string, error: string, maybePosted: boolean, now: number): Promise<void>;
  /**
   * The channel was read after the nonce window and holds no copy: no earlier request posted it, so the
   * next request is a first one again, with a new window from `now`.
   */
  restartWindow(guildId: string, localDate: string, now: number, mono: MonoReading): Promise<void>;
  markRetry(guildId: string, localDate: string, error: string, maybePosted: boolean, nextAttemptAt: number, now: number): Promise<void>;
  /** After /digest set: today's failed digest goes out again, to the channel now set. Returns whether there was one. */
  reopenFailed(guildId: string, localDate: string, channelId: string, now: number): Promise<boolean>;
  /** Ends today's attempts for good: 'failed' (and optionally turns the subscription off), or 'unknown'. */
  markEnded(guildId: string, localDate: string, status: 'failed' | 'unknown', error: string, now: number, disableReason?: string): Promise<void>;

  /**
   * Records ids not seen before. The very first time (empty table) every id is stored as a baseline:
   * it existed when the digest was installed, so it never counts as a late report.
   */
  recordSeen(ids: Iterable<string>, now: number): Promise<{ added: number; baseline: boolean }>;
  /** A snapshot of the incidents first seen after the baseline (cached until any process records new ids). */
  seenLog(): Promise<SeenLog>;
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
}

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

// --- rows, the same columns in both databases ---

export type Row = Record<string, unknown>;

export const toSubscription = (r: Row): Subscription => ({
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

export const toDeliveryState = (r: Row): DeliveryState => ({
  guildId: r.guild_id as string,
  localDate: r.local_date as string,
  status: r.status as DeliveryStatus,
  attempts: r.attempts as number,
  owner: r.owner as string,
  claimedAt: r.claimed_at as number,
  nextAttemptAt: (r.next_attempt_at as number | null) ?? null,
});

export const toDelivery = (r: Row): Delivery => ({
  ...toDeliveryState(r),
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

/** Whether an existing row is taken over by a claim now: a retry whose time has come, or another process's stale attempt. */
export function takeOver(row: Delivery, owner: string, now: number, staleAfterMs: number): 'retry' | 'recover' | null {
  if (row.status === 'retry' && (row.nextAttemptAt ?? 0) <= now) return 'retry';
  if (row.status === 'sending' && row.owner !== owner && now - row.claimedAt >= staleAfterMs) return 'recover';
  return null;
}
