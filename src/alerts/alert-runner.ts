import type { Logger } from 'pino';
import type { Dataset } from '../core/dataset.ts';
import type { InvalidRequestCounter } from '../digest/invalid-requests.ts';
import { classifySendError, restSender, SendAbortedError, type RestLike, type SendOptions } from '../digest/sender.ts';
import type { Incident } from '../schema/index.ts';
import { alertMatches } from './alert-match.ts';
import type { AlertStore } from './alert-store.ts';

/** POST /channels/{id}/messages for an alert: only the chosen role may be pinged, never @everyone or @here. */
export interface AlertMessageBody {
  content: string;
  embeds: unknown[];
  allowed_mentions: { parse: []; roles?: [string] };
  nonce: string;
  enforce_nonce: true;
}

/** The digest's sender fits (src/digest/sender.ts): the same deadlines, and a post per alert in a forum. */
export interface AlertSender {
  send(channelId: string, body: AlertMessageBody, opts?: SendOptions): Promise<{ id: string }>;
}

export interface AlertRunnerOptions {
  store: AlertStore;
  dataset: () => Dataset;
  sender: AlertSender;
  /** The incident as an embed (title, fields, source credit); the wiring passes the commands' builder. */
  compose: (ds: Dataset, inc: Incident) => unknown;
  logger: Logger;
  clock?: () => number;
  /** At most this many alerts a channel in any hour; the rest wait their turn (none is dropped). */
  maxPerHour?: number;
  /** Only guilds this process's shards hold are sent from here. */
  holdsGuild?: (guildId: string) => boolean;
  /** Discord deduplicates a nonce for a few minutes: an unclear failure is resent only inside this window. */
  nonceWindowMs?: number;
  /** Every request ends this long before the nonce window closes, leaving it time to reach Discord. */
  nonceMarginMs?: number;
  /** The bot's invalid requests (401/403/429), shared with the digest: no alert is sent while it says to pause. */
  invalidRequests?: Pick<InvalidRequestCounter, 'paused' | 'pausedForMs'> | null;
}

/** Alerts a channel gets in any hour unless the operator says otherwise (ALERTS_PER_HOUR). */
export const DEFAULT_ALERTS_PER_HOUR = 10;

export type AlertOutcome = 'sent' | 'deferred' | 'retry-later' | 'disabled' | 'failed' | 'unknown' | 'skipped' | 'paused';

/**
 * Posts alerts for newly published incidents: each (channel, incident) is recorded before it is sent and
 * sent with a nonce, so it goes out once; the hourly cap defers the rest, in order; a channel the bot
 * cannot post in is turned off with the reason, as the digest does.
 */
export class AlertRunner {
  private readonly o: Required<AlertRunnerOptions>;

  constructor(opts: AlertRunnerOptions) {
    this.o = {
      clock: Date.now,
      maxPerHour: DEFAULT_ALERTS_PER_HOUR,
      holdsGuild: () => true,
      nonceWindowMs: 4 * 60_000,
      nonceMarginMs: 15_000,
      invalidRequests: null,
      ...opts,
    };
  }

  /** Queues the alerts that newly published incidents call for; returns how many were queued. */
  async onPublished(incidents: readonly Incident[]): Promise<number> {
    const ds = this.o.dataset();
    const now = this.o.clock();
    let queued = 0;
    for (const sub of await this.o.store.enabled()) {
      for (const inc of incidents) if (alertMatches(sub, inc, ds.gazetteer) && (await this.o.store.enqueue(sub.guildId, sub.channelId, inc.id, now))) queued++;
    }
    return queued;
  }

  /** Sends what is due, within each channel's hourly cap. */
  async tick(): Promise<Record<AlertOutcome, number>> {
    const counts: Record<AlertOutcome, number> = { sent: 0, deferred: 0, 'retry-later': 0, disabled: 0, failed: 0, unknown: 0, skipped: 0, paused: 0 };
    const subs = new Map((await this.o.store.enabled()).map((s) => [`${s.guildId}/${s.channelId}`, s]));
    const due = (await this.o.store.due(this.o.clock())).filter((d) => this.o.holdsGuild(d.guildId));
    if (due.length && this.o.invalidRequests?.paused()) {
      // Discord is close to banning the token for invalid requests: the alerts wait, queued, like the digest.
      this.o.logger.warn(
        { due: due.length, resumeInMs: this.o.invalidRequests.pausedForMs() },
        'alerts paused: too many invalid requests to Discord (401/403/429) in the last 10 minutes',
      );
      counts.paused = due.length;
      return counts;
    }
    for (const d of due) {
      const sub = subs.get(`${d.guildId}/${d.channelId}`);
      counts[await this.deliver(d.channelId, d.incidentId, d.attempts, sub?.roleId ?? null, sub !== undefined)]++;
    }
    return counts;
  }

