import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../src/digest/rate-limit.ts';

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
  it('splits Discord\'s per-bot 50/s among shard processes', async () => {
    const { shareOfGlobalLimit } = await import('../src/digest/discord-plugin.ts');
    const client = (shards: number[], shardCount: number) => ({ options: { shards, shardCount } }) as never;
    expect(shareOfGlobalLimit(client([0], 1))).toMatchObject({ limit: 50, minIntervalMs: 1000 / 48 });
    expect(shareOfGlobalLimit(client([0, 1], 2))).toMatchObject({ limit: 50 }); // both shards in one process
    expect(shareOfGlobalLimit(client([3], 4))).toMatchObject({ limit: 12, minIntervalMs: (1000 / 48) * 4 });
  });
});
