import { defineSubcommand } from '../kit/command.ts';
import { guildOf } from '../kit/digest-input.ts';
import { ephemeralText } from '../kit/payload.ts';
import { getDigestServices } from '../kit/services.ts';

export const off = defineSubcommand({
  name: 'off',
  description: 'Stop the daily digest (the settings are kept for /digest set)',
  configures: true,
  options: {},
  async handle(_o, ctx) {
    const { store } = getDigestServices(ctx);
    const guildId = guildOf(ctx);
    const sub = await store.getSubscription(guildId);
    if (!sub) return ephemeralText('No daily digest is set up in this server.');
    if (!sub.enabled) return ephemeralText(`The daily digest is already off (${sub.disabledReason ?? 'turned off'}).`);
    const by = ctx.invocation?.userId ? ` by <@${ctx.invocation.userId}>` : '';
    await store.disable(guildId, `Turned off with /digest off${by}`, ctx.now().getTime());
    return ephemeralText(`The daily digest to <#${sub.channelId}> is off. \`/digest set\` turns it back on.`);
  },
});
