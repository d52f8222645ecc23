import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../src/digest/rate-limit.ts';
import { InvalidRequestCounter } from '../src/digest/invalid-requests.ts';

/** A fake clock that sleeping advances. */
function fake() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), at: () => t };
}

describe('SlidingWindowLimiter', () => {
  it('never lets more than `limit` start in any window, and paces starts evenly', async () => {
    const c = fake();
    const l = new SlidingWindowLimiter(50, 1050, 1000 / 48, c.now, c.sleep);
    const starts: number[] = [];
    for (let i = 0; i < 500; i++) {
      await l.take();
      starts.push(c.at());
    }
    for (let i = 0; i + 50 < starts.length; i++) expect(starts[i + 50]! - starts[i]!).toBeGreaterThanOrEqual(1000); // ≤ 50 in any second
    // evenly paced: never more than two starts (one catching up after a wait) within one interval
    for (let i = 0; i + 2 < starts.length; i++) expect(starts[i + 2]! - starts[i]!).toBeGreaterThan(20);
    const rate = (starts.length - 1) / ((starts.at(-1)! - starts[0]!) / 1000);
    expect(rate).toBeGreaterThan(45);
    expect(rate).toBeLessThanOrEqual(48.01);
  });

  it('without pacing, a burst of `limit` then waits for the window', async () => {
    const c = fake();
    const l = new SlidingWindowLimiter(5, 1000, 0, c.now, c.sleep);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 12 }, () => l.take().then(() => starts.push(c.at()))));
    expect(starts.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(starts[5]).toBeGreaterThanOrEqual(1000);
    expect(starts[10]).toBeGreaterThanOrEqual(2000);
  });
});

describe('shareOfGlobalLimit', () => {
  it("splits Discord's per-bot 50/s among shard processes", async () => {
    const { shareOfGlobalLimit } = await import('../src/digest/discord-plugin.ts');
    const client = (shards: number[], shardCount: number) => ({ options: { shards, shardCount } }) as never;
    expect(shareOfGlobalLimit(client([0], 1))).toMatchObject({ limit: 50, minIntervalMs: 1000 / 48 });
    expect(shareOfGlobalLimit(client([0, 1], 2))).toMatchObject({ limit: 50 }); // both shards in one process
    expect(shareOfGlobalLimit(client([3], 4))).toMatchObject({ limit: 12, minIntervalMs: (1000 / 48) * 4 });
  });
});

describe('invalid requests (401/403/429) in a sliding 10 minutes', () => {
  it('warns at 1,000, pauses at 5,000 until the window has cleared, and counts only what Discord counts', () => {
    let t = 1_000_000;
    const events: string[] = [];
    const c = new InvalidRequestCounter({
      now: () => t,
      onWarn: (n) => events.push(`warn ${n}`),
      onPause: (n) => events.push(`pause ${n}`),
      onResume: (n) => events.push(`resume ${n}`),
    });
    for (const status of [200, 204, 400, 404, 500]) c.record(status);
    c.record(429, 'shared'); // a shared-resource 429 does not count towards the ban
    expect(c.count()).toBe(0);
    // 1,000 over the first minute: a warning, once
    for (let i = 0; i < 1_000; i++, t += 60) c.record([401, 403, 429][i % 3]!, 'user');
    expect(events).toEqual(['warn 1000']);
    expect(c.paused()).toBe(false);
    // 4,000 more over the next four minutes: paused at 5,000
    for (let i = 0; i < 4_000; i++, t += 60) c.record(403);
    expect(events).toEqual(['warn 1000', 'pause 5000']);
    expect(c.paused()).toBe(true);
    expect(c.count()).toBe(5_000);
    // Resumes when fewer than 1,000 remain: the 4,001st oldest must have left the window
    const resumeIn = c.pausedForMs();
    const firstAt = 1_000_000;
    expect(resumeIn).toBe(firstAt + 4_000 * 60 + 10 * 60_000 - t);
    t += resumeIn - 1;
    expect(c.paused()).toBe(true);
    expect(c.count()).toBe(1_000);
    t += 1;
    expect(c.paused()).toBe(false);
    expect(c.count()).toBe(999);
    expect(events.at(-1)).toBe('resume 999');
    // The window slides: ten minutes after the last one, nothing is left
    t += 10 * 60_000;
    expect(c.count()).toBe(0);
    // and a new wave warns again
    for (let i = 0; i < 1_000; i++) c.record(401);
    expect(events.at(-1)).toBe('warn 1000');
  });
});
