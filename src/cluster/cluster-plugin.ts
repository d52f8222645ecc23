import type { BotPlugin } from '../discord/bot.ts';
import type { Coordination } from './coordination.ts';
import { LeasedJob, type LeasedJobOptions } from './leased-job.ts';
import { ShardDuty } from './shard-duty.ts';

export type JobSpec = Pick<LeasedJobOptions, 'name' | 'everyMs' | 'run' | 'ttlMs'>;

export interface ClusterPlugin extends BotPlugin {
  /** The digest's `holdsGuild`: this process's shards, and those it covers for dead processes. */
  holdsGuild(guildId: string): boolean;
  duty(): ShardDuty | null;
  jobs: LeasedJob[];
}

/**
 * What ties this process to the others running the same bot (on this machine or others, through the
 * shared database): a lease per shard it runs (the others cover those shards' scheduled work when it
 * dies) and jobs that run in one process at a time. Started when the client is ready; stopped last,
 * releasing its leases so the others take over at once. `close` closes the coordination's database.
 */
export function createClusterPlugin(opts: {
  coordination: Coordination;
  jobs: JobSpec[];
  logger: LeasedJobOptions['logger'];
  close?: () => Promise<void> | void;
}): ClusterPlugin {
  const { coordination: c, logger } = opts;
  const jobs = opts.jobs.map((j) => new LeasedJob({ ...j, leases: c.leases, holder: c.holder, logger }));
  let duty: ShardDuty | null = null;
  let started = false;
  return {
    name: 'cluster',
    holdsGuild: (guildId) => duty?.holdsGuild(guildId) ?? false,
    duty: () => duty,
    jobs,
    services(bot) {
      // The client's shards: this machine's one shard, or the one discord.js gave this ShardingManager child.
      const shards = bot.client.options.shards;
      duty = new ShardDuty({
        leases: c.leases,
        holder: c.holder,
        ownShards: Array.isArray(shards) ? shards : [0],
        shardCount: bot.client.options.shardCount ?? 1,
        logger,
      });
      return {};
    },
    async onReady() {
      if (started || !duty) return;
      started = true;
      await duty.start();
      for (const j of jobs) j.start();
    },
    async onStop() {
      await Promise.all(jobs.map((j) => j.stop()));
      await duty?.stop();
      await opts.close?.();
    },
  };
}
