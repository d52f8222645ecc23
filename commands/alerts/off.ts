import { alertGuildOf, channelIdOrThrow } from '../kit/alert-input.ts';
import { defineSubcommand } from '../kit/command.ts';
import { option } from '../kit/options.ts';
import { ephemeralText } from '../kit/payload.ts';
import { getAlertServices } from '../kit/services.ts';

export const off = defineSubcommand({
  name: 'off',
  description: 'Stop alerts in a channel (its filter is kept for /alerts status; /alerts set turns it back on)',
  configures: true,
  options: {
    channel: option.channel({ description: 'The channel whose alerts stop' }),
  },
  async handle(o, ctx) {
    const guildId = alertGuildOf(ctx);
    const channelId = channelIdOrThrow(o.channel);
    const { store } = getAlertServices(ctx);
    const sub = (await store.forGuild(guildId)).find((s) => s.channelId === channelId);
    if (!sub) return ephemeralText(`<#${channelId}> has no alerts. \`/alerts status\` lists the channels that do.`);
    if (!sub.enabled) return ephemeralText(`Alerts in <#${channelId}> are already off (${sub.disabledReason ?? 'turned off'}).`);
    const by = ctx.invocation?.userId ? ` by <@${ctx.invocation.userId}>` : '';
    await store.disable(guildId, channelId, `Turned off with /alerts off${by}`, ctx.now().getTime());
    return ephemeralText(`Alerts in <#${channelId}> are off; alerts still waiting for it are not sent. \`/alerts set\` turns them back on.`);
  },
});
