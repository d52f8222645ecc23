/**
 * The proof that the bot runs as several processes over one PostgreSQL: two real bot processes
 * (src/main.ts, each with SHARD_IDS for half of SHARD_COUNT=2), one PostgreSQL server, the local
 * Discord-compatible server (enforcing the global limit of 50 requests in any second), 60 subscribed
 * servers due at the same minute. One process is killed (SIGKILL) in the middle of the fan-out: every
 * server still gets exactly one digest, the survivor finishing the dead one's share once its shard lease
 * has expired, with no request over the global limit; restarted, the killed one sends nothing more.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { shardOfGuild } from '../src/cluster/shard-duty.ts';
import { PgDigestStore } from '../src/digest/pg-digest-store.ts';
import { PG_MIGRATIONS } from '../src/storage/pg-schema/index.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import { FakeDiscord, guildIdForShard, snowflake, type FakeGuild } from '../testkit/fake-discord.ts';
import { startTestPostgres, type TestPostgres } from '../testkit/postgres.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STATE_DIR = mkdtempSync(join(tmpdir(), 'incident-bot-multi-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface BotProcess {
  child: ChildProcess;
  exit: Promise<number | null>;
  /** The JSON log lines so far. */
  lines(): { msg?: string; time?: number; level?: number; [k: string]: unknown }[];
  stderr(): string;
}

function startBot(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    // Every variable set here: nothing from the developer's environment or .env changes the run.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DISCORD_GUILD_ID: '',
      LOG_LEVEL: 'info',
      STATE_DIR,
      FEEDS_FILE: join(STATE_DIR, 'no-feeds.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exit,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg?: string; time?: number }),
    stderr: () => err,
  };
}

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const SHARDS = 2;
let pgServer: TestPostgres;
let pool: pg.Pool;
let databaseUrl: string;
let server: FakeDiscord;
const guilds: FakeGuild[] = [];
const running: BotProcess[] = [];

beforeAll(async () => {
  pgServer = await startTestPostgres();
  databaseUrl = await pgServer.createDatabase('multi_process');
  pool = await openPostgres(databaseUrl, PG_MIGRATIONS);
  // 60 servers, 30 on each shard.
  for (let i = 0; i < 60; i++) guilds.push({ id: guildIdForShard(i % SHARDS, SHARDS), name: `Server ${i}`, channels: [{ id: snowflake(), name: 'news' }] });
  server = await new FakeDiscord({ guilds }).start();
}, 120_000);

afterAll(async () => {
  for (const b of running) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
  await server?.stop();
  await pool?.end();
  await pgServer?.stop();
  rmSync(STATE_DIR, { recursive: true, force: true });
});

