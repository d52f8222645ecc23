/**
 * The one place the app is wired, in the order data flows: configuration → dataset → commands →
 * services (the digest) → transport (Discord, one process or one per shard; or the offline console).
 * Entry points (src/main.ts, src/discord/shard-process.ts) call the functions here and nothing else.
 */
import { existsSync } from 'node:fs';
import { commandByName, commands } from '../commands/index.ts';
import type { CommandContext } from '../commands/kit/command.ts';
import { loadAppConfigOrExit, ownShardIds, type AppConfig, type BotConfig } from './config.ts';
import type { Dataset } from './core/dataset.ts';
import { DatasetError } from './core/dataset-issue.ts';
import { DEFAULT_DATA_DIR, loadDataset } from './data/load-dataset.ts';
import { watchDataset, type DatasetWatcher } from './data/watch-dataset.ts';
import { runAsk } from './cli/ask.ts';
import { runConsole } from './cli/console.ts';
import { createConsoleServices } from './digest/console-services.ts';
import { closeStoreBackend, openStoreBackend, pingStoreBackend, type StoreBackend } from './storage/backend.ts';
import { SchemaTooNewError } from './storage/db.ts';
import { StoreError } from './storage/postgres.ts';
import { reviewStoreOn } from './review/open-review-store.ts';
import type { Bot } from './discord/bot.ts';
import type { Logger } from './discord/logger.ts';

/**
 * The Discord side (discord.js, pino, the digest's scheduler), loaded only when the bot runs: the console
 * and `ask` answer without it, and start faster.
 */
async function discordSide() {
  const [
    bot,
    logger,
    sharding,
    deploy,
    digest,
    alerts,
    review,
    crash,
    startup,
    metrics,
    ops,
    instrument,
    cluster,
    restLimit,
    feedStore,
    publishLoop,
    living,
    feedConfig,
  ] = await Promise.all([
    import('./discord/bot.ts'),
    import('./discord/logger.ts'),
    import('./discord/sharding.ts'),
    import('./discord/deploy-commands.ts'),
    import('./digest/discord-plugin.ts'),
    import('./alerts/discord-plugin.ts'),
    import('./review/discord-plugin.ts'),
    import('./crash-guard.ts'),
    import('./discord/startup-report.ts'),
    import('./ops/metrics.ts'),
    import('./ops/ops-plugin.ts'),
    import('./ops/instrument-commands.ts'),
    import('./cluster/index.ts'),
    import('./discord/rest-rate-limit.ts'),
    import('./feeds/open-feed-store.ts'),
    import('./review/publish-plugin.ts'),
    import('./data/living-dataset.ts'),
    import('./feeds/feed-config.ts'),
  ]);
  return {
    ...bot,
    ...logger,
    ...sharding,
    ...deploy,
    ...digest,
    ...alerts,
    ...review,
    ...crash,
    ...startup,
    ...metrics,
    ...ops,
    ...instrument,
    ...cluster,
    ...restLimit,
    ...feedStore,
    ...publishLoop,
    ...living,
    ...feedConfig,
  };
}

type OnlineConfig = AppConfig & { discord: BotConfig };

/** Reads .env (if any) under the real environment, then every setting. */
function configure(): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return loadAppConfigOrExit(process.env);
}

function requireDiscord(config: AppConfig): OnlineConfig {
  if (!config.discord) {
    console.error('Invalid configuration:\n  - DISCORD_TOKEN is required (the bot token from the Developer Portal)\nSee .env.example for every variable.');
    process.exit(2);
  }
  return config as OnlineConfig;
}

async function loggerFor(config: OnlineConfig): Promise<Logger> {
  const { createLogger } = await import('./discord/logger.ts');
  const logger = createLogger({ level: config.discord.logLevel, secrets: [config.discord.token] });
  for (const w of config.warnings) logger.warn(w);
  return logger;
}

// ------------------------------------------------------------------------------ offline: console, ask

