/**
 * Discord bans a bot token for a while after 10,000 invalid requests (401, 403, 429) in 10 minutes. This
 * counts them in a sliding window of the same length: a warning at `warnAt`, and at `pauseAt` senders that
 * can wait (the digest; later alerts) pause until the window has cleared, that is until the count is back
 * under `warnAt`. A 429 with `X-RateLimit-Scope: shared` is not counted (Discord does not count it).
 */
export interface InvalidRequestOptions {
  /** ms on a monotonic clock (a wall-clock step must not empty or stretch the window). */
  now: () => number;
  windowMs?: number;
  warnAt?: number;
  pauseAt?: number;
  onWarn?: (count: number) => void;
  onPause?: (count: number) => void;
  onResume?: (count: number) => void;
}

export class InvalidRequestCounter {
  readonly windowMs: number;
  readonly warnAt: number;
  readonly pauseAt: number;
  /** When each counted request was answered, ascending; [head, length) is in the window. */
  private readonly at: number[] = [];
  private head = 0;
  private warned = false;
  private pausedNow = false;

  constructor(private readonly o: InvalidRequestOptions) {
    this.windowMs = o.windowMs ?? 10 * 60_000;
    this.warnAt = o.warnAt ?? 1_000;
    this.pauseAt = o.pauseAt ?? 5_000;
  }

  /** Every answer from Discord goes through here; only the invalid ones count. */
  record(status: number, scope?: string | null): void {
    if (status !== 401 && status !== 403 && status !== 429) return;
    if (status === 429 && scope === 'shared') return;
    this.at.push(this.o.now());
    const n = this.count();
    if (n >= this.warnAt && !this.warned) {
      this.warned = true;
      this.o.onWarn?.(n);
    }
    if (n >= this.pauseAt && !this.pausedNow) {
      this.pausedNow = true;
      this.o.onPause?.(n);
    }
  }

  /** Invalid requests in the last `windowMs`. */
  count(): number {
    const from = this.o.now() - this.windowMs;
    while (this.head < this.at.length && this.at[this.head]! <= from) this.head++;
    if (this.head > 4096 && this.head * 2 > this.at.length) {
      this.at.splice(0, this.head);
      this.head = 0;
    }
    const n = this.at.length - this.head;
    if (n < this.warnAt) {
      this.warned = false;
      if (this.pausedNow) {
        this.pausedNow = false;
        this.o.onResume?.(n);
      }
    }
    return n;
  }

  /** Whether senders that can wait should hold back now. */
  paused(): boolean {
    this.count();
    return this.pausedNow;
  }

  /** ms until the window has cleared if nothing more is counted (0 when not paused). */
  pausedForMs(): number {
    const n = this.count();
    if (!this.pausedNow) return 0;
    // The oldest n - warnAt + 1 must leave the window for the count to be under warnAt.
    const last = this.at[this.head + n - this.warnAt]!;
    return Math.max(1, last + this.windowMs - this.o.now());
  }
}
