import type { LeaseStore } from '../storage/lease.ts';
import type { JobLogger } from './leased-job.ts';

/** The shard Discord routes a guild to: (guild_id >> 22) % shard_count. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export const shardLeaseName = (shard: number, shardCount: number) => `shard:${shard}/${shardCount}`;

export interface ShardDutyOptions {
  leases: LeaseStore;
  holder: string;
  /** The shards this process runs (its gateway connections). */
  ownShards: readonly number[];
  shardCount: number;
  /** A shard's lease outlives its holder's last renewal by this much (default 15 s); renewed every third of it. */
  ttlMs?: number;
  logger: JobLogger;
}

/**
 * Which guilds this process does scheduled work for (the digest): those of its own shards, and those of
 * any shard no live process runs. Each process keeps a lease per shard it runs, renewed while it lives; a
 * process that dies stops renewing, and once its leases expire the others take over its shards' guilds
 * until it (or another process) runs those shards again. Two processes may then both try a guild's
 * digest for a moment; the delivery claim in the shared database lets only one send it.
 */
export class ShardDuty {
  private readonly ttlMs: number;
  private readonly own: ReadonlySet<number>;
  /** Shards no live process holds, as of the last refresh; empty until the first one. */
  private orphans = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly warned = new Set<number>();
  private refreshing: Promise<void> | null = null;
  private startedAt = 0;

  constructor(private readonly o: ShardDutyOptions) {
    this.ttlMs = o.ttlMs ?? 15_000;
    this.own = new Set(o.ownShards);
  }

  /** Takes its shards' leases now and keeps them renewed. Resolves after the first refresh. */
  async start(): Promise<void> {
    if (this.timer || this.stopped) return;
    this.startedAt = performance.now();
    this.timer = setInterval(() => void this.refresh(), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
    await this.refresh();
  }

  /** Whether this process should do the guild's scheduled work now. */
  holdsGuild = (guildId: string): boolean => {
    const shard = shardOfGuild(guildId, this.o.shardCount);
    return this.own.has(shard) || this.orphans.has(shard);
  };

  /** Other processes' shards this process covers now (their holders died). */
  coveredShards(): number[] {
    return [...this.orphans].sort((a, b) => a - b);
  }

  /** Renews this process's shard leases and reads which shards have no live holder. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const { leases, holder, shardCount, logger } = this.o;
    try {
      for (const shard of this.own) {
        if (this.stopped) return;
        const held = await leases.acquire(shardLeaseName(shard, shardCount), holder, this.ttlMs);
        if (!held && !this.warned.has(shard)) {
          this.warned.add(shard);
          logger.warn(
            { shard, shardCount },
            'another process holds this shard: an earlier run of this machine that has not expired yet, or another machine with the same SHARD_IDS (check SHARD_IDS)',
          );
        } else if (held) this.warned.delete(shard);
      }
      const live = new Set((await leases.live('shard:')).map((l) => l.name));
      const orphans = new Set<number>();
      // Not in the first ttl after this process started: the other processes (a ShardingManager's children
      // start one after another, machines restart together) get that long to take their shards.
      if (performance.now() - this.startedAt >= this.ttlMs)
        for (let shard = 0; shard < shardCount; shard++) if (!this.own.has(shard) && !live.has(shardLeaseName(shard, shardCount))) orphans.add(shard);
      const gained = [...orphans].filter((s) => !this.orphans.has(s));
      const returned = [...this.orphans].filter((s) => !orphans.has(s));
      if (gained.length) logger.warn({ shards: gained, shardCount }, "no live process runs these shards: this one does their guilds' scheduled work meanwhile");
      if (returned.length) logger.info({ shards: returned, shardCount }, 'these shards are run by a live process again: handed back');
      if (!this.stopped) this.orphans = orphans;
    } catch (err) {
      // The database did not answer: cover no other shard (own shards are still served; the claims decide).
      this.orphans = new Set();
      logger.warn({ err }, 'could not renew the shard leases; covering no other shard until the database answers');
    }
  }

  /** Stops renewing and gives this process's shard leases up, so the others take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    this.orphans = new Set();
    for (const shard of this.own) await this.o.leases.release(shardLeaseName(shard, this.o.shardCount), this.o.holder).catch(() => undefined);
  }
}
