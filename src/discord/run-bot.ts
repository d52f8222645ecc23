import { fileURLToPath } from 'node:url';
import { ShardingManager } from 'discord.js';
import type { CommandModule } from '../../commands/kit/command.ts';
import { sharedDatasetWatcher } from '../data/watch-dataset.ts';
import { createBot, PluginSetupError, type Bot, type BotPlugin } from './bot.ts';
import { loadConfig, loadConfigOrExit, type BotConfig } from './config.ts';
import { createLogger, flushLogger, type Logger } from './logger.ts';
import { defaultPlugins } from './plugins.ts';

/** The script every shard process runs. */
export const SHARD_SCRIPT = fileURLToPath(new URL('./shard-process.ts', import.meta.url));

/**
 * `npm start` with DISCORD_TOKEN set: validates the configuration, then runs one client (SHARD_COUNT 1),
 * or discord.js's ShardingManager with one child process per shard (SHARD_COUNT > 1). SHARD_COUNT is a
 * number on purpose: 'auto' would ask discord.com for the count directly, ignoring DISCORD_API_URL.
 */
export async function runBot(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.logLevel, secrets: [config.token] });
  if (config.shardCount > 1) await runShardingManager(config, logger);
  else await startSingleProcess({ config, logger });
}

export function buildShardingManager(config: BotConfig): ShardingManager {
  return new ShardingManager(SHARD_SCRIPT, {
    token: config.token,
    totalShards: config.shardCount,
    mode: 'process',
    respawn: true,
    // The children run TypeScript like the parent does.
    execArgv: ['--import', 'tsx'],
  });
}

async function runShardingManager(config: BotConfig, logger: Logger): Promise<void> {
  const manager = buildShardingManager(config);
  manager.on('shardCreate', (shard) => {
    logger.info({ shardId: shard.id, totalShards: config.shardCount }, 'shard process started');
    shard.on('death', () => logger.warn({ shardId: shard.id }, 'shard process exited'));
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    manager.respawn = false;
    logger.info({ signal }, 'stopping shard processes');
    // Each child gets SIGTERM and destroys its client; wait (up to 10 s) until they have exited.
    const exits: Promise<unknown>[] = [];
    for (const shard of manager.shards.values()) {
      shard.removeAllListeners('death');
      const child = shard.process;
      if (child && child.exitCode === null) exits.push(new Promise((r) => child.once('exit', r)));
      shard.kill();
    }
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 10_000).unref())]);
    logger.info('stopped');
    await flushLogger(logger);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await manager.spawn({ amount: config.shardCount, timeout: 60_000 });
}

/** Loads the real command registry (kept dynamic so tests can run the runtime without it). */
async function realCommands(): Promise<CommandModule[]> {
  return (await import('../../commands/index.ts')).commands;
}

/**
 * One client in this process: the whole bot when unsharded, or one ShardingManager child. Installs
 * SIGINT/SIGTERM handlers that destroy the client before exiting.
 */
export async function startSingleProcess(opts: { config?: BotConfig; logger?: Logger; plugins?: BotPlugin[]; inShardingManager?: boolean } = {}): Promise<Bot> {
  const config = opts.config ?? loadConfig();
  const logger = opts.logger ?? createLogger({ level: config.logLevel, secrets: [config.token] });
  // Hot reload: edits to data/ are validated and swapped in; an invalid change keeps the last good dataset.
  // One watcher per process, shared with the digest plugin, so a reload reaches both together.
  const data = sharedDatasetWatcher(logger);
  const bot = createBot({
    config,
    logger,
    commands: await realCommands(),
    dataset: data.current,
    plugins: [...(opts.plugins ?? (await defaultPlugins(config))), { name: 'dataset-watcher', onStop: () => data.close() }],
    // Unsharded: exactly shard 0 of 1. In a ShardingManager child discord.js reads SHARDS/SHARD_COUNT itself.
    ...(opts.inShardingManager ? {} : { shards: [0], shardCount: 1 }),
  });
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    // Ctrl-C reaches every process of the group and the ShardingManager then sends SIGTERM: act once.
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    let code = 0;
    try {
      await bot.stop();
    } catch (err) {
      logger.error({ err }, 'clean shutdown failed');
      code = 1;
    }
    await flushLogger(logger);
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await bot.start();
  } catch (err) {
    // Say what failed and stop, rather than crash with a stack trace: a plugin's set-up (before login, e.g.
    // an unwritable DATA_DIR for the digest's database), or the login itself (e.g. a wrong token: 401).
    if (err instanceof PluginSetupError) logger.fatal({ err: err.cause, plugin: err.plugin }, `could not set up the ${err.plugin} plugin`);
    else logger.fatal({ err }, 'could not log in to Discord');
    await bot.stop().catch(() => undefined);
    await flushLogger(logger);
    process.exit(1);
  }
  return bot;
}
