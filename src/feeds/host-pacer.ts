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
  /** Per host: the turn given last (callers queue behind it) and when it was given. */
  private readonly queue = new Map<string, Promise<void>>();
  private readonly lastGiven = new Map<string, number>();

  constructor(
    private readonly intervalMs = 1000,
    private readonly clock: PacerClock = realPacerClock,
  ) {}

  /** Resolves when a request to `url`'s host may be made: `intervalMs` after the previous one was let go. */
  turn(url: string): Promise<void> {
    const host = new URL(url).host;
    const mine = (this.queue.get(host) ?? Promise.resolve()).then(async () => {
      const last = this.lastGiven.get(host);
      const wait = last === undefined ? 0 : last + this.intervalMs - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
      this.lastGiven.set(host, this.clock.now());
    });
    this.queue.set(host, mine);
    return mine;
  }
}
