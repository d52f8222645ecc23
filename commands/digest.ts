import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { z } from 'zod';
import type { AutocompleteChoice, CommandContext, CommandModule } from './kit/command.ts';
import { opt, parseOptions } from './kit/options.ts';
import { UserError } from '../src/core/user-error.ts';
import { composeDigest, type DigestWindow } from './kit/digest-message.ts';
import { nextRun } from '../src/core/digest/due.ts';
import { findDigestServices, getDigestServices } from './kit/services.ts';
import { addDays, allTimeZones, formatClock, isValidTimeZone, localDate, parseClock, unixSeconds } from '../src/core/local-time.ts';
import type { Delivery, Subscription } from '../src/core/digest/types.ts';
import { windowFor } from '../src/core/digest/window.ts';
import { placeChoices } from './kit/choices.ts';
import { DISCORD_LIMITS } from './kit/discord-limits.ts';
import { ephemeralText, makeReply, type ReplyPayload } from './kit/payload.ts';
import { resolvePlaceOption } from './kit/resolve-option.ts';

const SetOptions = z.object({
  channel: opt.text(32),
  time: opt.text(5),
  timezone: opt.text(64),
  place: opt.optionalText(),
});
const PreviewOptions = z.object({ timezone: opt.optionalText(64), place: opt.optionalText() });

const ts = (d: Date, style: 'f' | 'R' | 'D' = 'f') => `<t:${unixSeconds(d)}:${style}>`;
const localLabel = (d: Date, tz: string) => `${format(new TZDate(d.getTime(), tz), 'EEE d MMM yyyy HH:mm')} ${tz}`;

function guildOf(ctx: CommandContext): string {
  const g = ctx.invocation?.guildId;
  if (!g) throw new UserError('The digest belongs to a server: run /digest in a server channel.');
  return g;
}

function zoneOrThrow(tz: string): string {
  if (isValidTimeZone(tz)) return tz;
  const q = tz.toLowerCase().replace(/\s+/g, '_');
  const near = allTimeZones().filter((z) => z.toLowerCase().includes(q)).slice(0, 5);
  throw new UserError(`"${tz}" is not a time zone I know. Use an IANA name such as Asia/Baghdad, Europe/London or America/New_York${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}.`);
}

function placeLabel(ctx: CommandContext, placeId: string | null): string {
  return placeId ? ctx.dataset().gazetteer.label(placeId) : 'everywhere';
}

function describeDelivery(d: Delivery | null, tz: string): string {
  if (!d) return 'none yet';
  const when = (ms: number) => `${ts(new Date(ms))} (${localLabel(new Date(ms), tz)})`;
  switch (d.status) {
    case 'sent':
      return `sent ${when(d.sentAt ?? d.updatedAt)} for ${d.localDate}${d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}`;
    case 'retry':
      return `not sent yet for ${d.localDate}: ${d.lastError ?? 'failed'} — ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}, next ${d.nextAttemptAt ? ts(new Date(d.nextAttemptAt), 'R') : 'soon'}`;
    case 'sending':
      return `being sent for ${d.localDate} (attempt ${d.attempts}, since ${when(d.claimedAt)})`;
    case 'failed':
      return `failed for ${d.localDate} ${when(d.updatedAt)}: ${d.lastError ?? 'unknown error'}`;
    case 'unknown':
      return `uncertain for ${d.localDate}: ${d.lastError ?? ''}`;
  }
}

export function statusReply(ctx: CommandContext, sub: Subscription | null, last: Delivery | null): ReplyPayload {
  if (!sub) return ephemeralText('No daily digest is set up in this server. Start one with `/digest set channel:#news time:08:00 timezone:Asia/Baghdad`.');
  const now = ctx.now();
  const today = localDate(now, sub.timeZone);
  const todayDone = last?.localDate === today && last.status !== 'retry';
  const next = nextRun(sub, now, todayDone);
  const lines = [
    `**Channel:** <#${sub.channelId}>`,
    `**Time:** ${sub.time} every day, ${sub.timeZone}`,
    `**Filter:** ${placeLabel(ctx, sub.placeId)}`,
    `**State:** ${sub.enabled ? 'on' : `off — ${sub.disabledReason ?? 'turned off'}${sub.disabledAt ? ` (${ts(new Date(sub.disabledAt))})` : ''}`}`,
    `**Last delivery:** ${describeDelivery(last, sub.timeZone)}`,
    `**Next run:** ${next ? `${ts(next)} (${localLabel(next, sub.timeZone)}), ${ts(next, 'R')}` : 'none while it is off — `/digest set` turns it back on'}`,
  ];
  return makeReply({ content: lines.join('\n'), ephemeral: true });
}