/** The context the console and `ask` give handlers: the dataset, a clock (fixed with --now), an in-memory digest store. */
export function createCliContext(opts: { now?: Date; datasetDir?: string; snapshots?: boolean } = {}): CommandContext {
  const dataset = loadDataset(opts.datasetDir ?? DEFAULT_DATA_DIR, { snapshot: opts.snapshots ?? true });
  const fixed = opts.now;
  return {
    dataset: () => dataset,
    now: () => fixed ?? new Date(),
    invocation: { guildId: null, channelId: null, userId: null },
    // A permission check that accepts any channel: nothing is posted from here.
    services: createConsoleServices(),
  };
}

const cliContextFor = (config: AppConfig) => (now?: Date) =>
  createCliContext({ ...(now ? { now } : {}), ...(config.datasetDir ? { datasetDir: config.datasetDir } : {}), snapshots: config.snapshots });

function warnOffline(config: AppConfig): void {
  for (const w of config.warnings) process.stderr.write(`warning: ${w}\n`);
}

// ------------------------------------------------------------------------------ Discord

/** One bot client in this process: the whole bot, this machine's one shard, or one ShardingManager child. */
async function startBotProcess(config: OnlineConfig, logger: Logger, inShardingManager: boolean): Promise<Bot> {
  const {
    createBot,
    createDigestPlugin,
    createAlertsPlugin,
    createReviewPlugin,
    flushLogger,
    installCrashGuard,
    PluginSetupError,
    createStartupReportPlugin,
    DIGEST_PERMISSIONS,
    createBotMetrics,
    createOpsPlugin,
    instrumentCommands,
    coordinationOn,
    createClusterPlugin,
    globallyLimitedRequests,
    createPublishLoopPlugin,
    livingDataset,
    readFeedsFile,
    FeedsFileError,
    ALERTED_UNTIL_KEY,
  } = await discordSide();
  // The bot's state, opened first (a database that cannot be reached stops the start at once), once for
  // every service: PostgreSQL with DATABASE_URL (shared by every process and machine), else SQLite in the
  // state folder (shared by this machine's processes).
  let backend: StoreBackend;
  try {
    backend = await openStoreBackend({ databaseUrl: config.databaseUrl, stateDir: config.stateDir });
  } catch (err) {
    // DATABASE_URL unreachable, or a database migrated by a newer release: a configuration to fix (exit 2).
    // Anything else (an unwritable STATE_DIR): named, before any login (exit 1).
    const refused = err instanceof StoreError || err instanceof SchemaTooNewError;
    if (refused) logger.fatal(err.message);
    else logger.fatal({ err, stateDir: config.stateDir }, 'could not open the state database');
    await flushLogger(logger);
    process.exit(refused ? 2 : 1);
  }
  const stateBackend = backend;
  // Hot reload: edits to the data are validated and swapped in; an invalid change keeps the last good
  // dataset. One watcher per process, shared by the handlers and the digest, so a reload reaches both.
  let data: DatasetWatcher;
  try {
    data = watchDataset(config.datasetDir ?? DEFAULT_DATA_DIR, { logger, loadOptions: { snapshot: config.snapshots } });
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err;
    logger.fatal(
      { problems: err.issues.length, first: err.message.split('\n').slice(1, 6) },
      'the dataset is invalid; run `npm run data:check` for every problem',
    );
    await flushLogger(logger);
    process.exit(1);
  }
  // The feeds file is validated at boot (a bad entry stops the bot, naming it), then read at each pass.
  try {
    readFeedsFile(config.feedsFile);
  } catch (err) {
    if (!(err instanceof FeedsFileError)) throw err;
    logger.fatal({ feedsFile: config.feedsFile }, err.message);
    await flushLogger(logger);
    process.exit(2);
  }
  // What the commands, the digest and alerts see: data/ and the records reviewers published, swapped in
  // at each publication without a restart (the publish-loop plugin's review store, once it is open).
  const living = livingDataset({
    base: data,
    logger,
    published: () => publishLoop.reviews()?.published() ?? null,
    reportedUntil: async () => Number((await digest.store()?.getMeta(ALERTED_UNTIL_KEY)) ?? 0),
  });
  const dataset: () => Dataset = living.current;
  // Metrics are counted only when something serves them (HTTP_PORT).
  const metrics = config.httpPort !== null ? createBotMetrics() : null;
  // Coordination with the bot's other processes: leases (shards, one-at-a-time jobs) and the shared REST
  // rate bucket, in the same database.
  const coordination = coordinationOn(stateBackend);
  let backendOpen = true;
  const cluster = createClusterPlugin({
    coordination,
    logger: logger.child({ component: 'cluster' }),
    jobs: [
      // The news feeds in FEEDS_FILE, polled by one process at a time; each new article drafted for review.
      {
        name: 'feed-poll',
        everyMs: 60_000,
        run: async () => {
          for (const { outcome } of await publishLoop.pollOnce()) metrics?.feedPolls.inc({ outcome });
        },
      },
    ],
    // Last to stop: closes the state database after every service has finished with it.
    close: async () => {
      backendOpen = false;
      await closeStoreBackend(stateBackend);
    },
  });
  // The daily digest: /digest's storage and permission check, and the scheduler that posts for guilds on
  // this process's shards, and on shards whose process died (the cluster's shard leases).
  const digest = createDigestPlugin({
    dataset,
    backend: stateBackend,
    runner: { holdsGuild: cluster.holdsGuild, ...(metrics ? { onOutcome: (outcome) => metrics.digests.inc({ outcome }) } : {}) },
  });
  const alerts = createAlertsPlugin({
    digest,
    dataset,
    ...(config.discord.alertsPerHour ? { maxPerHour: config.discord.alertsPerHour } : {}),
    ...(metrics
      ? {
          onPass: (counts) => {
            for (const [outcome, n] of Object.entries(counts)) if (n > 0) metrics.alerts.inc({ outcome }, n);
          },
        }
      : {}),
  });
  // The review queue, on the state backend: SQLite in the state folder, or PostgreSQL (DATABASE_URL) shared
  // by every process; a draft is decided once either way.
  const reviewStore = reviewStoreOn(stateBackend);
  // Queue sizes, read from the store at each scrape of /metrics.
  metrics?.watchQueue('review_pending', async () => (await reviewStore.pending()).length);
  metrics?.watchQueue('alerts_due', async () => (await alerts.store()?.due(Date.now()))?.length ?? 0);
  // The review channel (REVIEW_CHANNEL_ID and REVIEWER_ROLE_ID): drafts posted with Approve / Edit / Reject;
  // its store is on the state backend.
  const review = config.discord.review
    ? createReviewPlugin({
        store: reviewStore,
        dataset,
        channelId: config.discord.review.channelId,
        reviewerRoleId: config.discord.review.reviewerRoleId,
      })
    : null;
  // Feeds → drafts → review → published: after the digest (its database) and alerts (told of each publication).
  // New drafts are posted to the review channel at once; an approval there is swapped in at once. The
  // cluster's 'feed-poll' job runs its passes (one process at a time).
  const publishLoop = createPublishLoopPlugin({
    digest,
    alerts,
    living,
    feeds: () => readFeedsFile(config.feedsFile),
    pollCron: null,
    ...(review ? { onDrafted: () => review.onDraftsQueued() } : {}),
  });
  review?.onPublished(async () => void (await publishLoop.published()));
  const bot = createBot({
    config: config.discord,
    logger,
    // The bot token's global limit (50 requests/s) holds across every process: each request that counts
    // toward it takes a token from the shared bucket first (the digest's REST manager copies these options).
    clientOptions: {
      rest: { makeRequest: globallyLimitedRequests((signal) => (backendOpen ? coordination.globalRest.take(signal) : Promise.resolve())) },
    },
    commands: metrics ? instrumentCommands(commands, metrics) : commands,
    dataset,
    plugins: [
      digest,
      // Alerts: /alerts, and a runner posting newly published incidents; after the digest, whose database,
      // REST manager and invalid-request count it shares.
      alerts,
      ...(review ? [review] : []),
      publishLoop,
      { name: 'dataset-watcher', onStop: () => data.close() },
      // The invite link at ready, and a warning when the registered commands differ from these.
      createStartupReportPlugin({ permissions: [...DIGEST_PERMISSIONS], definitions: commands.map((c) => c.definition as unknown as Record<string, unknown>) }),
      ...(metrics && config.httpPort !== null
        ? [
            createOpsPlugin({
              port: config.httpPort,
              metrics,
              stores: [{ name: 'state database', check: () => pingStoreBackend(digest.backend()) }],
            }),
          ]
        : []),
      // Last: it stops after the others (their last requests still take tokens), releasing its leases.
      cluster,
    ],
    // This machine's one shard (shard 0 of 1 when unsharded). In a ShardingManager child discord.js reads
    // SHARDS/SHARD_COUNT itself.
    ...(inShardingManager ? {} : { shards: ownShardIds(config.discord), shardCount: config.discord.shardCount }),
  });
  installCrashGuard({ logger, activity: () => bot.activity() });
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
    // an unwritable STATE_DIR for the digest's database), or the login itself (e.g. a wrong token: 401).
    if (err instanceof PluginSetupError) logger.fatal({ err: err.cause, plugin: err.plugin }, `could not set up the ${err.plugin} plugin`);
    else logger.fatal({ err }, 'could not log in to Discord');
    await bot.stop().catch(() => undefined);
    await flushLogger(logger);
    process.exit(1);
  }
  return bot;
}

