import type { AlertStoreView, AlertSubscriptionView } from '../../commands/kit/services.ts';

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

/** A claimed attempt that never finishes (its process died) is open again after this long: the claim's lease. */
export const ALERT_CLAIM_LEASE_MS = 120_000;

/**
 * Alert subscriptions and the alert ledger: one row per (channel, incident), inserted before anything is
 * sent, so an incident is alerted once per channel however many processes or restarts see it. One async
 * interface, two implementations (`SqliteAlertStore`, `PgAlertStore`), one test suite for both
 * (tests/alerts.test.ts).
 */
export interface AlertStore extends AlertStoreView {
  set(s: Omit<AlertSubscription, 'enabled' | 'disabledReason'>, by: string | null, now: number): Promise<void>;
  remove(guildId: string, channelId: string): Promise<boolean>;
  forGuild(guildId: string): Promise<AlertSubscription[]>;
  /** Every server's subscriptions, on or off (the operator's console). */
  all(): Promise<AlertSubscription[]>;
  enabled(): Promise<AlertSubscription[]>;
  disable(guildId: string, channelId: string, reason: string, now: number): Promise<void>;
  /** Queues the alert unless this channel has it already; true when newly queued. */
  enqueue(guildId: string, channelId: string, incidentId: string, now: number): Promise<boolean>;
  /** Alerts waiting to be sent whose time has come (queued, or claimed by a process whose lease ran out), oldest first. */
  due(now: number): Promise<AlertDelivery[]>;
  get(channelId: string, incidentId: string): Promise<AlertDelivery | null>;
  /**
   * Takes the alert for one attempt (a conditional update on the attempt count, with a lease of
   * ALERT_CLAIM_LEASE_MS); false when another process took it meanwhile or it is no longer open.
   */
  claim(channelId: string, incidentId: string, expectedAttempts: number, now: number): Promise<boolean>;
  markSent(channelId: string, incidentId: string, messageId: string, now: number): Promise<void>;
  markRetry(channelId: string, incidentId: string, error: string, at: number, unclear: boolean): Promise<void>;
  /** Deferred by the hourly cap: not an attempt, so the attempt count stays as it was. */
  defer(channelId: string, incidentId: string, at: number, why: string): Promise<void>;
  markEnded(channelId: string, incidentId: string, status: 'failed' | 'unknown', error: string): Promise<void>;
  /** Alerts sent to a channel since `since` (ms): the hourly cap counts these. */
  sentSince(channelId: string, since: number): Promise<{ count: number; oldest: number | null }>;
}

export type AlertSubRow = {
  guild_id: string;
  channel_id: string;
  place_id: string | null;
  min_casualties: number;
  role_id: string | null;
  enabled: number;
  disabled_reason: string | null;
};
export type AlertDeliveryRow = {
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

export const toAlertSubscription = (r: AlertSubRow): AlertSubscription => ({
  guildId: r.guild_id,
  channelId: r.channel_id,
  placeId: r.place_id,
  minCasualties: r.min_casualties,
  roleId: r.role_id,
  enabled: r.enabled === 1,
  disabledReason: r.disabled_reason,
});
export const toAlertDelivery = (r: AlertDeliveryRow): AlertDelivery => ({
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
