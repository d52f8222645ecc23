import { createHash, randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Dataset } from '../core/dataset.ts';
import { composeDigest } from '../../commands/kit/digest-message.ts';
import { dueDigests, earliestLocalDay, type DueItem } from '../core/digest/due.ts';
import { deliveryKey, type Delivery, type DeliveryState, type Subscription } from '../core/digest/types.ts';
import { windowAfter, windowFor } from '../core/digest/window.ts';
import type { InvalidRequestCounter } from './invalid-requests.ts';
import { systemMonotonicClock, type MonotonicClock } from './monotonic.ts';
import { SlidingWindowLimiter } from './rate-limit.ts';
import { classifySendError, SendAbortedError, type DigestMessageBody, type DigestSender, type SendFailure } from './sender.ts';
import type { ComposedDelivery, DigestStore, MonoReading } from './store.ts';
import type { SeenLogView } from '../core/digest/store-view.ts';

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
  /** Told how each delivery attempt ended (metrics count them by outcome). */
  onOutcome?: (outcome: DeliveryOutcome) => void;
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
  /** Every request ends this long before the nonce window closes (its deadline), leaving it time to reach Discord. */
  nonceMarginMs?: number;
  /** Measures the nonce window: elapsed time, which a wall-clock step cannot stretch. Default: the system's. */
  monotonic?: MonotonicClock;
  /** On stop, sends under way get this long (real time) to finish; then they are aborted and left to a later tick. */
  stopGraceMs?: number;
  /** The bot's invalid requests (401/403/429): no digest is sent while it says to pause. */
  invalidRequests?: Pick<InvalidRequestCounter, 'paused' | 'pausedForMs'> | null;
  sleep?: (ms: number) => Promise<void>;
}

export type DeliveryOutcome = 'sent' | 'retry-later' | 'failed' | 'disabled' | 'unknown' | 'skipped' | 'interrupted' | 'paused';

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
 * What marks a posted digest as this one, in its embed footer: Discord does not return the nonce when
 * messages are read back, so after the nonce window the channel is searched for this instead.
 */
export function digestMarker(nonce: string): string {
  return `ref ${nonce}`;
}

/** Adds the marker to the last embed's footer, within Discord's 2,048 characters. */
function withMarker(body: DigestMessageBody): DigestMessageBody {
  const embeds = (body.embeds ?? []) as { footer?: { text?: string } }[];
  const last = embeds.at(-1);
  if (!last) return body;
  const suffix = ` · ${digestMarker(body.nonce)}`;
  const text = last.footer?.text ?? '';
  const footer = { ...last.footer, text: (text.length + suffix.length > 2048 ? `${text.slice(0, 2048 - suffix.length - 1)}…` : text) + suffix };
  return { ...body, embeds: [...embeds.slice(0, -1), { ...last, footer }] };
}

/** A forum post's title for a server's local day: "Digest — 3 Dec 2026". */
export function digestPostTitle(localDate: string): string {
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number];
  return `Digest — ${d} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]} ${y}`;
}

/** How far before the first request of a digest the channel is searched for it (clock skew with Discord). */
const LOOKBACK_MS = 2 * 60_000;

/**
 * Decides what is due and delivers it: records each delivery before sending, marks it sent with the
 * message id after, retries transient failures with backoff and leaves them to a later tick, and turns
 * a subscription off when Discord says the bot cannot post in its channel.
 */
