import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { Delivery, Subscription } from '../../../src/core/digest/types.ts';
import { unixSeconds } from '../../../src/core/local-time.ts';
import { ephemeralText, makeReply, type ReplyPayload } from '../payload.ts';

const ts = (d: Date, style: 'f' | 'R' | 'D' = 'f') => `<t:${unixSeconds(d)}:${style}>`;
const localLabel = (d: Date, tz: string) => `${format(new TZDate(d.getTime(), tz), 'EEE d MMM yyyy HH:mm')} ${tz}`;

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

/** /digest status: where, when, what, the last delivery and the next run, only for the asker. */
export function statusReply(sub: Subscription | null, last: Delivery | null, next: Date | null, filterLabel: string): ReplyPayload {
  if (!sub) return ephemeralText('No daily digest is set up in this server. Start one with `/digest set channel:#news time:08:00 timezone:Asia/Baghdad`.');
  const lines = [
    `**Channel:** <#${sub.channelId}>`,
    `**Time:** ${sub.time} every day, ${sub.timeZone}`,
    `**Filter:** ${filterLabel}`,
    `**State:** ${sub.enabled ? 'on' : `off — ${sub.disabledReason ?? 'turned off'}${sub.disabledAt ? ` (${ts(new Date(sub.disabledAt))})` : ''}`}`,
    `**Last delivery:** ${describeDelivery(last, sub.timeZone)}`,
    `**Next run:** ${next ? `${ts(next)} (${localLabel(next, sub.timeZone)}), ${ts(next, 'R')}` : 'none while it is off — `/digest set` turns it back on'}`,
  ];
  return makeReply({ content: lines.join('\n'), ephemeral: true });
}

export interface SetAnswer {
  existed: boolean;
  channelId: string;
  time: string;
  timeZone: string;
  filterLabel: string;
  /** Today's failed digest was reopened: it goes out at the next tick. */
  reopened: boolean;
  next: Date | null;
}

/** /digest set: what was set and when the next digest goes out. */
export function setReply(a: SetAnswer): ReplyPayload {
  return makeReply({
    content: [
      `${a.existed ? 'Updated' : 'Set up'}: the daily digest goes to <#${a.channelId}> every day at ${a.time} (${a.timeZone}), covering ${a.filterLabel}.`,
      a.reopened
        ? "Today's digest, which had failed, goes out within a minute."
        : a.next
          ? `Next: ${ts(a.next)} (${localLabel(a.next, a.timeZone)}), ${ts(a.next, 'R')}.`
          : '',
      'See it now with `/digest preview`; stop it with `/digest off`.',
    ]
      .filter(Boolean)
      .join('\n'),
    ephemeral: true,
  });
}

/** /digest preview: the digest as it would be posted today, only for the asker, with a note saying so. */
export function previewReply(digest: ReplyPayload, today: string, timeZone: string, subscribed: boolean): ReplyPayload {
  const note = `Preview of today's digest (${today}, ${timeZone})${subscribed ? '' : ' — no digest is set up here, so this uses the options given or UTC'}; nothing is recorded.`;
  return makeReply({ content: note, embeds: digest.embeds ?? [], ephemeral: true });
}
