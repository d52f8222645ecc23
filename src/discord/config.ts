import { z } from 'zod';

/**
 * The bot's configuration, read from the environment (and .env, which `npm start` loads) and validated at
 * start-up, so a missing or malformed variable stops the bot with a message that names it.
 */
const snowflake = (what: string, required = '') =>
  z.string({ error: `is required (${required})` }).regex(/^\d{17,20}$/, `must be a Discord ${what} id (17-20 digits)`);

/** Empty strings (`DISCORD_GUILD_ID=` in .env) mean "not set". */
const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const EnvSchema = z.object({
  DISCORD_TOKEN: z.preprocess(unsetIfEmpty, z.string({ error: 'is required (the bot token from the Developer Portal)' }).min(1)),
  DISCORD_APPLICATION_ID: z.preprocess(unsetIfEmpty, snowflake('application', 'the application id from the Developer Portal')),
  DISCORD_GUILD_ID: z.preprocess(unsetIfEmpty, snowflake('server (guild)').optional()),
  DISCORD_API_URL: z.preprocess(
    unsetIfEmpty,
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:3000/api' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  ),
  SHARD_COUNT: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a whole number of shards, 1 or more' }).int('must be a whole number of shards, 1 or more').min(1, 'must be 1 or more').max(1024).default(1)),
  ALERTS_PER_HOUR: z.preprocess(unsetIfEmpty, z.coerce.number({ error: 'must be a whole number of alerts, 1 or more' }).int('must be a whole number of alerts, 1 or more').min(1, 'must be 1 or more').max(1000).optional()),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
});

export interface BotConfig {
  token: string;
  applicationId: string;
  /** Register commands to this server only (instant updates while developing). */
  guildId?: string;
  /** REST base of a Discord-compatible server (discord.js `rest.api`), e.g. http://127.0.0.1:3000/api. */
  apiUrl?: string;
  /** Shards in total; more than 1 runs discord.js's ShardingManager. */
  shardCount: number;
  /** At most this many alerts a channel in any hour (default 10); the rest wait their turn. */
  alertsPerHour?: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws ConfigError naming every bad or missing variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): BotConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`));
  }
  const e = parsed.data;
  return {
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    ...(e.DISCORD_GUILD_ID ? { guildId: e.DISCORD_GUILD_ID } : {}),
    ...(e.DISCORD_API_URL ? { apiUrl: e.DISCORD_API_URL } : {}),
    shardCount: e.SHARD_COUNT,
    ...(e.ALERTS_PER_HOUR !== undefined ? { alertsPerHour: e.ALERTS_PER_HOUR } : {}),
    logLevel: e.LOG_LEVEL,
  };
}

/** For entry points: the configuration, or the message naming what is wrong and exit code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): BotConfig {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
