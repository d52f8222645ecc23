import type { PermissionResolvable } from 'discord.js';
import type { BotPlugin } from './bot.ts';
import { deployedCommandDrift } from './command-drift.ts';
import { inviteUrl, permissionsInteger } from './invite.ts';

/**
 * At ready, says how to add the bot (the invite link, with exactly the permissions its features need) and
 * warns when the commands registered with Discord are not those in the code (`npm run deploy-commands`).
 */
export function createStartupReportPlugin(opts: { permissions: PermissionResolvable; definitions: readonly Record<string, unknown>[] }): BotPlugin {
  let reported = false;
  return {
    name: 'startup-report',
    async onReady(client, bot) {
      if (reported) return;
      reported = true;
      const { applicationId, guildId } = bot.config;
      bot.logger.info({ invite: inviteUrl(applicationId, opts.permissions), permissions: permissionsInteger(opts.permissions) }, 'invite link');
      try {
        const drift = await deployedCommandDrift(client.rest, { applicationId, ...(guildId ? { guildId } : {}) }, opts.definitions);
        if (drift.length) bot.logger.warn({ differences: drift }, 'the commands registered with Discord differ from the code; run `npm run deploy-commands`');
      } catch (err) {
        bot.logger.warn({ err }, 'could not compare the registered commands with the code');
      }
    },
  };
}