describe('several processes over one PostgreSQL', () => {
  test('SHARD_IDS naming a shard beyond SHARD_COUNT stops the process with a message naming it (exit 2)', async () => {
    const bot = startBot({
      DISCORD_TOKEN: server.token,
      DISCORD_APPLICATION_ID: server.applicationId,
      DISCORD_API_URL: server.apiUrl,
      SHARD_COUNT: '2',
      SHARD_IDS: '1-2',
    });
    expect(await bot.exit).toBe(2);
    expect(bot.stderr()).toContain('SHARD_IDS names shard 2, but SHARD_COUNT is 2');
  }, 30_000);

  test('an unreachable DATABASE_URL stops the process before logging in, naming it without its password (exit 2)', async () => {
    const unreachable = databaseUrl.replace(/:(\d+)\//, ':1/');
    const bot = startBot({
      DISCORD_TOKEN: server.token,
      DISCORD_APPLICATION_ID: server.applicationId,
      DISCORD_API_URL: server.apiUrl,
      DATABASE_URL: unreachable,
    });
    expect(await bot.exit).toBe(2);
    const fatal = bot.lines().find((l) => l.level === 60);
    expect(fatal?.msg).toMatch(/^could not connect to the database at DATABASE_URL=postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/multi_process: ECONNREFUSED/);
    expect(bot.lines().map((l) => l.msg)).not.toContain('logging in');
    expect(JSON.stringify(bot.lines()) + bot.stderr()).not.toContain(new URL(databaseUrl).password);
  }, 60_000);

  test('kill -9 one of two processes mid fan-out: every server gets exactly one digest, within the global limit; restarted, it sends nothing more', async () => {
    const env = (shardIds: string) => ({
      DISCORD_TOKEN: server.token,
      DISCORD_APPLICATION_ID: server.applicationId,
      DISCORD_API_URL: server.apiUrl,
      DATABASE_URL: databaseUrl,
      SHARD_COUNT: String(SHARDS),
      SHARD_IDS: shardIds,
    });
    const a = startBot(env('0'));
    const b = startBot(env('1'));
    running.push(a, b);
    const ready = (p: BotProcess) =>
      until('the bot to be ready', () => p.lines().some((l) => l.msg === 'ready'), 150_000).catch((err: Error) => {
        throw new Error(
          `${err.message}\n${p
            .lines()
            .slice(-8)
            .map((l) => JSON.stringify(l))
            .join('\n')}\n${p.stderr().slice(-2000)}`,
        );
      });
    await Promise.all([ready(a), ready(b)]);

    // Every server subscribes for the next minute (at least 10 s away, so all are in before it).
    const store = new PgDigestStore(pool);
    let due = Math.ceil((Date.now() + 10_000) / 60_000) * 60_000;
    const hhmm = new Date(due).toISOString().slice(11, 16);
    for (const g of guilds)
      await store.setSubscription({ guildId: g.id, channelId: g.channels[0]!.id, time: hhmm, timeZone: 'UTC', placeId: null }, Date.now());
    due = Math.max(due, Date.now());

    // Kill B (shard 1) once 5 of its servers have their digest: the rest of its share is in flight or not started.
    const shardOfChannel = new Map(guilds.map((g) => [g.channels[0]!.id, shardOfGuild(g.id, SHARDS)]));
    const postsTo = (r: { method: string; route: string }) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.route);
    let killedAt = 0;
    let shard1BeforeKill = 0;
    server.onRequest((r) => {
      if (killedAt || !postsTo(r) || r.status !== 200) return;
      if (shardOfChannel.get(r.route.split('/')[2]!) === 1 && ++shard1BeforeKill === 5) {
        killedAt = Date.now();
        b.child.kill('SIGKILL');
      }
    });
    await until('the kill', () => killedAt > 0, 120_000);
    expect(await b.exit).toBe(null); // killed by a signal, no exit code

    // The survivor finishes: every delivery recorded as sent (B's claims in flight included, once stale).
    const sent = async () => Number((await pool.query("SELECT count(*) AS n FROM digest_deliveries WHERE status = 'sent'")).rows[0].n);
    await until('all 60 digests recorded as sent', async () => (await sent()) === 60, 240_000);

    const messages = guilds.map((g) => server.channelMessages.get(g.channels[0]!.id)?.length ?? 0);
    expect(messages.every((n) => n === 1)).toBe(true);
    // Nothing over the bot token's global limit, in any second, from the two processes together.
    expect(server.globalRateLimited).toBe(0);
    expect(server.mostInOneSecond()).toBeLessThanOrEqual(50);
    // The survivor took over shard 1 only after B's lease expired, and its share went out after that.
    const takeover = a.lines().find((l) => l.msg?.startsWith('no live process runs these shards'));
    expect(takeover).toBeDefined();
    expect(takeover!.time!).toBeGreaterThan(killedAt);
    const shard1Posts = server.requests.filter((r) => postsTo(r) && shardOfChannel.get(r.route.split('/')[2]!) === 1);
    const shard1AfterKill = shard1Posts.filter((r) => r.at > killedAt);
    expect(shard1AfterKill.length).toBeGreaterThan(0);
    // (Requests B had already written may still arrive in the moment after the kill.)
    for (const r of shard1AfterKill.filter((q) => q.at > killedAt + 2_000)) expect(r.at).toBeGreaterThanOrEqual(takeover!.time!);
    // Resends of what B had in flight when it died carried the same nonce: Discord returned the first message.
    const resent = shard1AfterKill.length - (30 - shard1BeforeKill);

    // Restart B: it takes shard 1 back, finds every digest sent, and posts nothing.
    const before = server.requests.filter(postsTo).length;
    const b2 = startBot(env('1'));
    running.push(b2);
    await ready(b2);
    await until('A to hand shard 1 back', () => a.lines().some((l) => l.msg?.startsWith('these shards are run by a live process again')), 30_000);
    await sleep(5_000);
    expect(server.requests.filter(postsTo).length).toBe(before);
    expect(guilds.every((g) => server.channelMessages.get(g.channels[0]!.id)?.length === 1)).toBe(true);

    const counts = {
      servers: guilds.length,
      messages: messages.reduce((x, y) => x + y, 0),
      shard0ByA: 30,
      shard1ByBBeforeKill: shard1BeforeKill,
      shard1PostsByAAfterKill: shard1AfterKill.length,
      resentSameNonce: resent,
      takeoverAfterKillMs: takeover!.time! - killedAt,
      doneAfterDueMs: Date.now() - due,
      globalRateLimited: server.globalRateLimited,
      mostInOneSecond: server.mostInOneSecond(),
    };
    console.log(`multi-process kill test: ${JSON.stringify(counts)}`);

    for (const p of [a, b2]) p.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
    expect(await b2.exit).toBe(0);
  }, 420_000);
});
