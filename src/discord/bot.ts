import { Client, Events, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { CommandModule } from '../../commands/kit/command.ts';
import type { Services } from '../../commands/kit/services.ts';
import type { Dataset } from '../core/dataset.ts';
import { loadDataset } from '../data/load-dataset.ts';
import type { BotConfig } from '../config.ts';
import { createLogger, type Logger } from './logger.ts';
import { createInteractionRouter, type ComponentHandler } from './router.ts';

/**
 * Something that runs beside the command handlers in the bot process (the daily digest, for instance):
 * it may contribute services to the handlers' context and is told when the client is ready and when the
 * bot stops. The app (src/app.ts) passes them in.
 */
export interface BotPlugin {
  name: string;
  /** Services added to every handler's `ctx.services`, under their keys. Called once, before login. */
  services?(bot: Bot): Services | Promise<Services>;
  /** Once the client is ready (once per login; gateway resumes do not repeat it), in every shard process. */
  onReady?(client: Client<true>, bot: Bot): void | Promise<void>;
  /** Before the client is destroyed. */
  onStop?(bot: Bot): void | Promise<void>;
  /** Buttons and modals the plugin answers itself (custom ids starting with its prefix), e.g. the review channel's. */
  components?: ComponentHandler;
}

/** A plugin's services() failed before login (e.g. the digest cannot open its database in STATE_DIR). */
export class PluginSetupError extends Error {
  readonly plugin: string;
  override readonly cause: unknown;
  constructor(plugin: string, cause: unknown) {
    super(`plugin "${plugin}" could not be set up: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PluginSetupError';
    this.plugin = plugin;
    this.cause = cause;
  }
}

export interface BotOptions {
  config: BotConfig;
  commands: readonly CommandModule[];
  /** Services for the handlers (ctx.services), beside those the plugins contribute. */
  services?: Services;
  plugins?: readonly BotPlugin[];
  /** The dataset getter; defaults to loading data/ once. */
  dataset?: () => Dataset;
  now?: () => Date;
  logger?: Logger;
  /**
   * The shards this client runs and the total. Leave out for one process with one shard, or in a
   * ShardingManager child (discord.js then reads SHARDS/SHARD_COUNT from the environment it sets).
   */
  shards?: number[];
  shardCount?: number;
  /** See RouterOptions.autoDeferMs (default 2000). */
  autoDeferMs?: number;
  /** Extra discord.js client options (tests: timeouts). */
  clientOptions?: Partial<ClientOptions>;
}

export interface Bot {
  readonly client: Client;
  readonly logger: Logger;
  readonly config: BotConfig;
  /** The services handlers see (options.services and the plugins'); filled by start(). */
  readonly services: Services;
  /** Logs in and resolves once the gateway says READY and every guild has arrived. */
  start(): Promise<Client<true>>;
  /** Resolves when the client is first ready (whether start() has been called yet or not). */
  ready(): Promise<Client<true>>;
  /** Calls `listener` when the client becomes ready, or right away if it is ready already. */
  onReady(listener: (client: Client<true>) => void | Promise<void>): void;
  /** Destroys the client (closes the gateway, cancels REST); idempotent. */
  stop(): Promise<void>;
  /** What the bot is doing now, for the crash log: its phase and the gateway event it last received. */
  activity(): BotActivity;
}

export interface BotActivity {
  phase: 'created' | 'starting' | 'logging in' | 'ready' | 'stopping' | 'stopped';
  /**
   * The last few gateway dispatches, oldest first: type, shard and arrival. discord.js handles each right
   * after it arrives, and a failure in its handlers surfaces a moment later, so the culprit is among them.
   */
  recentDispatches: { event: string; shardId: number; at: string }[];
}

/** Only the Guilds intent: slash commands need no privileged intents and no message content. */
export const INTENTS = [GatewayIntentBits.Guilds];

export function clientOptionsFor(
  config: BotConfig,
  extra: Partial<ClientOptions> = {},
  sharding: { shards?: number[]; shardCount?: number } = {},
): ClientOptions {
  return {
    intents: INTENTS,
    // Nothing the bot sends can ping anyone, even a message built outside the reply helpers.
    allowedMentions: { parse: [] },
    ...(sharding.shards ? { shards: sharding.shards } : {}),
    ...(sharding.shardCount ? { shardCount: sharding.shardCount } : {}),
    ...extra,
    rest: {
      ...(config.apiUrl ? { api: config.apiUrl } : {}),
      ...extra.rest,
    },
  };
}

export function createBot(options: BotOptions): Bot {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel, secrets: [config.token] });
  const client = new Client(clientOptionsFor(config, options.clientOptions, { shards: options.shards, shardCount: options.shardCount }));
  const plugins = options.plugins ?? [];
  const services: Services = { ...options.services };
  let dataset: Dataset | null = null;
  const getDataset = options.dataset ?? (() => (dataset ??= loadDataset()));
  const readyListeners: ((c: Client<true>) => void | Promise<void>)[] = [];
  let resolveReady!: (c: Client<true>) => void;
  const readyPromise = new Promise<Client<true>>((r) => (resolveReady = r));
  let started = false;
  let stopped = false;
  const activity: BotActivity = { phase: 'created', recentDispatches: [] };

  const router = createInteractionRouter({
    commands: options.commands,
    context: { dataset: getDataset, now: options.now ?? (() => new Date()), services },
    logger,
    components: plugins.flatMap((p) => (p.components ? [p.components] : [])),
    ...(options.autoDeferMs !== undefined ? { autoDeferMs: options.autoDeferMs } : {}),
  });

  client.on(Events.InteractionCreate, (i) => void router(i));
  client.on(Events.Error, (err) => logger.error({ err }, 'client error'));
  client.on(Events.Warn, (msg) => logger.warn({ msg }, 'discord.js warning'));
  client.on(Events.ShardError, (err, shardId) => logger.warn({ err, shardId }, 'gateway connection error'));
  client.on(Events.ShardDisconnect, (ev, shardId) => logger.error({ code: ev.code, shardId }, 'gateway closed for good'));
  client.on(Events.ShardReconnecting, (shardId) => logger.info({ shardId }, 'gateway reconnecting'));
  client.rest.on('rateLimited', (info) =>
    logger.warn({ route: info.route, retryAfter: info.retryAfter, global: info.global, scope: info.scope }, 'rate limited'),
  );
  // Raw comes before discord.js handles the event: if handling it throws, the crash log names the event.
  client.on(Events.Raw, (packet: { t?: string | null }, shardId: number) => {
    if (!packet.t) return;
    activity.recentDispatches.push({ event: packet.t, shardId, at: new Date().toISOString() });
    if (activity.recentDispatches.length > 5) activity.recentDispatches.shift();
  });
  if (logger.isLevelEnabled('trace')) client.on(Events.Debug, (msg) => logger.trace({ msg }, 'discord.js'));

  const bot: Bot = {
    client,
    logger,
    config,
    services,
    async start() {
      if (started) return readyPromise;
      started = true;
      activity.phase = 'starting';
      for (const p of plugins) {
        if (!p.services) continue;
        try {
          Object.assign(services, await p.services(bot));
        } catch (err) {
          throw new PluginSetupError(p.name, err);
        }
      }
      const shards = Array.isArray(client.options.shards) ? client.options.shards : [];
      logger.info(
        { applicationId: config.applicationId, api: config.apiUrl ?? 'https://discord.com/api', shards, shardCount: client.options.shardCount },
        'logging in',
      );
      activity.phase = 'logging in';
      await client.login(config.token);
      return readyPromise;
    },
    ready: () => readyPromise,
    activity: () => structuredClone(activity),
    onReady(listener) {
      readyListeners.push(listener);
      if (client.isReady()) void Promise.resolve(listener(client)).catch((err: unknown) => logger.error({ err }, 'ready listener failed'));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      activity.phase = 'stopping';
      for (const p of plugins) {
        try {
          await p.onStop?.(bot);
        } catch (err) {
          logger.error({ err, plugin: p.name }, 'plugin failed to stop');
        }
      }
      await client.destroy();
      activity.phase = 'stopped';
      logger.info('stopped');
    },
  };

  client.on(Events.ClientReady, (c) => {
    if (activity.phase === 'logging in') activity.phase = 'ready';
    logger.info({ user: c.user.tag, guilds: c.guilds.cache.size, shards: c.ws.shards.map((s) => s.id) }, 'ready');
    resolveReady(c);
    for (const p of plugins)
      if (p.onReady) void Promise.resolve(p.onReady(c, bot)).catch((err: unknown) => logger.error({ err, plugin: p.name }, 'plugin failed on ready'));
    for (const l of readyListeners) void Promise.resolve(l(c)).catch((err: unknown) => logger.error({ err }, 'ready listener failed'));
  });

  return bot;
}
