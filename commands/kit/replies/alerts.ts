import type { AlertSubscriptionView } from '../services.ts';
import { ephemeralText, makeReply, type ReplyPayload } from '../payload.ts';

/** How a channel's filter reads: "Iraq, at least 5 killed or injured, mentioning @role". */
export function describeAlertFilter(s: Pick<AlertSubscriptionView, 'minCasualties' | 'roleId'>, placeLabel: string): string {
  const parts = [placeLabel];
  if (s.minCasualties > 0) parts.push(`at least ${s.minCasualties} killed or injured as the source states them`);
  parts.push(s.roleId ? `mentioning <@&${s.roleId}> (only that role)` : 'mentioning no one');
  return parts.join(', ');
}

export function alertSetReply(a: { existed: boolean; channelId: string; filter: string; maxPerHour: number }): ReplyPayload {
  return makeReply({
    content: [
      `${a.existed ? 'Updated' : 'Set up'}: each newly published incident is posted to <#${a.channelId}> as it is published. Filter: ${a.filter}.`,
      `At most ${a.maxPerHour} an hour in this channel; the rest follow in order. See them with \`/alerts status\`; stop with \`/alerts off channel:<#${a.channelId}>\`.`,
    ].join('\n'),
    ephemeral: true,
  });
}

/** /alerts status: every channel of the server with alerts, its filter and its state. */
export function alertStatusReply(subs: readonly { sub: AlertSubscriptionView; filter: string }[], maxPerHour: number, scope: string): ReplyPayload {
  if (!subs.length) return ephemeralText(`No alerts are set up in ${scope}. Start with \`/alerts set channel:#alerts place:iraq min_casualties:5\`.`);
  const lines = subs.map(({ sub, filter }) => `<#${sub.channelId}> — ${filter} — ${sub.enabled ? 'on' : `off: ${sub.disabledReason ?? 'turned off'}`}`);
  return makeReply({ content: [`**Alerts in ${scope}** (at most ${maxPerHour} an hour per channel):`, ...lines].join('\n').slice(0, 2000), ephemeral: true });
}
