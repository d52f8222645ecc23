import { PermissionFlagsBits, type Client } from 'discord.js';
import type { Dataset } from '../core/dataset.ts';
import type { Bot, BotPlugin } from '../discord/bot.ts';
import { checkChannel, ownsGuild } from '../discord/channels.ts';
import { openDatabase, type Db } from '../storage/db.ts';
import { DigestRunner, type DigestRunnerOptions } from './runner.ts';
import { restSender } from './sender.ts';
import { digestServices, type ChannelCheckResult } from './services.ts';
import { DigestStore } from './store.ts';

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
  /** An open database (tests, benchmarks), or the state folder to open it in (with migrations). */
  db?: Db;
  stateDir?: string;
  clock?: () => Date;
  /** node-cron expression for ticks; null: no timer (tests call runner().tick()). */
  cron?: string | null;
  runner?: Partial<Omit<DigestRunnerOptions, 'store' | 'dataset' | 'sender'>>;
}

export interface DigestPlugin extends BotPlugin {
  /** The runner, once the client is ready (tests drive it directly). */
  runner(): DigestRunner | null;
  store(): DigestStore | null;
}

/**
 * The daily digest inside the Discord runtime: `/digest` services for the handlers, and once the client
 * is ready, a scheduler that sends through the client's REST manager (which waits out 429s) and only for
 * guilds on this process's shards. Stopping lets sends under way finish and be recorded.
 */
export function createDigestPlugin(opts: DigestPluginOptions): DigestPlugin {
  let db: Db | null = null;
  let store: DigestStore | null = null;
  let runner: DigestRunner | null = null;
  const dataset = opts.dataset;
  return {
    name: 'digest',
    runner: () => runner,
    store: () => store,
    services(bot: Bot) {
      if (!opts.db && !opts.stateDir) throw new Error('the digest needs a database or a state folder');
      db = opts.db ?? openDatabase({ stateDir: opts.stateDir! });
      store = new DigestStore(db);
      return digestServices({ store, checkChannel: (g, c) => discordChannelCheck(bot.client, g, c) });
    },
    onReady(client: Client<true>, bot: Bot) {
      if (runner || !store) return; // a reconnect: already running
      runner = new DigestRunner({
        rateLimit: shareOfGlobalLimit(client),
        store,
        dataset,
        sender: restSender(client.rest),
        holdsGuild: (g) => ownsGuild(client, g),
        logger: bot.logger.child({ component: 'digest' }),
        ...(opts.clock ? { clock: opts.clock } : {}),
        ...opts.runner,
      });
      if (opts.cron !== null) runner.start(opts.cron ?? '* * * * *');
      else runner.recordDataset();
    },
    async onStop() {
      await runner?.stop();
      if (!opts.db) db?.close();
    },
  };
}
