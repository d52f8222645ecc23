/** Jobs that run in one process at a time, and shards whose process died covered by the others (leases in SQLite). */
import { describe, expect, it, vi } from 'vitest';
import { LeasedJob } from '../src/cluster/leased-job.ts';
import { ShardDuty, shardLeaseName, shardOfGuild } from '../src/cluster/shard-duty.ts';
import { openDatabase } from '../src/storage/db.ts';
import { SqliteLeaseStore } from '../src/storage/lease.ts';
import { guildIdForShard } from '../testkit/fake-discord.ts';

const quiet = { info() {}, warn() {}, error() {} };

describe('LeasedJob: one process at a time', () => {
  it('only the holder runs; when it stops (releasing) or dies (not renewing), another takes over', async () => {
    const leases = new SqliteLeaseStore(openDatabase({ memory: true }));
    const runs: string[] = [];
    const job = (holder: string) =>
      new LeasedJob({ name: 'feed-poll', leases, holder, everyMs: 60_000, ttlMs: 150, logger: quiet, run: async () => void runs.push(holder) });
    const a = job('a');
    const b = job('b');
    expect(await a.tick()).toBe('ran');
    expect(await b.tick()).toBe('held-elsewhere');
    expect(await a.tick()).toBe('ran');
    expect(runs).toEqual(['a', 'a']);
    await a.stop(); // released: b takes it at once
    expect(await b.tick()).toBe('ran');
    // b "dies": no stop, no renewal. Until its lease expires, c may not run; then it does.
    const c = job('c');
    expect(await c.tick()).toBe('held-elsewhere');
    await vi.waitFor(async () => expect(await c.tick()).toBe('ran'), { timeout: 5_000, interval: 50 });
    expect(runs).toEqual(['a', 'a', 'b', 'c']);
  });

  it('a run is not started twice in one process, and a failing run is logged, not thrown', async () => {
    const leases = new SqliteLeaseStore(openDatabase({ memory: true }));
    let release!: () => void;
    const errors: object[] = [];
    let calls = 0;
    const j = new LeasedJob({
      name: 'ged-refresh',
      leases,
      holder: 'a',
      everyMs: 60_000,
      logger: { ...quiet, error: (o) => void errors.push(o) },
      run: async () => {
        calls++;
        if (calls === 1) await new Promise<void>((r) => (release = r));
        else throw new Error('the GED server said no');
      },
    });
    const first = j.tick();
    await vi.waitFor(() => expect(calls).toBe(1));
    expect(await j.tick()).toBe('running');
    release();
    expect(await first).toBe('ran');
    expect(await j.tick()).toBe('failed');
    expect(errors).toHaveLength(1);
    await j.stop();
  });
});

describe('ShardDuty: the digest covers shards no live process runs', () => {
  const g0 = guildIdForShard(0, 2);
  const g1 = guildIdForShard(1, 2);

  it('own shards always; another live process’s shards never; a dead one’s once its lease expired, until it is back', async () => {
    const leases = new SqliteLeaseStore(openDatabase({ memory: true }));
    expect([shardOfGuild(g0, 2), shardOfGuild(g1, 2)]).toEqual([0, 1]);
    // Process B runs shard 1 (its lease, renewed while it lives); it will die without releasing it.
    expect(await leases.acquire(shardLeaseName(1, 2), 'proc-b', 200)).toBe(true);
    const a = new ShardDuty({ leases, holder: 'proc-a', ownShards: [0], shardCount: 2, ttlMs: 200, logger: quiet });
    expect(a.holdsGuild(g0)).toBe(true); // before the first refresh too
    await a.start();
    expect(a.holdsGuild(g0)).toBe(true);
    expect(a.holdsGuild(g1)).toBe(false);
    // B stopped renewing: once its lease expires, A's refreshes (every ttl/3) notice
    await vi.waitFor(() => expect(a.holdsGuild(g1)).toBe(true), { timeout: 5_000, interval: 20 });
    expect(a.coveredShards()).toEqual([1]);
    // B restarts (a new holder): shard 1 is run again, A hands it back at its next refresh.
    expect(await leases.acquire(shardLeaseName(1, 2), 'proc-b2', 10_000)).toBe(true);
    await a.refresh();
    expect(a.holdsGuild(g1)).toBe(false);
    await a.stop();
    expect((await leases.live('shard:')).map((l) => l.holder)).toEqual(['proc-b2']); // A released its own
  });

  it('a second process claiming the same shard is told so (SHARD_IDS overlap), and still serves it', async () => {
    const leases = new SqliteLeaseStore(openDatabase({ memory: true }));
    await leases.acquire(shardLeaseName(0, 1), 'someone-else', 10_000);
    const warnings: string[] = [];
    const d = new ShardDuty({ leases, holder: 'me', ownShards: [0], shardCount: 1, logger: { ...quiet, warn: (_o, m) => void warnings.push(m ?? '') } });
    await d.start();
    expect(d.holdsGuild(g0)).toBe(true);
    expect(warnings.join('\n')).toMatch(/another process holds this shard.*check SHARD_IDS/);
    await d.stop();
  });
});
