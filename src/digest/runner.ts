import { createHash, randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Dataset } from '../core/dataset.ts';
import { composeDigest } from './compose.ts';
import { dueDigests, earliestLocalDay, type DueItem } from './due.ts';
import { SlidingWindowLimiter } from './rate-limit.ts';
import { classifySendError, type DigestMessageBody, type DigestSender } from './sender.ts';
import type { ComposedDelivery, DigestStore } from './store.ts';
import type { Subscription } from './types.ts';
import { windowFor } from './window.ts';

/** The subset of a pino logger the digest uses. */
export interface DigestLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silent: DigestLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface DigestRunnerOptions {
  store: DigestStore;
  dataset: () => Dataset;
  sender: DigestSender;
  clock?: () => Date;
  /** Whether this process sends for a guild (with shards: only the shard holding it). Default: all. */
  holdsGuild?: (guildId: string) => boolean;
  /** This process's name in the deliveries table. */
  owner?: string;
  logger?: DigestLogger;
  /** Requests in flight at once. */
  concurrency?: number;
  /**
   * Our own ceiling on requests: `limit` per `windowMs`, at least `minIntervalMs` apart (Discord's global
   * limit is 50 per second; the default paces at most 48 per second, evenly).
   */
  rateLimit?: { limit: number; windowMs: number; minIntervalMs?: number };
  /** Immediate retries of a transient failure within one attempt, with exponential backoff. */
  retry?: { requests: number; baseDelayMs: number };
  /** After an attempt gives up: wait before the next tick may retry (doubles per attempt, capped). */
  nextAttempt?: { baseMs: number; maxMs: number; maxAttemptsPerDay: number };
  /** Another process's 'sending' attempt is taken over after this long (it died mid-request). */
  staleAfterMs?: number;
  /** Within this long of the original attempt a resend is safe (Discord deduplicates by nonce); later ones are not resent. */
  nonceWindowMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type DeliveryOutcome = 'sent' | 'retry-later' | 'failed' | 'disabled' | 'unknown' | 'skipped' | 'interrupted';

export interface TickReport {
  due: number;
  outcomes: Record<DeliveryOutcome, number>;
  ms: number;
}

/** Digest nonce: ≤ 25 characters (Discord's limit), the same for every attempt of one server's day. */
export function digestNonce(guildId: string, localDate: string): string {
  return 'dg' + createHash('sha256').update(`${guildId}|${localDate}`).digest('hex').slice(0, 23);
}

/**
 * Decides what is due and delivers it: records each delivery before sending, marks it sent with the
 * message id after, retries transient failures with backoff and leaves them to a later tick, and turns
 * a subscription off when Discord says the bot cannot post in its channel.
 */
export class DigestRunner {
  readonly owner: string;
  private readonly o: Required<Omit<DigestRunnerOptions, 'holdsGuild'>> & Pick<DigestRunnerOptions, 'holdsGuild'>;
  private readonly limiter: SlidingWindowLimiter;
  private task: ScheduledTask | null = null;
  private running: Promise<TickReport> | null = null;
  private stopping = false;
  private killed = false;
  private lastSeenDataset: Dataset | null = null;
  private lastSeenAt = 0;

  constructor(opts: DigestRunnerOptions) {
    this.owner = opts.owner ?? `pid${process.pid}-${randomUUID().slice(0, 8)}`;
    this.o = {
      clock: () => new Date(),
      logger: silent,
      concurrency: 8,
      rateLimit: { limit: 50, windowMs: 1050, minIntervalMs: 1000 / 48 },
      retry: { requests: 3, baseDelayMs: 1000 },
      nextAttempt: { baseMs: 60_000, maxMs: 30 * 60_000, maxAttemptsPerDay: 24 },
      staleAfterMs: 60_000,
      nonceWindowMs: 5 * 60_000,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      ...opts,
      owner: opts.owner ?? this.owner,
    };
    this.limiter = new SlidingWindowLimiter(this.o.rateLimit.limit, this.o.rateLimit.windowMs, this.o.rateLimit.minIntervalMs ?? 0);
  }

  /** Ticks every minute (and once now, which is the catch-up after a restart). Idempotent. */
  start(expression = '* * * * *'): void {
    if (this.task || this.stopping) return;
    const log = this.o.logger;
    // No `noOverlap`: the callback returns at once, and tick() itself shares one pass among overlapping calls.
    this.task = cron.schedule(expression, () => void this.tick().catch((err: unknown) => log.error({ err }, 'digest tick failed')), {
      name: 'digest',
      // node-cron's own messages through our logger (its default prints coloured text, not JSON)
      logger: {
        info: (msg) => log.debug({ cron: 'digest' }, String(msg)),
        debug: (msg) => log.debug({ cron: 'digest' }, String(msg)),
        warn: (msg) => log.warn({ cron: 'digest' }, String(msg)),
        error: (msg, err) => log.error({ cron: 'digest', err: err ?? msg }, String(msg)),
      },
    });
    // A tick skipped while the event loop was busy is harmless: the next one delivers whatever is due.
    // With a listener node-cron does not print its own warning.
    this.task.on('execution:missed', (ctx) => log.debug({ cron: 'digest', missedAt: ctx.date.toISOString() }, 'digest tick missed (event loop busy); the next tick catches up'));
    void this.tick().catch((err: unknown) => log.error({ err }, 'digest tick failed'));
  }

