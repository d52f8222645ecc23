/** A server's digest subscription (one per server). */
export interface Subscription {
  guildId: string;
  channelId: string;
  /** HH:MM, local to timeZone. */
  time: string;
  timeZone: string;
  /** Only incidents in this place (and everything inside it); null: all. */
  placeId: string | null;
  /**
   * Whose incidents: null counts the dataset's focus actor (the default, as /attacks does), 'any' all
   * recorded violence (ANY_ACTOR), anything else is an actor id.
   */
  actorId: string | null;
  enabled: boolean;
  /** ms: when it was last set or turned on; no digest is scheduled for an instant before this. */
  activeSince: number;
  /** Why it was turned off: by /digest off, or the Discord error that disabled it. */
  disabledReason: string | null;
  disabledAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * - sending: recorded before the request; an attempt is under way (or its process died mid-request).
 * - retry: the last attempt failed in a way worth trying again (5xx, timeout, 429); see nextAttemptAt.
 * - sent: Discord answered with the message id.
 * - failed: will not be tried again today (permissions, unknown channel, a rejected body).
 * - unknown: a request may have posted it (the process stopped mid-request, or it timed out / got a 5xx)
 *   and Discord's nonce window has passed, so a resend could post a second copy; never sent again.
 */
export type DeliveryStatus = 'sending' | 'retry' | 'sent' | 'failed' | 'unknown';

/** What the due-logic needs to know about a delivery. */
export interface DeliveryState {
  guildId: string;
  localDate: string;
  status: DeliveryStatus;
  attempts: number;
  owner: string;
  claimedAt: number;
  nextAttemptAt: number | null;
}

export interface Delivery extends DeliveryState {
  channelId: string;
  nonce: string;
  /** The message body (JSON), fixed at the first attempt. */
  body: string;
  digestDay: string;
  recordedUntil: number;
  /** When the first request for it was made: Discord's nonce dedupe window runs from here. */
  firstAttemptAt: number;
  /** The same instant on a monotonic clock (see MonotonicClock), and that clock's origin; null for rows from before. */
  firstAttemptMono: number | null;
  monoOrigin: string | null;
  /** Whether a request failed without a clear answer (timeout, no status, 5xx), so Discord may have posted it. */
  maybePosted: boolean;
  messageId: string | null;
  sentAt: number | null;
  lastError: string | null;
  updatedAt: number;
}

export const deliveryKey = (guildId: string, localDate: string) => `${guildId}|${localDate}`;