async function handleSet(raw: Record<string, unknown>, ctx: CommandContext): Promise<ReplyPayload> {
  const guildId = guildOf(ctx);
  const o = parseOptions(SetOptions, raw as never);
  const minutes = parseClock(o.time);
  if (minutes === null) throw new UserError(`"${o.time}" is not a time of day. Use 24-hour HH:MM, e.g. 08:00 or 19:30.`);
  const timeZone = zoneOrThrow(o.timezone);
  let placeId: string | null = null;
  if (o.place) {
    const r = resolvePlaceOption(ctx.dataset(), o.place);
    if ('reply' in r) return r.reply;
    placeId = r.id;
  }
  const channelId = o.channel.replace(/^<#(\d+)>$/, '$1');
  if (!/^\d{15,21}$/.test(channelId)) throw new UserError('Pick a text channel of this server for `channel`.');
  const svc = getDigestServices(ctx);
  const check = await svc.checkChannel(guildId, channelId);
  if (!check.ok) return ephemeralText(`I can't post the digest in <#${channelId}>: ${check.problem}. Nothing was changed.`);
  const time = formatClock(minutes);
  const existed = svc.store.getSubscription(guildId) !== null;
  const now = ctx.now();
  const sub = svc.store.setSubscription({ guildId, channelId, time, timeZone, placeId, updatedBy: ctx.invocation?.userId ?? null }, now.getTime());
  const today = localDate(now, timeZone);
  // Today's digest failed (never posted, e.g. missing permissions now fixed): it goes out at the next tick.
  const reopened = svc.store.reopenFailed(guildId, today, channelId, now.getTime());
  const todayRow = svc.store.getDelivery(guildId, today);
  const next = reopened ? now : nextRun(sub, now, todayRow !== null && todayRow.status !== 'retry');
  return makeReply({
    content: [
      `${existed ? 'Updated' : 'Set up'}: the daily digest goes to <#${channelId}> every day at ${time} (${timeZone}), covering ${placeLabel(ctx, placeId)}.`,
      reopened ? "Today's digest, which had failed, goes out within a minute." : next ? `Next: ${ts(next)} (${localLabel(next, timeZone)}), ${ts(next, 'R')}.` : '',
      'See it now with `/digest preview`; stop it with `/digest off`.',
    ]
      .filter(Boolean)
      .join('\n'),
    ephemeral: true,
  });
}

function handlePreview(raw: Record<string, unknown>, ctx: CommandContext): ReplyPayload {
  const o = parseOptions(PreviewOptions, raw as never);
  const svc = findDigestServices(ctx);
  const guildId = ctx.invocation?.guildId ?? null;
  const stored = guildId && svc ? svc.store.getSubscription(guildId) : null;
  const now = ctx.now();
  const timeZone = o.timezone ? zoneOrThrow(o.timezone) : (stored?.timeZone ?? 'UTC');
  let placeId = stored?.placeId ?? null;
  if (o.place) {
    const r = resolvePlaceOption(ctx.dataset(), o.place);
    if ('reply' in r) return r.reply;
    placeId = r.id;
  }
  const today = localDate(now, timeZone);
  let window: DigestWindow;
  if (svc && stored) window = windowFor(svc.store, stored, today, now.getTime());
  else {
    // No subscription (the console, or a server without one): as if the last digest ran 24 hours ago.
    const since = now.getTime() - 86_400_000;
    window = { day: addDays(today, -1), previousDay: addDays(today, -2), recordedIds: svc ? svc.store.seenLog().between(since, now.getTime()) : [], at: now };
  }
  const payload = composeDigest(ctx.dataset(), window, { placeId }, timeZone);
  const note = `Preview of today's digest (${today}, ${timeZone})${stored ? '' : ' — no digest is set up here, so this uses the options given or UTC'}; nothing is recorded.`;
  return makeReply({ content: note, embeds: payload.embeds ?? [], ephemeral: true });
}

export const digest: CommandModule = {
  examples: ['/digest set channel:#news time:08:00 timezone:Asia/Baghdad', '/digest set channel:#news time:07:30 timezone:Europe/London place:syria', '/digest status', '/digest preview', '/digest off'],
  definition: {
    name: 'digest',
    description: 'A daily digest of incidents, posted in a channel of this server at a local time',
    default_member_permissions: '32', // Manage Server
    dm_permission: false,
    contexts: [0],
    integration_types: [0],
    options: [
      {
        type: 1,
        name: 'set',
        description: 'Post the digest every day in a channel (re-run to change it)',
        options: [
          { type: 7, name: 'channel', description: 'The text channel to post in', required: true, channel_types: [0, 5] },
          { type: 3, name: 'time', description: 'Local time of day, 24-hour HH:MM (e.g. 08:00)', required: true, min_length: 4, max_length: 5 },
          { type: 3, name: 'timezone', description: 'IANA time zone, e.g. Asia/Baghdad, Europe/London, America/New_York', required: true, autocomplete: true },
          { type: 3, name: 'place', description: 'Only incidents in this place (country, province or city)', autocomplete: true },
        ],
      },
      { type: 1, name: 'status', description: 'Channel, time, zone, filter, last delivery and next run' },
      {
        type: 1,
        name: 'preview',
        description: "Today's digest, only for you; nothing is posted or recorded",
        options: [
          { type: 3, name: 'timezone', description: "Zone to preview in (default: the server's digest zone, else UTC)", autocomplete: true },
          { type: 3, name: 'place', description: "Only incidents in this place (default: the server's digest filter)", autocomplete: true },
        ],
      },
      { type: 1, name: 'off', description: 'Stop the daily digest (the settings are kept for /digest set)' },
    ],
  },
  async handle(raw, ctx): Promise<ReplyPayload> {
    const { subcommand, ...options } = raw;
    switch (subcommand) {
      case 'set':
        return handleSet(options, ctx);
      case 'preview':
        return handlePreview(options, ctx);
      case 'status': {
        const svc = getDigestServices(ctx);
        const guildId = guildOf(ctx);
        return statusReply(ctx, svc.store.getSubscription(guildId), svc.store.lastDelivery(guildId));
      }
      case 'off': {
        const svc = getDigestServices(ctx);
        const guildId = guildOf(ctx);
        const sub = svc.store.getSubscription(guildId);
        if (!sub) return ephemeralText('No daily digest is set up in this server.');
        if (!sub.enabled) return ephemeralText(`The daily digest is already off (${sub.disabledReason ?? 'turned off'}).`);
        svc.store.disable(guildId, `Turned off with /digest off${ctx.invocation?.userId ? ` by <@${ctx.invocation.userId}>` : ''}`, ctx.now().getTime());
        return ephemeralText(`The daily digest to <#${sub.channelId}> is off. \`/digest set\` turns it back on.`);
      }
      default:
        throw new UserError('Use /digest set, /digest status, /digest preview or /digest off.');
    }
  },
  autocomplete(focused, _options, ctx): AutocompleteChoice[] {
    if (focused.name === 'place') return placeChoices(ctx.dataset(), focused.value);
    if (focused.name === 'timezone') {
      const q = focused.value.trim().toLowerCase().replace(/\s+/g, '_');
      const zones = allTimeZones();
      const starts = zones.filter((z) => z.toLowerCase().startsWith(q) || z.toLowerCase().split('/').some((p) => p.startsWith(q)));
      const contains = zones.filter((z) => z.toLowerCase().includes(q) && !starts.includes(z));
      const list = q ? [...starts, ...contains] : ['UTC', 'Asia/Baghdad', 'Asia/Damascus', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Dubai', 'Asia/Tokyo'];
      return list.slice(0, DISCORD_LIMITS.autocompleteChoices).map((z) => ({ name: z, value: z }));
    }
    return [];
  },
};