export class DigestRunner {
  readonly owner: string;
  private readonly o: Required<Omit<DigestRunnerOptions, 'holdsGuild' | 'onOutcome'>> & Pick<DigestRunnerOptions, 'holdsGuild' | 'onOutcome'>;
  private readonly limiter: SlidingWindowLimiter;
  private task: ScheduledTask | null = null;
  /** Passes under way: a tick never waits for another one. */
  private readonly passes = new Set<Promise<TickReport>>();
  /** Deliveries under way in this process, by key, with what aborts them on stop. */
  private readonly inFlight = new Map<string, AbortController>();
  private stopping = false;
  private killed = false;
  /**
   * Deliveries whose attempt crashed in this process after it may have claimed them (the database
   * unreachable past its retries): a 'sending' row of ours that nobody works on. Once stale it is taken
   * over under another name (the due-logic never takes over this process's own rows).
   */
  private readonly orphaned = new Set<string>();
  private recoveries = 0;
  private lastSeenDataset: Dataset | null = null;
  private lastSeenAt: Promise<number> = Promise.resolve(0);

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
      nonceMarginMs: 15_000,
      monotonic: opts.monotonic ?? systemMonotonicClock(),
      stopGraceMs: 5_000,
      invalidRequests: null,
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
    this.task.on('execution:missed', (ctx) =>
      log.debug({ cron: 'digest', missedAt: ctx.date.toISOString() }, 'digest tick missed (event loop busy); the next tick catches up'),
    );
    void this.tick().catch((err: unknown) => log.error({ err }, 'digest tick failed'));
  }

  /**
   * Stops ticking; nothing new starts. Sends under way get `stopGraceMs` to finish and be recorded; then
   * they are aborted and left to a later tick (or the next process), which resends with the same nonce
   * or, after the nonce window, first looks in the channel.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.task?.stop();
    await this.task?.destroy();
    this.task = null;
    const all = () => Promise.allSettled([...this.passes]);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace over'>((r) => (timer = setTimeout(() => r('grace over'), this.o.stopGraceMs)));
    const first = await Promise.race([all(), graceOver]);
    clearTimeout(timer);
    if (first === 'grace over') {
      for (const c of this.inFlight.values()) c.abort(new SendAbortedError('stop'));
      await all();
    }
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
  recordDataset(ds: Dataset = this.o.dataset()): Promise<number> {
    if (ds === this.lastSeenDataset) return this.lastSeenAt;
    const at = this.o.clock().getTime();
    this.lastSeenDataset = ds;
    // Shared by every caller until it settles; a failure (the database unreachable) is tried again by the next caller.
    const recorded = this.o.store.recordSeen(incidentIds(ds), at).then((r) => {
      if (r.added)
        this.o.logger.info(
          { added: r.added, baseline: r.baseline },
          r.baseline ? 'incidents recorded as the baseline (not late reports)' : 'new incidents first seen',
        );
      return at;
    });
    recorded.catch(() => {
      if (this.lastSeenAt === recorded) this.lastSeenDataset = null;
    });
    this.lastSeenAt = recorded;
    return recorded;
  }

  /**
   * One pass: everything due now is delivered (or left for a later tick). It never waits for a pass still
   * under way (one slow channel must not hold the others): deliveries that pass has in hand are left to it.
   */
  tick(): Promise<TickReport> {
    const pass = this.runTick();
    this.passes.add(pass);
    const done = () => this.passes.delete(pass);
    pass.then(done, done);
    return pass;
  }

  private async runTick(): Promise<TickReport> {
    const t0 = performance.now();
    const outcomes: Record<DeliveryOutcome, number> = { sent: 0, 'retry-later': 0, failed: 0, disabled: 0, unknown: 0, skipped: 0, interrupted: 0, paused: 0 };
    if (this.stopping) return { due: 0, outcomes, ms: 0 };
    await this.recordDataset();
    const now = this.o.clock();
    const holds = this.o.holdsGuild;
    const subs = (await this.o.store.enabledSubscriptions()).filter((s) => !holds || holds(s.guildId));
    const key = (d: DueItem) => deliveryKey(d.guildId, d.localDate);
    const deliveries = await this.o.store.deliveriesFrom(earliestLocalDay(now));
    const due: RunItem[] = dueDigests(subs, now, deliveries, {
      owner: this.owner,
      staleAfterMs: this.o.staleAfterMs,
    }).filter((d) => !this.inFlight.has(key(d)));
    if (this.orphaned.size) due.push(...this.staleOrphans(deliveries, new Set(subs.map((s) => s.guildId)), now.getTime()));
    if (due.length) this.o.logger.info({ due: due.length }, 'digests due');
    if (due.length && this.o.invalidRequests?.paused()) {
      this.o.logger.warn(
        { due: due.length, resumeInMs: this.o.invalidRequests.pausedForMs() },
        'digests paused: too many invalid requests to Discord (401/403/429) in the last 10 minutes',
      );
      outcomes.paused = due.length;
      return { due: due.length, outcomes, ms: Math.round(performance.now() - t0) };
    }
    const queue = [...due];
    const worker = async () => {
      for (let item = queue.shift(); item && !this.stopping; item = queue.shift()) {
        if (this.inFlight.has(key(item))) continue; // another pass took it meanwhile
        const abort = new AbortController();
        this.inFlight.set(key(item), abort);
        let outcome: DeliveryOutcome;
        try {
          outcome = await this.deliver(item, abort.signal);
        } catch (err) {
          this.o.logger.error({ err, guildId: item.guildId, localDate: item.localDate }, 'digest delivery crashed; taken up again once its claim is stale');
          this.orphaned.add(key(item));
          outcome = 'failed';
        } finally {
          this.inFlight.delete(key(item));
        }
        outcomes[outcome]++;
        this.o.onOutcome?.(outcome);
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
  async composeFor(
    sub: Subscription,
    localDate: string,
    at: number,
    ds: Dataset = this.o.dataset(),
    recordedAt?: number,
  ): Promise<ComposedDelivery & { payload: ReturnType<typeof composeDigest> }> {
    const window = await windowFor(this.o.store, sub, localDate, recordedAt ?? (await this.recordDataset(ds)), at);
    return this.composeIn(window, sub, localDate, ds);
  }

  /** The message for a window (see windowFor): no storage read, so it can run inside a claim. */
  private composeIn(
    window: ReturnType<typeof windowAfter>,
    sub: Subscription,
    localDate: string,
    ds: Dataset,
  ): ComposedDelivery & { payload: ReturnType<typeof composeDigest> } {
    const payload = composeDigest(ds, window, { placeId: sub.placeId, actor: sub.actorId }, sub.timeZone);
    const nonce = digestNonce(sub.guildId, localDate);
    const body = withMarker({
      ...(payload.content ? { content: payload.content } : {}),
      embeds: payload.embeds ?? [],
      allowed_mentions: { parse: [] },
      nonce,
      enforce_nonce: true,
    });
    return { payload, body: JSON.stringify(body), nonce, digestDay: window.day, recordedUntil: window.recordedUntil };
  }

  private monoNow(): MonoReading {
    return { at: this.o.monotonic.now(), origin: this.o.monotonic.origin };
  }

  /**
   * How long ago the first request that may have posted this digest was made. Measured on the monotonic
   * clock when the row was written on the same one (this machine since boot), and never less than the
   * wall clock says: a clock stepped back cannot stretch the window, one stepped forward only shortens it.
   */
  private elapsedSince(start: { wall: number; mono: number | null; origin: string | null }): number {
    const wall = this.o.clock().getTime() - start.wall;
    const mono = start.mono !== null && start.origin === this.o.monotonic.origin ? this.o.monotonic.now() - start.mono : null;
    if (mono === null) return wall < 0 ? Number.POSITIVE_INFINITY : wall; // the clock went back and nothing else to go by
    return Math.max(wall, mono);
  }

  /** This process's crashed attempts whose claim is stale by now, to be taken over under a new name. */
  private staleOrphans(deliveries: readonly DeliveryState[], subscribed: ReadonlySet<string>, now: number): RunItem[] {
    const out: RunItem[] = [];
    const byKey = new Map(deliveries.map((d) => [deliveryKey(d.guildId, d.localDate), d]));
    for (const k of this.orphaned) {
      const d = byKey.get(k);
      if (this.inFlight.has(k)) continue;
      if (d?.status !== 'sending' || d.owner !== this.owner) {
        this.orphaned.delete(k); // finished, or taken over by another process
        continue;
      }
      if (subscribed.has(d.guildId) && now - d.claimedAt >= this.o.staleAfterMs)
        out.push({
          guildId: d.guildId,
          localDate: d.localDate,
          scheduledAt: new Date(d.claimedAt),
          kind: 'recover',
          claimAs: `${this.owner}~${++this.recoveries}`,
        });
    }
    return out;
  }

  private async deliver(item: RunItem, stopSignal: AbortSignal): Promise<DeliveryOutcome> {
    const { store, logger, sender } = this.o;
    const { guildId, localDate } = item;
    const now = () => this.o.clock().getTime();
    // One dataset for the whole delivery: recorded as first seen before the claim, composed from the same.
    const ds = this.o.dataset();
    const recordedAt = await this.recordDataset(ds);
    const seen: SeenLogView = await store.seenLog();
    const claim = await store.claim(
      item,
      item.claimAs ?? this.owner,
      now(),
      this.o.staleAfterMs,
      (sub, prev) => this.composeIn(windowAfter(prev, seen, sub, localDate, recordedAt, now()), sub, localDate, ds),
      this.monoNow(),
    );
    if (!claim) return 'skipped';
    const d: Delivery = claim.delivery;
    const log = { guildId, localDate, channelId: d.channelId, attempt: d.attempts, kind: claim.kind };
    // Discord deduplicates a resend by nonce only within a few minutes of the first message, so that
    // window runs from the first request that may have posted it. Every request ends `nonceMarginMs`
    // before it closes, so that it reaches Discord inside it.
    let windowStart = { wall: d.firstAttemptAt, mono: d.firstAttemptMono, origin: d.monoOrigin };
    const usableMs = this.o.nonceWindowMs - this.o.nonceMarginMs;
    const remainingMs = () => usableMs - this.elapsedSince(windowStart);
    let maybePosted = claim.kind === 'recover' || d.maybePosted;
    let attempts = d.attempts;
    const interrupted = async (): Promise<DeliveryOutcome> => {
      if (this.killed) return 'interrupted'; // a killed process records nothing
      await store.markRetry(guildId, localDate, 'interrupted: the bot was stopping', maybePosted, now(), now());
      logger.info(log, 'digest send interrupted by stop; left to a later tick');
      return 'interrupted';
    };
    const giveUpUnknown = async (msg: string, extra: object = {}): Promise<DeliveryOutcome> => {
      await store.markEnded(guildId, localDate, 'unknown', msg, now());
      logger.warn({ ...log, ...extra }, 'digest outcome unknown; not resent, to never post twice');
      return 'unknown';
    };
    const leaveForLater = async (f: Pick<SendFailure & { kind: 'transient' }, 'message' | 'retryAfterMs'>, round: number): Promise<DeliveryOutcome> => {
      const { baseMs, maxMs } = this.o.nextAttempt;
      // Doubles per round of `retry.requests` requests left for a later tick: 1, 2, 4, … minutes, capped.
      let wait = Math.max(f.retryAfterMs ?? 0, Math.min(maxMs, baseMs * 2 ** round));
      // A copy may be out there and the next try would come after the window: it will look in the
      // channel first, once Discord's window is surely over.
      if (maybePosted && remainingMs() - wait <= 0) wait = Math.max(wait, remainingMs() + this.o.nonceMarginMs);
      await store.markRetry(guildId, localDate, f.message, maybePosted, now() + wait, now());
      logger.warn({ ...log, error: f.message, retryInMs: wait }, 'digest left for a later tick');
      return 'retry-later';
    };
    /**
     * After the window, before any resend: is a copy in the channel? Found: it was posted (recorded as
     * sent, not resent). Absent: nothing posted it, so sending again starts a new window (null: go on).
     * Only a channel that cannot be read leaves it unknown; a failed read is tried again later.
     */
    const lookInChannel = async (why: string): Promise<DeliveryOutcome | null> => {
      const marker = digestMarker(d.nonce);
      if (!sender.find || !d.body.includes(marker)) return await giveUpUnknown(`${why}; it may have been posted.`);
      const since = Math.min(windowStart.wall, now() - this.elapsedSince(windowStart)) - LOOKBACK_MS;
      try {
        // Bounded like a send: a long rate limit or a hanging answer leaves it to a later tick.
        const budgetMs = this.o.staleAfterMs / 2;
        const until = performance.now() + budgetMs;
        const signal = AbortSignal.any([stopSignal, AbortSignal.timeout(budgetMs)]);
        const found = await sender.find(d.channelId, marker, since, { signal, remainingMs: () => until - performance.now() });
        if (this.killed) return 'interrupted';
        if (found) {
          await store.markSent(guildId, localDate, found.id, now());
          logger.info({ ...log, messageId: found.id }, 'digest found in the channel after an unclear send: recorded as sent, not resent');
          return 'sent';
        }
        windowStart = { wall: now(), mono: this.o.monotonic.now(), origin: this.o.monotonic.origin };
        await store.restartWindow(guildId, localDate, windowStart.wall, this.monoNow());
        maybePosted = false;
        logger.info(log, 'digest not in the channel after an unclear send: sending it again');
        return null;
      } catch (err) {
        if (this.killed) return 'interrupted';
        if (err instanceof SendAbortedError) return await interrupted();
        const f = classifySendError(err);
        if (f.kind !== 'transient')
          return await giveUpUnknown(`${why}, and the channel cannot be read to check (${f.message}); it may have been posted.`, { error: f.message });
        if (attempts >= this.o.nextAttempt.maxAttemptsPerDay)
          return await giveUpUnknown(`${why}, and reading the channel kept failing (${f.message}); it may have been posted.`, { error: f.message });
        return await leaveForLater(
          { message: `reading the channel to check for a copy: ${f.message}`, retryAfterMs: f.retryAfterMs },
          Math.floor((attempts - 1) / this.o.retry.requests),
        );
      }
    };

    if (maybePosted && remainingMs() <= 0) {
      const r = await lookInChannel(
        claim.kind === 'recover'
          ? 'The bot stopped while this digest was being sent, too long ago for a safe resend'
          : `An earlier request got no clear answer (${d.lastError ?? 'no answer'}) and it is too late for a safe resend`,
      );
      if (r) return r;
    } else if (claim.kind === 'recover') logger.warn(log, 'resending a digest a stopped process left mid-request (same nonce: Discord deduplicates)');
    const body = JSON.parse(d.body) as DigestMessageBody;
    for (let i = 0; ; i++) {
      if (this.killed) return 'interrupted';
      if (stopSignal.aborted) return await interrupted();
      let f: SendFailure;
      const pausedFor = this.o.invalidRequests?.paused() ? this.o.invalidRequests.pausedForMs() : 0;
      if (pausedFor > 0) {
        // No request: Discord is close to banning the token for invalid requests.
        f = {
          kind: 'transient',
          message: 'paused: too many invalid requests to Discord (401/403/429) in the last 10 minutes',
          retryAfterMs: pausedFor,
          unclear: false,
        };
      } else {
        try {
          await untilAborted(this.limiter.take(), stopSignal);
        } catch {
          return this.killed ? 'interrupted' : await interrupted();
        }
        if (this.killed) return 'interrupted';
        // Checked again right before the request: waits (limiter, backoff) may have used the window up.
        if (remainingMs() <= 0) {
          if (maybePosted) {
            const r = await lookInChannel('The nonce window passed while waiting to resend');
            if (r) return r;
          } else {
            // Nothing can have been posted yet: this request opens the window.
            windowStart = { wall: now(), mono: this.o.monotonic.now(), origin: this.o.monotonic.origin };
            await store.restartWindow(guildId, localDate, windowStart.wall, this.monoNow());
          }
        }
        const deadline = new AbortController();
        const onStop = () => deadline.abort(stopSignal.reason);
        stopSignal.addEventListener('abort', onStop, { once: true });
        const timer = setTimeout(() => deadline.abort(new SendAbortedError('deadline')), Math.max(0, remainingMs()));
        try {
          // A rate-limit wait longer than the time left, or than keeps the claim fresh, is not waited out.
          const waitBudget = () => Math.min(remainingMs(), this.o.staleAfterMs / 2);
          const { id } = await sender.send(d.channelId, body, {
            signal: deadline.signal,
            remainingMs: waitBudget,
            postTitle: digestPostTitle(localDate),
            // A forum post has no nonce: when a copy may be out there, the sender looks for it before creating one.
            maybePosted,
            marker: digestMarker(d.nonce),
          });
          if (this.killed) return 'interrupted'; // a killed process never gets to record it
          await store.markSent(guildId, localDate, id, now());
          logger.info({ ...log, messageId: id }, 'digest sent');
          return 'sent';
        } catch (err) {
          if (this.killed) return 'interrupted';
          f = classifySendError(err);
          if (err instanceof SendAbortedError && err.reason === 'stop') {
            maybePosted = true;
            return await interrupted();
          }
        } finally {
          clearTimeout(timer);
          stopSignal.removeEventListener('abort', onStop);
        }
      }
      if (f.kind === 'disable') {
        await store.markEnded(guildId, localDate, 'failed', f.message, now(), `Turned off: ${f.reason}. Fix it and run /digest set again.`);
        logger.warn({ ...log, error: f.message }, 'digest subscription turned off');
        return 'disabled';
      }
      if (f.kind === 'fail') {
        await store.markEnded(guildId, localDate, 'failed', f.message, now());
        logger.error({ ...log, error: f.message }, 'digest rejected by Discord; not retried today');
        return 'failed';
      }
      maybePosted ||= f.unclear;
      attempts = d.attempts + i;
      const delay = f.retryAfterMs ?? this.o.retry.baseDelayMs * 2 ** i;
      // Retried now only while the wait keeps this attempt fresh (another process takes over a stale one)
      // and, if a copy may be out there, inside the window.
      if (i + 1 >= this.o.retry.requests || this.stopping || delay > this.o.staleAfterMs / 2 || (maybePosted && remainingMs() - delay <= 0)) {
        if (attempts >= this.o.nextAttempt.maxAttemptsPerDay) {
          if (maybePosted) {
            const r = await lookInChannel(`No clear answer from Discord after ${attempts} attempts (${f.message})`);
            if (r) return r;
          }
          await store.markEnded(guildId, localDate, 'failed', `gave up after ${attempts} attempts: ${f.message}`, now());
          logger.error({ ...log, error: f.message }, 'digest given up for today');
          return 'failed';
        }
        return await leaveForLater(f, Math.floor((attempts - 1) / this.o.retry.requests));
      }
      await store.bumpAttempt(guildId, localDate, f.message, maybePosted, now());
      try {
        await untilAborted(this.o.sleep(delay), stopSignal);
      } catch {
        return this.killed ? 'interrupted' : await interrupted();
      }
    }
  }
}

/** A delivery to attempt; `claimAs`: the owner name to claim it under (a crashed attempt of this process's own). */
type RunItem = DueItem & { claimAs?: string };

/** Rejects when the signal aborts; else settles as `p` does. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Every incident id of a dataset, from the index's id column when the records are on disk (a snapshot): no record is read. */
export function incidentIds(ds: Dataset): readonly string[] {
  return ds.incidents.ids();
}
