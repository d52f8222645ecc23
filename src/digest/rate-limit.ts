/**
 * At most `limit` starts in any window of `windowMs` (a sliding window, unlike a fixed per-second
 * counter, which lets 2×limit through around a window edge), and starts at least `minIntervalMs` apart:
 * evenly paced requests keep under a limit counted by arrival even when network or event-loop jitter
 * shifts some of them, where a burst of `limit` would tip over. Waiters are served in order.
 */
export class SlidingWindowLimiter {
  private readonly starts: number[] = [];
  /** When the next start is due on the even pace (absolute, so a late wake-up does not slow the pace). */
  private nextAt = -Infinity;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly minIntervalMs = 0,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when one more request may start. */
  take(): Promise<void> {
    const next = this.chain.then(() => this.acquire());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async acquire(): Promise<void> {
    for (;;) {
      const t = this.now();
      while (this.starts.length && this.starts[0]! <= t - this.windowMs) this.starts.shift();
      const spacing = this.nextAt - t;
      if (this.starts.length < this.limit && spacing <= 0) {
        this.starts.push(t);
        // Late by less than one interval: keep the schedule (the sliding window still caps any second).
        this.nextAt = Math.max(this.nextAt, t - this.minIntervalMs) + this.minIntervalMs;
        return;
      }
      await this.sleep(Math.max(spacing, this.starts.length < this.limit ? 0 : this.starts[0]! + this.windowMs - t + 1, 1));
    }
  }
}
