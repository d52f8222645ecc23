import type { LeaseStore } from '../storage/lease.ts';

export interface JobLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LeasedJobOptions {
  /** The lease's name, e.g. 'feed-poll' or 'ged-refresh': one process at a time runs the job of that name. */
  name: string;
  leases: LeaseStore;
  holder: string;
  /** How often the job runs (in whichever process holds the lease). */
  everyMs: number;
  /** How long the lease outlives its last renewal (default 30 s); it is renewed every third of that while held. */
  ttlMs?: number;
  /** The work; the signal aborts when the lease was lost meanwhile (this process stalled past the ttl) or on stop. */
  run: (signal: AbortSignal) => Promise<void>;
  logger: JobLogger;
}

export type JobTick = 'ran' | 'failed' | 'held-elsewhere' | 'running' | 'stopped';

/**
 * Work that must run in one process at a time across every process and machine of the bot (feed
 * polling, the GED refresh): each process ticks, and only the one holding the lease runs the job. The
 * holder keeps renewing while it lives; when it dies the lease expires and another process takes over
 * at its next tick. Stopping releases the lease, so another takes over at once.
 */
export class LeasedJob {
  private timer: NodeJS.Timeout | null = null;
  private renewer: NodeJS.Timeout | null = null;
  private running: Promise<JobTick> | null = null;
  private held = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly ttlMs: number;

  constructor(private readonly o: LeasedJobOptions) {
    this.ttlMs = o.ttlMs ?? 30_000;
  }

  /** Ticks every `everyMs`, and once now. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.o.everyMs);
    this.timer.unref();
    // While held, renewed between ticks too: the lease must not lapse while the job waits for its next run.
    this.renewer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.renewer.unref();
    void this.tick();
  }

  /** Whether this process holds the lease (as of the last acquire or renewal). */
  holds(): boolean {
    return this.held;
  }

  private async renew(): Promise<boolean> {
    if (this.stopped) return false;
    try {
      const was = this.held;
      this.held = await this.o.leases.acquire(this.o.name, this.o.holder, this.ttlMs);
      if (was && !this.held) this.o.logger.warn({ job: this.o.name }, 'lease lost (this process stalled past its expiry); another process runs the job now');
    } catch (err) {
      // The database did not answer: act as if not held (another process may take it once it expires).
      if (this.held) this.o.logger.warn({ job: this.o.name, err }, 'could not renew the lease; the job stops until it can');
      this.held = false;
    }
    return this.held;
  }

  /** One tick: runs the job if this process holds (or can take) the lease and no run is under way. */
  tick(): Promise<JobTick> {
    if (this.stopped) return Promise.resolve('stopped');
    if (this.running) return Promise.resolve('running');
    const run = (async (): Promise<JobTick> => {
      if (!(await this.renew())) return 'held-elsewhere';
      const lost = new AbortController();
      const watch = setInterval(() => {
        if (!this.held) lost.abort(new Error(`the ${this.o.name} lease was lost`));
      }, 100);
      watch.unref();
      try {
        await this.o.run(AbortSignal.any([lost.signal, this.abort.signal]));
        return 'ran';
      } catch (err) {
        this.o.logger.error({ job: this.o.name, err }, 'job failed; it runs again at the next tick');
        return 'failed';
      } finally {
        clearInterval(watch);
      }
    })();
    this.running = run;
    const done = () => (this.running = null);
    run.then(done, done);
    return run;
  }

  /** Stops ticking, aborts a run under way and waits for it, then releases the lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.renewer) clearInterval(this.renewer);
    this.abort.abort(new Error('stopping'));
    await this.running;
    if (this.held) await this.o.leases.release(this.o.name, this.o.holder).catch(() => undefined);
    this.held = false;
  }
}
