import { nextRun } from '../../src/core/digest/due.ts';
import { formatClock, localDate, parseClock } from '../../src/core/local-time.ts';
import { UserError } from '../../src/core/user-error.ts';
import { defineSubcommand } from '../kit/command.ts';
import { digestActorFilter, digestActorOption, digestFilterLabel, digestPlaceOption, guildOf, zoneOrThrow } from '../kit/digest-input.ts';
import { echo } from '../kit/echo.ts';
import { option } from '../kit/options.ts';
import { ephemeralText } from '../kit/payload.ts';
import { setReply } from '../kit/replies/digest.ts';
import { resolvePlaceOption } from '../kit/resolve-option.ts';
import { getDigestServices } from '../kit/services.ts';

export const set = defineSubcommand({
  name: 'set',
  description: 'Post the digest every day in a channel (re-run to change it)',
  configures: true,
  options: {
    channel: option.channel({ description: 'The text channel to post in' }),
    time: option.text({ description: 'Local time of day, 24-hour HH:MM (e.g. 08:00)', required: true, max: 5, minLength: 4, maxLength: 5 }),
    timezone: option.text({ description: 'IANA time zone, e.g. Asia/Baghdad, Europe/London, America/New_York', required: true, autocomplete: true, max: 64 }),
    place: digestPlaceOption('Only incidents in this place (country, province or city)'),
    actor: digestActorOption('Only incidents involving this actor (default: the focus actor; any: all recorded violence)'),
  },
  async handle(o, ctx) {
    const guildId = guildOf(ctx);
    const minutes = parseClock(o.time);
    if (minutes === null) throw new UserError(`"${echo(o.time)}" is not a time of day. Use 24-hour HH:MM, e.g. 08:00 or 19:30.`);
    const timeZone = zoneOrThrow(o.timezone);
    const placeId = o.place ? resolvePlaceOption(ctx.dataset(), o.place) : null;
    const actorId = o.actor ? digestActorFilter(ctx.dataset(), o.actor) : null;
    const channelId = o.channel.replace(/^<#(\d+)>$/, '$1');
    if (!/^\d{15,21}$/.test(channelId)) throw new UserError('Pick a text channel of this server for `channel`.');
    const { store, checkChannel } = getDigestServices(ctx);
    const check = await checkChannel(guildId, channelId);
    if (!check.ok) return ephemeralText(`I can't post the digest in <#${channelId}>: ${check.problem}. Nothing was changed.`);
    const time = formatClock(minutes);
    const existed = (await store.getSubscription(guildId)) !== null;
    const now = ctx.now();
    const sub = await store.setSubscription({ guildId, channelId, time, timeZone, placeId, actorId, updatedBy: ctx.invocation?.userId ?? null }, now.getTime());
    const today = localDate(now, timeZone);
    // Today's digest failed (never posted, e.g. missing permissions now fixed): it goes out at the next tick.
    const reopened = await store.reopenFailed(guildId, today, channelId, now.getTime());
    const todayRow = await store.getDelivery(guildId, today);
    const next = reopened ? now : nextRun(sub, now, todayRow !== null && todayRow.status !== 'retry');
    const filterLabel = digestFilterLabel(ctx.dataset(), placeId, actorId);
    return setReply({ existed, channelId, time, timeZone, filterLabel, reopened, next });
  },
});
