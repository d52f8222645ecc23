import { UserError } from '../../src/core/user-error.ts';
import type { DigestStoreView } from '../../src/core/digest/store-view.ts';

export type ChannelCheckResult = { ok: true } | { ok: false; problem: string };

/**
 * Whether the bot can view the channel, send messages and embed links there. The Discord runtime
 * implements it with discord.js (src/digest/discord-plugin.ts); the console and tests with fakes.
 */
export type ChannelPermissionChecker = (guildId: string, channelId: string) => Promise<ChannelCheckResult>;

/** What /digest needs beyond the dataset: the subscriptions and deliveries, and a channel check. */
export interface DigestServices {
  store: DigestStoreView;
  checkChannel: ChannelPermissionChecker;
}

/** One channel's alert filter, as /alerts reads and writes it (src/alerts/alert-store.ts keeps them). */
export interface AlertSubscriptionView {
  guildId: string;
  channelId: string;
  placeId: string | null;
  minCasualties: number;
  roleId: string | null;
  enabled: boolean;
  disabledReason: string | null;
}

/** The alert subscriptions /alerts changes; the AlertStore implements it. */
export interface AlertStoreView {
  set(s: Omit<AlertSubscriptionView, 'enabled' | 'disabledReason'>, by: string | null, now: number): Promise<void>;
  forGuild(guildId: string): Promise<AlertSubscriptionView[]>;
  /** Every server's (the console, which runs outside any server). */
  all(): Promise<AlertSubscriptionView[]>;
  disable(guildId: string, channelId: string, reason: string, now: number): Promise<void>;
}

/** What /alerts needs beyond the dataset: the subscriptions, a channel check, and the hourly cap it applies. */
export interface AlertServices {
  store: AlertStoreView;
  checkChannel: ChannelPermissionChecker;
  /** At most this many alerts a channel per hour (shown by /alerts status). */
  maxPerHour: number;
}

/** Services a runtime gives the handlers, each optional: a runtime without storage has no digest or alerts. */
export interface Services {
  digest?: DigestServices;
  alerts?: AlertServices;
}

/** The digest services of a handler context; null when this runtime has none. */
export function findDigestServices(ctx: { services?: Services }): DigestServices | null {
  return ctx.services?.digest ?? null;
}

export function getDigestServices(ctx: { services?: Services }): DigestServices {
  const s = findDigestServices(ctx);
  if (!s) throw new UserError('The daily digest is not available here (this runtime has no digest storage).');
  return s;
}

export function getAlertServices(ctx: { services?: Services }): AlertServices {
  const s = ctx.services?.alerts;
  if (!s) throw new UserError('Alerts are not available here (this runtime has no alert storage).');
  return s;
}