  /** Stops ticking; sends under way finish and are recorded, nothing new starts. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.task?.stop();
    await this.task?.destroy();
    this.task = null;
    await this.running?.catch(() => undefined);
  }

  /**
   * For tests: stops as a killed process would — requests already made are not recorded as sent
   * (their rows stay 'sending'), so a restart has to recover them.
   */
  async kill(): Promise<void> {
    this.killed = true;
    await this.stop();
  }

  /**
   * Records incidents of a new dataset as first seen now (the first time ever: as the baseline).
   * Returns when this process recorded that dataset: every incident it holds was first seen by then,
   * so a digest composed from it covers what was recorded up to that instant, no later.
   */
  recordDataset(ds: Dataset = this.o.dataset()): number {
    if (ds === this.lastSeenDataset) return this.lastSeenAt;
    const at = this.o.clock().getTime();
    const r = this.o.store.recordSeen(incidentIds(ds), at);
    this.lastSeenDataset = ds;
    this.lastSeenAt = at;
    if (r.added) this.o.logger.info({ added: r.added, baseline: r.baseline }, r.baseline ? 'incidents recorded as the baseline (not late reports)' : 'new incidents first seen');
    return at;
  }

  /** One pass: everything due now is delivered (or left for a later tick). Overlapping calls share one pass. */
  tick(): Promise<TickReport> {
    if (this.running) return this.running;
    this.running = this.runTick().finally(() => (this.running = null));
    return this.running;
  }

  private async runTick(): Promise<TickReport> {
    const t0 = performance.now();
    const outcomes: Record<DeliveryOutcome, number> = { sent: 0, 'retry-later': 0, failed: 0, disabled: 0, unknown: 0, skipped: 0, interrupted: 0 };
    if (this.stopping) return { due: 0, outcomes, ms: 0 };
    this.recordDataset();
    const now = this.o.clock();
    const holds = this.o.holdsGuild;
    const subs = this.o.store.enabledSubscriptions().filter((s) => !holds || holds(s.guildId));
    const due = dueDigests(subs, now, this.o.store.deliveriesFrom(earliestLocalDay(now)), { owner: this.owner, staleAfterMs: this.o.staleAfterMs });
    if (due.length) this.o.logger.info({ due: due.length }, 'digests due');
    const queue = [...due];
    const worker = async () => {
      for (let item = queue.shift(); item && !this.stopping; item = queue.shift()) {
        let outcome: DeliveryOutcome;
        try {
          outcome = await this.deliver(item);
        } catch (err) {
          this.o.logger.error({ err, guildId: item.guildId, localDate: item.localDate }, 'digest delivery crashed');
          outcome = 'failed';
        }
        outcomes[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, queue.length) }, worker));
    const report = { due: due.length, outcomes, ms: Math.round(performance.now() - t0) };
    if (due.length) this.o.logger.info(report, 'digest tick done');
    return report;
  }

  /**
   * The message for a server's local day: the day before, plus what was recorded since the last digest.
   * `ds` is the dataset it is composed from, recorded (first-seen) by this process at `recordedAt`: late
   * reports are taken up to then and no later, so an incident of a newer dataset (a hot reload meanwhile,
   * or another process's) is left to the next digest instead of being skipped by this one.
   */
  composeFor(
    sub: Subscription,
    localDate: string,
    at: number,
    ds: Dataset = this.o.dataset(),
    recordedAt: number = this.recordDataset(ds),
  ): ComposedDelivery & { payload: ReturnType<typeof composeDigest> } {
    const window = windowFor(this.o.store, sub, localDate, recordedAt, at);
    const payload = composeDigest(ds, window, { placeId: sub.placeId }, sub.timeZone);
    const nonce = digestNonce(sub.guildId, localDate);
    const body: DigestMessageBody = { ...(payload.content ? { content: payload.content } : {}), embeds: payload.embeds ?? [], allowed_mentions: { parse: [] }, nonce, enforce_nonce: true };
    return { payload, body: JSON.stringify(body), nonce, digestDay: window.day, recordedUntil: window.recordedUntil };
  }

