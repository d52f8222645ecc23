import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting of the app, read from the environment (and .env, which `npm start` loads) and validated
 * once at start-up by one zod schema, so a missing or malformed variable stops the app with a message
 * that names it. Nothing else reads process.env. .env.example documents each variable.
 */
const snowflake = (what: string, required = '') =>
  z.string({ error: `is required (${required})` }).regex(/^\d{17,20}$/, `must be a Discord ${what} id (17-20 digits)`);

/** Empty strings (`DISCORD_GUILD_ID=` in .env) mean "not set". */
const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(unsetIfEmpty, z.string().optional());

/** postgres:// or postgresql:// with a host. */
function isPostgresUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
  } catch {
    return false;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
  SHARD_COUNT: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ error: 'must be a whole number of shards, 1 or more' })
      .int('must be a whole number of shards, 1 or more')
      .min(1, 'must be 1 or more')
      .max(1024)
      .default(1),
  ),
  /** This machine's shards, e.g. `0-3` or `0,2`; unset: all of them (checked against SHARD_COUNT below). */
  SHARD_IDS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .transform((text, ctx) => {
        const ids = parseShardIds(text);
        if (typeof ids === 'string') {
          ctx.addIssue({ code: 'custom', message: ids });
          return z.NEVER;
        }
        return ids;
      })
      .optional(),
  ),
  ALERTS_PER_HOUR: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ error: 'must be a whole number of alerts, 1 or more' })
      .int('must be a whole number of alerts, 1 or more')
      .min(1, 'must be 1 or more')
      .max(1000)
      .optional(),
  ),
  /** The channel where drafts wait for review, and the role whose members may decide them: both or neither. */
  REVIEW_CHANNEL_ID: z.preprocess(unsetIfEmpty, snowflake('channel').optional()),
  REVIEWER_ROLE_ID: z.preprocess(unsetIfEmpty, snowflake('role').optional()),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(LOG_LEVELS).default('info')),
  /** The dataset's folder (read only). */
  DATASET_DIR: optionalText,
  /** The bot's own state: the digest's SQLite database. */
  STATE_DIR: optionalText,
  /** The old name of STATE_DIR, still accepted with a warning. */
  DATA_DIR: optionalText,
  INCIDENT_BOT_SNAPSHOT: z.preprocess(unsetIfEmpty, z.enum(['on', 'off'], { error: 'must be on or off' }).default('on')),
  /** The news feeds the bot follows (a JSON file the operator edits or changes with `npm run feeds`). */
  FEEDS_FILE: optionalText,
  /**
   * PostgreSQL for everything the bot keeps (several processes or machines share it); unset: SQLite in
   * STATE_DIR. The message never echoes the value: it holds the database password.
   */
  DATABASE_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .refine(isPostgresUrl, {
        error: 'must be a PostgreSQL URL such as postgres://user:password@host:5432/dbname (the value is not shown: it may hold a password)',
      })
      .optional(),
  ),
  /** GET /healthz and /metrics on this port; unset: no HTTP server. */
  HTTP_PORT: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ error: 'must be a port number (1-65535)' })
      .int('must be a port number (1-65535)')
      .min(1, 'must be a port number (1-65535)')
      .max(65535, 'must be a port number (1-65535)')
      .optional(),
  ),
});

/** Every environment variable the configuration reads (for checks of deployment files against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/**
 * `0-3`, `0,2`, `0-1,4`: shard numbers and inclusive ranges, separated by commas. Returns the ids sorted
 * without repeats, or what is wrong in words.
 */
export function parseShardIds(text: string): number[] | string {
  const ids = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d{1,4})(?:\s*-\s*(\d{1,4}))?$/.exec(part);
    if (!m) return `must list shard numbers or ranges, such as 0-3 or 0,2 (got "${text}")`;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return `has a range that runs backwards: "${part}" (write ${to}-${from})`;
    for (let i = from; i <= to; i++) ids.add(i);
  }
  return [...ids].sort((a, b) => a - b);
}

/** SHARD_IDS must name shards that exist (below SHARD_COUNT). */
function checkShardIds<S extends z.ZodType<{ SHARD_COUNT: number; SHARD_IDS?: number[] | undefined }>>(schema: S) {
  return schema.superRefine((e, ctx) => {
    const beyond = (e.SHARD_IDS ?? []).filter((id) => id >= e.SHARD_COUNT);
    if (beyond.length)
      ctx.addIssue({
        code: 'custom',
        path: ['SHARD_IDS'],
        message: `names shard ${beyond.join(', ')}, but SHARD_COUNT is ${e.SHARD_COUNT} (shards 0-${e.SHARD_COUNT - 1})`,
      });
  });
}

/** The settings of a run without Discord (the offline console, `ask`): no token or application id needed. */
const OfflineEnvSchema = checkShardIds(EnvSchema.omit({ DISCORD_TOKEN: true, DISCORD_APPLICATION_ID: true }));
const OnlineEnvSchema = checkShardIds(EnvSchema);

/** What the Discord runtime needs. */
export interface BotConfig {
  token: string;
  applicationId: string;
  /** Register commands to this server only (instant updates while developing). */
  guildId?: string;
  /** REST base of a Discord-compatible server (discord.js `rest.api`), e.g. http://127.0.0.1:3000/api. */
  apiUrl?: string;
  /** Shards in total (SHARD_COUNT), over every machine. */
  shardCount: number;
  /**
   * This machine's shards (SHARD_IDS), sorted; unset: all of them. One runs in this process, several run
   * under discord.js's ShardingManager, one child process each.
   */
  shardIds?: number[];
  /** At most this many alerts a channel in any hour (ALERTS_PER_HOUR, default 10); the rest wait their turn. */
  alertsPerHour?: number;
  /** The review channel and the reviewer role (REVIEW_CHANNEL_ID, REVIEWER_ROLE_ID); absent: drafts are reviewed with `npm run review` only. */
  review?: ReviewConfig;
  logLevel: LogLevel;
}

