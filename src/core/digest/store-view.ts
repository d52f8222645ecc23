import type { Delivery, Subscription } from './types.ts';

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

/** Incidents first seen in a window of time. */
export interface SeenLogView {
  /** Ids first seen in (since, until]. */
  between(since: number, until: number): string[];
}

/**
 * What /digest and the digest window read and change in the digest's storage (src/digest/store.ts's
 * DigestStore, on SQLite or PostgreSQL); the commands see this, not the storage. Async: the store may be
 * a database server.
 */
export interface DigestStoreView {
  getSubscription(guildId: string): Promise<Subscription | null>;
  /** Creates or replaces the server's subscription and turns it on. */
  setSubscription(input: SubscriptionInput, now: number): Promise<Subscription>;
  /** Turns it off and says why; the record stays so `/digest set` can turn it back on. */
  disable(guildId: string, reason: string, now: number): Promise<boolean>;
  getDelivery(guildId: string, localDate: string): Promise<Delivery | null>;
  lastDelivery(guildId: string): Promise<Delivery | null>;
  /** The latest digest actually sent before a local day (for the late-report window). */
  lastSentBefore(guildId: string, localDate: string): Promise<Delivery | null>;
  /** Today's failed digest goes out again (to `channelId`) at the next tick; false when there was none. */
  reopenFailed(guildId: string, localDate: string, channelId: string, now: number): Promise<boolean>;
  seenLog(): Promise<SeenLogView>;
}
