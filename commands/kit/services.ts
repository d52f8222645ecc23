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

/** Services a runtime gives the handlers, each optional: a runtime without storage has no digest. */
export interface Services {
  digest?: DigestServices;
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
