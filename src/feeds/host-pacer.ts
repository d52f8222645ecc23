/**
 * At most one request per interval to any one host (news sites share hosts across many feeds): each
 * caller reserves the host's next free slot at once, so concurrent pollers queue up instead of bursting.
 */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realPacerClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export class HostPacer {
  /** Per host: the last request scheduled (the next waits behind it) and when the last one finished. */
  private readonly queue = new Map<string, Promise<unknown>>();
  private readonly lastDone = new Map<string, number>();

  constructor(
    private readonly intervalMs = 1000,
    private readonly clock: PacerClock = realPacerClock,
  ) {}

  /**
   * Runs `request` when `url`'s host is free: one request at a time per host, each starting at least
   * `intervalMs` after the previous one finished. Counting from the finish, not the start, keeps the gap
   * at the host whatever the delays on the way.
   */
  run<T>(url: string, request: () => Promise<T>): Promise<T> {
    const host = new URL(url).host;
    const mine = (this.queue.get(host) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        const last = this.lastDone.get(host);
        const wait = last === undefined ? 0 : last + this.intervalMs - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        try {
          return await request();
        } finally {
          this.lastDone.set(host, this.clock.now());
        }
      });
    this.queue.set(host, mine);
    return mine;
  }
}
