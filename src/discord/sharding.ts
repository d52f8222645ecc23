import { fileURLToPath } from 'node:url';
import { ShardingManager, type Shard } from 'discord.js';
import { ownShardIds, type BotConfig } from '../config.ts';
import type { Logger } from './logger.ts';

/** The script every shard process runs. */
export const SHARD_SCRIPT = fileURLToPath(new URL('./shard-process.ts', import.meta.url));

/**
 * discord.js's ShardingManager with one child process per shard of this machine (SHARD_IDS, default all
 * of SHARD_COUNT). SHARD_COUNT is a number on purpose: 'auto' would ask discord.com for the count
 * directly, ignoring DISCORD_API_URL.
 */
export function buildShardingManager(config: BotConfig, file: string = SHARD_SCRIPT): ShardingManager {
  return new ShardingManager(file, {
    token: config.token,
    totalShards: config.shardCount,
    shardList: ownShardIds(config),
    mode: 'process',
    respawn: true,
    // The children run TypeScript like the parent does.
    execArgv: ['--import', 'tsx'],
  });
}

export interface RespawnBackoffOptions {
  logger: Logger;
  /** The first delay; each death in a row doubles it (default 1 s). */
  baseDelayMs?: number;
  /** The longest delay (default 60 s). */
  maxDelayMs?: number;
  /** A shard that stayed up this long starts again from the first delay (default 60 s). */
  healthyAfterMs?: number;
  now?: () => number;
  /** Runs `fn` after `ms` (default an unref'd setTimeout); tests record the delays. */
  schedule?: (fn: () => void, ms: number) => void;
}

/** discord.js's internal exit handler (private in its typings), which respawns at once when `respawn` is on. */
type ExitHandler = (respawn?: boolean, timeout?: number) => void;

/**
 * Respawns a dead shard process after a growing delay instead of at once: discord.js respawns
 * immediately, so a child that crashes at start-up would restart in a tight loop (and re-identify each
 * time, which Discord rate-limits). `manager.respawn` keeps its meaning: turned off (at shutdown), no
 * shard is respawned, not even one whose delay is running.
 */
export function respawnWithBackoff(manager: ShardingManager, opts: RespawnBackoffOptions): void {
  const base = opts.baseDelayMs ?? 1_000;
  const max = opts.maxDelayMs ?? 60_000;
  const healthyAfter = opts.healthyAfterMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const schedule =
    opts.schedule ??
    ((fn: () => void, ms: number) => {
      setTimeout(fn, ms).unref();
    });
  manager.on('shardCreate', (shard: Shard) => {
    const internals = shard as unknown as { _handleExit: ExitHandler };
    let deathsInARow = 0;
    let spawnedAt = now();
    shard.on('spawn', () => (spawnedAt = now()));
    // Replaced before the first spawn, which binds it as the child's exit listener.
    const handleExit = internals._handleExit.bind(shard);
    internals._handleExit = (respawn = manager.respawn, timeout?: number) => {
      handleExit(false, timeout); // 'death' and discord.js's clean-up, without its immediate respawn
      if (!respawn) return;
      deathsInARow = now() - spawnedAt >= healthyAfter ? 1 : deathsInARow + 1;
      const delayMs = Math.min(max, base * 2 ** (deathsInARow - 1));
      opts.logger.warn({ shardId: shard.id, delayMs, deathsInARow }, 'shard process died; respawning after a delay');
      schedule(() => {
        if (!manager.respawn || shard.process) return;
        shard.spawn(timeout).catch((err: unknown) => opts.logger.error({ err, shardId: shard.id }, 'could not respawn the shard process'));
      }, delayMs);
    };
  });
}