  private async deliver(item: DueItem): Promise<DeliveryOutcome> {
    const { store, logger } = this.o;
    const { guildId, localDate } = item;
    const now = () => this.o.clock().getTime();
    // One dataset for the whole delivery: recorded as first seen before the claim, composed from the same.
    const ds = this.o.dataset();
    const recordedAt = this.recordDataset(ds);
    const claim = store.claim(item, this.owner, now(), this.o.staleAfterMs, (sub) => this.composeFor(sub, localDate, now(), ds, recordedAt));
    if (!claim) return 'skipped';
    const log = { guildId, localDate, channelId: claim.delivery.channelId, attempt: claim.delivery.attempts, kind: claim.kind };
    // Discord deduplicates a resend by nonce only within a few minutes of the first message, so that
    // window runs from the first request ever made for this digest.
    const firstAt = claim.delivery.firstAttemptAt;
    const inWindow = (t: number) => t - firstAt <= this.o.nonceWindowMs;
    const giveUpUnknown = (msg: string, extra: object = {}): DeliveryOutcome => {
      store.markEnded(guildId, localDate, 'unknown', msg, now());
      logger.warn({ ...log, ...extra }, 'digest outcome unknown; not resent, to never post twice');
      return 'unknown';
    };
    if (claim.kind === 'recover' && !inWindow(now()))
      return giveUpUnknown('The bot stopped while this digest was being sent, too long ago for a safe resend; it may not have been posted.');
    if (claim.kind === 'retry' && claim.delivery.maybePosted && !inWindow(now()))
      return giveUpUnknown(`An earlier request got no clear answer (${claim.delivery.lastError ?? 'no answer'}) and it is too late for a safe resend; it may have been posted.`);
    if (claim.kind === 'recover') logger.warn(log, 'resending a digest a stopped process left mid-request (same nonce: Discord deduplicates)');
    const body = JSON.parse(claim.delivery.body) as DigestMessageBody;
    let maybePosted = claim.kind === 'recover' || claim.delivery.maybePosted;
    for (let i = 0; ; i++) {
      if (this.killed) return 'interrupted';
      await this.limiter.take();
      if (this.killed) return 'interrupted';
      try {
        const { id } = await this.o.sender.send(claim.delivery.channelId, body);
        if (this.killed) return 'interrupted'; // a killed process never gets to record it
        store.markSent(guildId, localDate, id, now());
        logger.info({ ...log, messageId: id }, 'digest sent');
        return 'sent';
      } catch (err) {
        if (this.killed) return 'interrupted';
        const f = classifySendError(err);
        if (f.kind === 'disable') {
          store.markEnded(guildId, localDate, 'failed', f.message, now(), `Turned off: ${f.reason}. Fix it and run /digest set again.`);
          logger.warn({ ...log, error: f.message }, 'digest subscription turned off');
          return 'disabled';
        }
        if (f.kind === 'fail') {
          store.markEnded(guildId, localDate, 'failed', f.message, now());
          logger.error({ ...log, error: f.message }, 'digest rejected by Discord; not retried today');
          return 'failed';
        }
        maybePosted ||= f.unclear;
        const attempts = claim.delivery.attempts + i;
        const delay = f.retryAfterMs ?? this.o.retry.baseDelayMs * 2 ** i;
        // Retried now only while the wait keeps this attempt fresh (another process takes over a stale one).
        if (i + 1 >= this.o.retry.requests || this.stopping || delay > this.o.staleAfterMs / 2) {
          const { baseMs, maxMs, maxAttemptsPerDay } = this.o.nextAttempt;
          if (attempts >= maxAttemptsPerDay) {
            store.markEnded(guildId, localDate, 'failed', `gave up after ${attempts} attempts: ${f.message}`, now());
            logger.error({ ...log, error: f.message }, 'digest given up for today');
            return 'failed';
          }
          // Doubles per round of `retry.requests` requests left for a later tick: 1, 2, 4, … minutes, capped.
          const round = Math.floor((attempts - 1) / this.o.retry.requests);
          const wait = Math.max(delay, Math.min(maxMs, baseMs * 2 ** round));
          if (maybePosted && !inWindow(now() + wait))
            return giveUpUnknown(`No clear answer from Discord (${f.message}), and a retry would come too late for a safe resend; it may have been posted.`, { error: f.message });
          store.markRetry(guildId, localDate, f.message, maybePosted, now() + wait, now());
          logger.warn({ ...log, error: f.message, retryInMs: wait }, 'digest left for a later tick');
          return 'retry-later';
        }
        if (maybePosted && !inWindow(now() + delay))
          return giveUpUnknown(`No clear answer from Discord (${f.message}), and a retry would come too late for a safe resend; it may have been posted.`, { error: f.message });
        store.bumpAttempt(guildId, localDate, f.message, maybePosted, now());
        await this.o.sleep(delay);
      }
    }
  }
}

/** Every incident id of a dataset, from the index's id column when the records are on disk (a snapshot): no record is read. */
export function incidentIds(ds: Dataset): readonly string[] {
  return ds.incidents.ids();
}