  private async deliver(channelId: string, incidentId: string, attempts: number, roleId: string | null, subscribed: boolean): Promise<AlertOutcome> {
    const { store, logger } = this.o;
    const now = this.o.clock();
    const d = (await store.get(channelId, incidentId))!;
    if (!subscribed) {
      await store.markEnded(channelId, incidentId, 'failed', 'the channel no longer has alerts');
      return 'skipped';
    }
    const inc = this.o.dataset().incidents.get(incidentId);
    if (!inc) {
      await store.markEnded(channelId, incidentId, 'failed', 'the incident is no longer in the dataset');
      return 'skipped';
    }
    const hour = await store.sentSince(channelId, now - 3600_000);
    if (hour.count >= this.o.maxPerHour && d.attempts === 0) {
      const at = (hour.oldest ?? now) + 3600_000 + 1;
      await store.defer(channelId, incidentId, at, `hourly cap of ${this.o.maxPerHour} reached; waits until ${new Date(at).toISOString()}`);
      return 'deferred';
    }
    if (d.maybePosted && d.firstAttemptAt !== null && now - d.firstAttemptAt > this.o.nonceWindowMs) {
      await store.markEnded(channelId, incidentId, 'unknown', 'an earlier attempt may have posted it and the nonce window has passed; not resent');
      logger.warn({ channelId, incidentId }, 'alert outcome unknown; not resent, to never post twice');
      return 'unknown';
    }
    if (!(await store.claim(channelId, incidentId, attempts, now))) return 'skipped';
    const ds = this.o.dataset();
    const body: AlertMessageBody = {
      content: `${roleId ? `<@&${roleId}> ` : ''}New incident: ${inc.summary}`.slice(0, 2000),
      embeds: [this.o.compose(ds, inc)],
      allowed_mentions: roleId ? { parse: [], roles: [roleId] } : { parse: [] },
      nonce: d.nonce,
      enforce_nonce: true,
    };
    // The request ends before Discord's nonce window closes (counted from the first attempt), so a resend
    // after an unclear failure is still deduplicated by Discord.
    const windowStart = d.firstAttemptAt ?? now;
    const remainingMs = () => this.o.nonceWindowMs - this.o.nonceMarginMs - (this.o.clock() - windowStart);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new SendAbortedError('deadline')), Math.max(0, remainingMs()));
    try {
      const msg = await this.o.sender.send(channelId, body, { signal: deadline.signal, remainingMs, postTitle: `Alert — ${inc.summary}` });
      await store.markSent(channelId, incidentId, msg.id, this.o.clock());
      logger.info({ channelId, incidentId, messageId: msg.id }, 'alert sent');
      return 'sent';
    } catch (err) {
      const f = classifySendError(err);
      if (f.kind === 'disable') {
        await store.disable(d.guildId, channelId, f.reason, this.o.clock());
        await store.markEnded(channelId, incidentId, 'failed', f.message);
        logger.warn({ channelId, reason: f.reason }, 'alerts turned off for the channel');
        return 'disabled';
      }
      if (f.kind === 'fail') {
        await store.markEnded(channelId, incidentId, 'failed', f.message);
        return 'failed';
      }
      const wait = f.retryAfterMs ?? Math.min(60_000 * 2 ** attempts, 30 * 60_000);
      await store.markRetry(channelId, incidentId, f.message, this.o.clock() + wait, f.unclear);
      return 'retry-later';
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Sends through a discord.js REST manager, as the digest does (src/digest/sender.ts). */
export function restAlertSender(rest: RestLike, channels: { isForum?: (channelId: string) => Promise<boolean> } = {}): AlertSender {
  return restSender(rest, undefined, channels);
}