/** Several shards on this machine: discord.js's ShardingManager, one child process per shard, respawned with backoff. */
async function runShardingManager(config: OnlineConfig, logger: Logger): Promise<void> {
  const { buildShardingManager, flushLogger, installCrashGuard, respawnWithBackoff } = await discordSide();
  const manager = buildShardingManager(config.discord);
  const shardCount = config.discord.shardCount;
  manager.on('shardCreate', (shard) => {
    logger.info({ shardId: shard.id, totalShards: shardCount, shardIds: manager.shardList }, 'shard process started');
    shard.on('death', () => logger.warn({ shardId: shard.id }, 'shard process exited'));
  });
  respawnWithBackoff(manager, { logger });
  installCrashGuard({
    logger,
    activity: () => ({ role: 'sharding manager', shards: manager.shards.map((s) => ({ id: s.id, ready: s.ready, pid: s.process?.pid ?? null })) }),
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
      if (child) shard.kill();
    }
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 10_000).unref())]);
    logger.info('stopped');
    await flushLogger(logger);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await manager.spawn({ amount: shardCount, timeout: 60_000 });
}

// ------------------------------------------------------------------------------ entry points

/** `npm start`: the bot on Discord with DISCORD_TOKEN set; without it, the offline console. */
export async function start(): Promise<void> {
  const config = configure();
  if (!config.discord) {
    warnOffline(config);
    await runConsole({ context: () => cliContextFor(config)(), commands: commandByName, stateDir: config.stateDir });
    return;
  }
  const online = config as OnlineConfig;
  const logger = await loggerFor(online);
  // SHARD_IDS splits the shards between machines: each runs only its own.
  if (ownShardIds(online.discord).length > 1) await runShardingManager(online, logger);
  else await startBotProcess(online, logger, false);
}

/** A ShardingManager child: one client for the shard ids discord.js passes in SHARDS/SHARD_COUNT. */
export async function startShardProcess(): Promise<void> {
  const config = requireDiscord(loadAppConfigOrExit(process.env));
  await startBotProcess(config, await loggerFor(config), true);
}

/** `npm run ask -- "/attacks syria"`: one command, one answer. */
export async function ask(argv: string[]): Promise<void> {
  const config = configure();
  warnOffline(config);
  await runAsk(argv, { context: cliContextFor(config), commands: commandByName });
}

/**
 * `npm run deploy-commands`: registers the slash command definitions with Discord, to one server when
 * DISCORD_GUILD_ID is set (instant, for development) or globally.
 */
export async function deploy(): Promise<void> {
  const config = requireDiscord(configure());
  const { deployCommands, describeDeploy } = await discordSide();
  try {
    console.log(describeDeploy(await deployCommands(config.discord, commands)));
  } catch (e) {
    const err = e as { status?: number; code?: number; message?: string };
    console.error(
      `Could not register the commands: ${err.message ?? String(e)}${err.status ? ` (HTTP ${err.status}${err.code ? `, Discord code ${err.code}` : ''})` : ''}`,
    );
    process.exit(1);
  }
}
