import type { CommandContext } from '../command/command-module.ts';
import { UserError } from '../core/user-error.ts';
import type { DigestStore } from './store.ts';

export type ChannelCheckResult = { ok: true } | { ok: false; problem: string };

/**
 * Whether the bot can view the channel, send messages and embed links there. The Discord runtime
 * implements it with discord.js (src/digest/discord-plugin.ts); the console and tests with fakes.
 */
export type ChannelPermissionChecker = (guildId: string, channelId: string) => Promise<ChannelCheckResult>;

/** What /digest needs beyond the dataset; lives in `ctx.services[DIGEST_SERVICES_KEY]`. */
export interface DigestServices {
  store: DigestStore;
  checkChannel: ChannelPermissionChecker;
}

export const DIGEST_SERVICES_KEY = 'digest';

export function digestServices(services: DigestServices): Record<string, unknown> {
  return { [DIGEST_SERVICES_KEY]: services };
}

/** The digest services of a handler context; null when this runtime has none. */
export function findDigestServices(ctx: CommandContext): DigestServices | null {
  const s = ctx.services?.[DIGEST_SERVICES_KEY] as DigestServices | undefined;
  return s && typeof s.checkChannel === 'function' && s.store ? s : null;
}

export function getDigestServices(ctx: CommandContext): DigestServices {
  const s = findDigestServices(ctx);
  if (!s) throw new UserError('The daily digest is not available here (this runtime has no digest storage).');
  return s;
}
