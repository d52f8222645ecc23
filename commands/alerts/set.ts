import { alertGuildOf, channelIdOrThrow, roleIdOrThrow } from '../kit/alert-input.ts';
import { defineSubcommand } from '../kit/command.ts';
import { digestPlaceOption } from '../kit/digest-input.ts';
import { option } from '../kit/options.ts';
import { ephemeralText } from '../kit/payload.ts';
import { alertSetReply, describeAlertFilter } from '../kit/replies/alerts.ts';
import { resolvePlaceOption } from '../kit/resolve-option.ts';
import { getAlertServices } from '../kit/services.ts';

export const set = defineSubcommand({
  name: 'set',
  description: 'Post each newly published incident in a channel at once (re-run to change its filter)',
  configures: true,
  options: {
    channel: option.channel({ description: 'Where to post: a text, announcement or thread channel, or a forum (a post per alert)' }),
    place: digestPlaceOption('Only incidents in this place (country, province or city)'),
    min_casualties: option.integer({ description: 'Only incidents with at least this many killed + injured, as the source states them', min: 1, max: 100_000 }),
    role: option.role({ description: 'Mention this role in each alert (only this role; never @everyone or @here)' }),
  },
  async handle(o, ctx) {
    const guildId = alertGuildOf(ctx);
    // Everything given is checked before anything is stored: a bad option changes nothing.
    const placeId = o.place ? resolvePlaceOption(ctx.dataset(), o.place) : null;
    const channelId = channelIdOrThrow(o.channel);
    const roleId = o.role ? roleIdOrThrow(o.role, guildId) : null;
    const { store, checkChannel, maxPerHour } = getAlertServices(ctx);
    const check = await checkChannel(guildId, channelId);
    if (!check.ok) return ephemeralText(`I can't post alerts in <#${channelId}>: ${check.problem}. Nothing was changed.`);
    const existed = (await store.forGuild(guildId)).some((s) => s.channelId === channelId);
    const sub = { guildId, channelId, placeId, minCasualties: o.min_casualties ?? 0, roleId };
    await store.set(sub, ctx.invocation?.userId ?? null, ctx.now().getTime());
    const placeLabel = placeId ? ctx.dataset().gazetteer.label(placeId) : 'everywhere';
    return alertSetReply({ existed, channelId, filter: describeAlertFilter(sub, placeLabel), maxPerHour });
  },
});
