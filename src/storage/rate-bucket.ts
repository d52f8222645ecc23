import type { Db } from './db.ts';

/** A token bucket: `burst` requests at most at once, refilled at `perSecond`. */
export interface BucketShape {
  name: string;
  perSecond: number;
  burst: number;
}

/**
 * A token bucket kept in the shared database, so several processes together stay under one rate (the bot
 * token's global REST limit is counted by Discord per token, not per process). SQLite for processes on one
 * machine, PostgreSQL (on the server's clock) for several machines.
 */
export interface RateBucket {
  readonly shape: BucketShape;
  /** Takes one token: 0 when taken, else how long (ms) until one is due. */
  tryTake(): Promise<number>;
}

/** The bucket's arithmetic, shared by both stores: tokens after refill, and the answer for one take. */
export function refill(shape: BucketShape, tokens: number, elapsedMs: number): number {
  return Math.min(shape.burst, tokens + (Math.max(0, elapsedMs) * shape.perSecond) / 1000);
}

export function waitForToken(shape: BucketShape, available: number): number {
  return available >= 1 ? 0 : Math.max(1, Math.ceil(((1 - available) * 1000) / shape.perSecond));
}

/** The bucket in the bot's SQLite database: each take is one IMMEDIATE transaction (the file's write lock). */
export class SqliteRateBucket implements RateBucket {
  private readonly take: () => number;

  constructor(
    db: Db,
    readonly shape: BucketShape,
    now: () => number = Date.now,
  ) {
    const read = db.prepare('SELECT tokens, updated_at AS updatedAt FROM rate_buckets WHERE name = ?');
    const write = db.prepare(
      'INSERT INTO rate_buckets (name, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at',
    );
    const take = db.transaction(() => {
      const t = now();
      const row = read.get(shape.name) as { tokens: number; updatedAt: number } | undefined;
      const available = row ? refill(shape, row.tokens, t - row.updatedAt) : shape.burst;
      const wait = waitForToken(shape, available);
      write.run(shape.name, wait === 0 ? available - 1 : available, t);
      return wait;
    });
    this.take = () => take.immediate();
  }

  async tryTake(): Promise<number> {
    return this.take();
  }
}

/**
 * Resolves when `bucket` gave this process a token. Callers in one process queue here (one asks the
 * database at a time), so a full bucket is not polled by every waiting request at once.
 */
export class BucketLimiter {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly bucket: RateBucket,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {}

  take(signal?: AbortSignal): Promise<void> {
    const next = this.chain.then(async () => {
      for (;;) {
        signal?.throwIfAborted();
        let wait: number;
        try {
          wait = await this.bucket.tryTake();
        } catch {
          // The database does not answer: pace this process alone at half the shared rate rather than fail
          // the request (a request that failed for no HTTP reason would look as if it might have been sent).
          await this.sleep(Math.ceil(2000 / this.bucket.shape.perSecond), signal);
          return;
        }
        if (wait === 0) return;
        await this.sleep(wait, signal);
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
