import { PermissionFlagsBits, type Client, type REST, type ResponseLike } from 'discord.js';
import type { Dataset } from '../core/dataset.ts';
import type { Bot, BotPlugin } from '../discord/bot.ts';
import { checkChannel, isForumChannel, ownsGuild } from '../discord/channels.ts';
import type { Db } from '../storage/db.ts';
import { closeStoreBackend, openStoreBackend, type StoreBackend } from '../storage/backend.ts';
import { InvalidRequestCounter, type InvalidRequestOptions } from './invalid-requests.ts';
import { systemMonotonicClock, type MonotonicClock } from './monotonic.ts';
import { DigestRunner, type DigestRunnerOptions } from './runner.ts';
import { createDigestRest, restSender } from './sender.ts';
import type { ChannelCheckResult } from '../../commands/kit/services.ts';
import { digestStoreOn } from './open-store.ts';
import type { DigestStore } from './store.ts';

/** The digest posts embeds without files: it needs no Attach Files. */
export const DIGEST_PERMISSIONS = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks] as const;

/** /digest set's check (src/discord/channels.ts): a text channel of this server where the bot may view, send and embed. */
export async function discordChannelCheck(client: Client, guildId: string, channelId: string): Promise<ChannelCheckResult> {
  const r = await checkChannel(client, channelId, { guildId, permissions: DIGEST_PERMISSIONS });
  return r.ok ? { ok: true } : { ok: false, problem: r.detail };
}

/**
 * Discord's global limit (50 requests per second) is per bot, not per process: with the shards spread
 * over several processes (ShardingManager), each process paces at its share.
 */
export function shareOfGlobalLimit(client: Client): { limit: number; windowMs: number; minIntervalMs: number } {
  const own = Array.isArray(client.options.shards) ? client.options.shards.length : 1;
  const total = client.options.shardCount ?? 1;
  const processes = Math.max(1, Math.ceil(total / Math.max(1, own)));
  return { limit: Math.max(1, Math.floor(50 / processes)), windowMs: 1050, minIntervalMs: (1000 / 48) * processes };
}

export interface DigestPluginOptions {
  /** The dataset getter the handlers use too (the process's hot-reloading dataset), so a reload reaches both. */
  dataset: () => Dataset;
  /**
   * Where the state is: an open backend (src/app.ts opens it once: SQLite, or PostgreSQL with DATABASE_URL),
   * an open SQLite database (tests, benchmarks), or the state folder to open SQLite in (with migrations).
   * The plugin closes only what it opened itself.
   */
  backend?: StoreBackend;
  db?: Db;
  stateDir?: string;
  clock?: () => Date;
  /** Elapsed time (the nonce window, the invalid-request window); default: the system's monotonic clock. */
  monotonic?: MonotonicClock;
  /** node-cron expression for ticks; null: no timer (tests call runner().tick()). */
  cron?: string | null;
  runner?: Partial<Omit<DigestRunnerOptions, 'store' | 'dataset' | 'sender' | 'invalidRequests' | 'monotonic'>>;
  /** Thresholds of the invalid-request count (default: warn at 1,000, pause at 5,000 in 10 minutes). */
  invalidRequests?: Partial<Pick<InvalidRequestOptions, 'windowMs' | 'warnAt' | 'pauseAt'>>;
}

export interface DigestPlugin extends BotPlugin {
  /** The runner, once the client is ready (tests drive it directly). */
  runner(): DigestRunner | null;
  store(): DigestStore | null;
  /** The bot's invalid requests (401/403/429) in the last 10 minutes, once the client is ready. */
  invalidRequests(): InvalidRequestCounter | null;
  /** The digest's REST manager (rate-limit waits bounded by each send's deadline), once the client is ready: alerts send through it too. */
  rest(): REST | null;
  /** The backend the digest uses (alerts keep their tables in it too). */
  backend(): StoreBackend | null;
}

/**
 * The daily digest inside the Discord runtime: `/digest` services for the handlers, and once the client
 * is ready, a scheduler that sends through a REST manager of its own (short 429s waited out, long ones
 * thrown so a send keeps its deadline) and only for guilds on this process's shards. Stopping gives sends
 * under way a grace period to finish and be recorded, then leaves them to a later tick.
 */
export function createDigestPlugin(opts: DigestPluginOptions): DigestPlugin {
  let backend: StoreBackend | null = null;
  let store: DigestStore | null = null;
  let runner: DigestRunner | null = null;
  const dataset = opts.dataset;
  let invalid: InvalidRequestCounter | null = null;
  let digestRest: REST | null = null;
  return {
    name: 'digest',
    runner: () => runner,
    store: () => store,
    invalidRequests: () => invalid,
    rest: () => digestRest,
    backend: () => backend,
    async services(bot: Bot) {
      if (!opts.backend && !opts.db && !opts.stateDir) throw new Error('the digest needs a database or a state folder');
      backend = opts.backend ?? (opts.db ? { kind: 'sqlite', db: opts.db } : await openStoreBackend({ databaseUrl: null, stateDir: opts.stateDir! }));
      store = digestStoreOn(backend);
      return { digest: { store, checkChannel: (g: string, c: string) => discordChannelCheck(bot.client, g, c) } };
    },
    onReady(client: Client<true>, bot: Bot) {
      if (runner || !store) return; // a reconnect: already running
      const logger = bot.logger.child({ component: 'digest' });
      const monotonic = opts.monotonic ?? systemMonotonicClock();
      // Every answer to the bot, its own requests and the digest's (Discord counts them per token).
      invalid = new InvalidRequestCounter({
        now: monotonic.now,
        ...opts.invalidRequests,
        onWarn: (count) =>
          logger.warn({ count }, 'many invalid requests to Discord (401/403/429) in the last 10 minutes; at 10,000 Discord bans the token for a while'),
        onPause: (count) =>
          logger.error({ count }, 'digests paused: too many invalid requests to Discord in the last 10 minutes; they resume once the window has cleared'),
        onResume: (count) => logger.info({ count }, 'invalid requests back under the warning level: digests resume'),
      });
      const count = (_req: unknown, res: ResponseLike) => invalid?.record(res.status, res.headers.get('x-ratelimit-scope'));
      client.rest.on('response', count);
      // Its own REST manager: a rate-limit wait longer than a send may take is thrown, not waited out.
      digestRest = createDigestRest(client.rest.options, client.token);
      digestRest.on('response', count);
      runner = new DigestRunner({
        rateLimit: shareOfGlobalLimit(client),
        store,
        dataset,
        sender: restSender(digestRest, client.user.id, { isForum: (id) => isForumChannel(client, id) }),
        holdsGuild: (g) => ownsGuild(client, g),
        logger,
        monotonic,
        invalidRequests: invalid,
        ...(opts.clock ? { clock: opts.clock } : {}),
        ...opts.runner,
      });
      if (opts.cron !== null) runner.start(opts.cron ?? '* * * * *');
      else void runner.recordDataset().catch((err: unknown) => logger.error({ err }, 'could not record the first-seen incidents'));
    },
    async onStop() {
      await runner?.stop();
      digestRest?.clearHashSweeper();
      digestRest?.clearHandlerSweeper();
      if (!opts.db && !opts.backend && backend) await closeStoreBackend(backend);
    },
  };
}