export interface ReviewConfig {
  channelId: string;
  reviewerRoleId: string;
}

export interface AppConfig {
  /** Null without DISCORD_TOKEN: `npm start` then opens the offline console. */
  discord: BotConfig | null;
  /** The dataset's folder; undefined: the shipped data/. */
  datasetDir: string | undefined;
  /** The folder for the bot's state (the digest's database), default ./var. */
  stateDir: string;
  /** Cache the validated dataset on disk between starts (INCIDENT_BOT_SNAPSHOT, default on). */
  snapshots: boolean;
  /** The news feeds file (FEEDS_FILE, default ./feeds.json). */
  feedsFile: string;
  /** HTTP_PORT: /healthz and /metrics; null: off. */
  httpPort: number | null;
  /** DATABASE_URL: PostgreSQL for the bot's state; null: SQLite in stateDir. Holds a password: never log it (redactUrl). */
  databaseUrl: string | null;
  logLevel: LogLevel;
  /** Accepted but deprecated settings, for the caller to log once it has a logger. */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function parse<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`));
  const data = parsed.data as { REVIEW_CHANNEL_ID?: string; REVIEWER_ROLE_ID?: string };
  // A review channel nobody may act in, or a role with no channel, is a half-done setting: say which half is missing.
  if (data.REVIEW_CHANNEL_ID !== undefined && data.REVIEWER_ROLE_ID === undefined)
    throw new ConfigError(['REVIEWER_ROLE_ID is required with REVIEW_CHANNEL_ID (the role whose members may approve, edit or reject drafts)']);
  if (data.REVIEWER_ROLE_ID !== undefined && data.REVIEW_CHANNEL_ID === undefined)
    throw new ConfigError(['REVIEW_CHANNEL_ID is required with REVIEWER_ROLE_ID (the channel where drafts are posted for review)']);
  return parsed.data;
}

function botConfigOf(e: z.output<typeof OnlineEnvSchema>): BotConfig {
  return {
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    ...(e.DISCORD_GUILD_ID ? { guildId: e.DISCORD_GUILD_ID } : {}),
    ...(e.DISCORD_API_URL ? { apiUrl: e.DISCORD_API_URL } : {}),
    shardCount: e.SHARD_COUNT,
    ...(e.SHARD_IDS ? { shardIds: e.SHARD_IDS } : {}),
    ...(e.ALERTS_PER_HOUR !== undefined ? { alertsPerHour: e.ALERTS_PER_HOUR } : {}),
    ...(e.REVIEW_CHANNEL_ID && e.REVIEWER_ROLE_ID ? { review: { channelId: e.REVIEW_CHANNEL_ID, reviewerRoleId: e.REVIEWER_ROLE_ID } } : {}),
    logLevel: e.LOG_LEVEL,
  };
}

/** This machine's shards: SHARD_IDS, or every shard of SHARD_COUNT. */
export function ownShardIds(config: Pick<BotConfig, 'shardCount' | 'shardIds'>): number[] {
  return config.shardIds ?? Array.from({ length: config.shardCount }, (_, i) => i);
}

/** The Discord runtime's settings; throws ConfigError naming every bad or missing variable. */
export function loadConfig(env: Env = process.env): BotConfig {
  return botConfigOf(parse(OnlineEnvSchema, env));
}

/**
 * Every setting: the Discord ones are required when DISCORD_TOKEN is set, and `discord` is null (the
 * offline console) when it is not. Throws ConfigError naming every bad or missing variable.
 */
export function loadAppConfig(env: Env = process.env): AppConfig {
  const online = unsetIfEmpty(env.DISCORD_TOKEN) !== undefined;
  const e = online ? parse(OnlineEnvSchema, env) : parse(OfflineEnvSchema, env);
  const warnings: string[] = [];
  let stateDir = e.STATE_DIR;
  if (e.DATA_DIR !== undefined) {
    if (stateDir === undefined) {
      stateDir = e.DATA_DIR;
      warnings.push(
        'DATA_DIR is deprecated: it is the state folder (the digest database), now named STATE_DIR. Rename it in your .env; DATA_DIR is used for now.',
      );
    } else {
      warnings.push('DATA_DIR is deprecated and ignored: STATE_DIR is set and names the state folder.');
    }
  }
  return {
    discord: online ? botConfigOf(e as z.output<typeof OnlineEnvSchema>) : null,
    datasetDir: e.DATASET_DIR === undefined ? undefined : resolve(e.DATASET_DIR),
    stateDir: resolve(stateDir ?? './var'),
    snapshots: e.INCIDENT_BOT_SNAPSHOT === 'on',
    feedsFile: resolve(e.FEEDS_FILE ?? './feeds.json'),
    httpPort: e.HTTP_PORT ?? null,
    databaseUrl: e.DATABASE_URL ?? null,
    logLevel: e.LOG_LEVEL,
    warnings,
  };
}

/** For entry points: the configuration, or the message naming what is wrong and exit code 2. */
export function loadAppConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadAppConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
