/**
 * The bot on PostgreSQL (DATABASE_URL): started as `npm start` is, against a real PostgreSQL server the test
 * starts and the local Discord-compatible server; and the digest losing its database connections mid-run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { PgDigestStore } from '../src/digest/pg-digest-store.ts';
import { DigestRunner } from '../src/digest/runner.ts';
import type { DigestSender } from '../src/digest/sender.ts';
import { PG_MIGRATIONS } from '../src/storage/pg-schema/index.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import { FakeDiscord } from '../testkit/fake-discord.ts';
import { freePort } from '../testkit/free-port.ts';
import { startTestPostgres, type TestPostgres } from '../testkit/postgres.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STATE_DIR = mkdtempSync(join(tmpdir(), 'incident-bot-pg-app-'));
const LATEST = Math.max(...PG_MIGRATIONS.map((m) => m.version));

let db: TestPostgres;
let discord: FakeDiscord;
beforeAll(async () => {
  [db, discord] = await Promise.all([startTestPostgres(), new FakeDiscord().start()]);
}, 120_000);
afterAll(async () => {
  await discord?.stop();
  await db?.stop();
  rmSync(STATE_DIR, { recursive: true, force: true });
});

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DISCORD_GUILD_ID: '',
      SHARD_COUNT: '1',
      LOG_LEVEL: 'info',
      STATE_DIR,
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = () =>
    out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string });
  return { exit, stdout: () => out, stderr: () => err, lines, kill: (s: NodeJS.Signals) => child.kill(s) };
}

/** Ends every other connection to the database, as a server restart or an administrator would. */
async function terminateConnections(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const r = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return r.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('npm start with DATABASE_URL', () => {
  test('an unreachable database stops it before login: exit 2, one line naming DATABASE_URL without its password', async () => {
    const url = db.url.replace(/:(\d+)\//, ':1/');
    const bot = run({ DATABASE_URL: url });
    expect(await bot.exit).toBe(2);
    const fatal = bot.lines().filter((l) => l.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.msg).toMatch(/^could not connect to the database at DATABASE_URL=postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres: ECONNREFUSED$/);
    expect(bot.stdout() + bot.stderr()).not.toContain(new URL(db.url).password);
    expect(bot.lines().map((l) => l.msg)).not.toContain('logging in');
  }, 60_000);

  test('a database migrated by a newer version is refused with both versions (exit 2) and left as it was', async () => {
    const url = await db.createDatabase('newer_app');
    const pool = await openPostgres(url, PG_MIGRATIONS);
    await pool.query("INSERT INTO schema_migrations (version, description) VALUES (999, 'from the future')");
    const bot = run({ DATABASE_URL: url });
    expect(await bot.exit).toBe(2);
    const fatal = bot.lines().filter((l) => l.level === 60);
    expect(fatal.map((l) => l.msg)).toEqual([expect.stringContaining(`schema version 999; this version knows up to ${LATEST}`)]);
    expect((await pool.query('SELECT MAX(version) AS v FROM schema_migrations')).rows[0]).toEqual({ v: 999 });
    await pool.end();
  }, 60_000);

  test('keeps /digest in PostgreSQL (nothing in STATE_DIR), /healthz checks it, and it carries on after its connections are killed', async () => {
    const url = await db.createDatabase('app_run');
    const port = await freePort();
    const bot = run({ DATABASE_URL: url, HTTP_PORT: String(port), STATE_DIR: join(STATE_DIR, 'unused') });
    const check = new pg.Client({ connectionString: url });
    try {
      await discord.waitForSessions(1, 30_000);
      const health = async () => {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        return { status: r.status, body: (await r.json()) as { checks: { name: string; ok: boolean }[] } };
      };
      await vi.waitFor(async () => expect((await health()).status).toBe(200), { timeout: 20_000, interval: 100 });
      expect((await health()).body.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'state database', ok: true })]));
      const guild = discord.guilds[0]!;
      const channel = guild.channels[0]!.id;
      const set = await discord
        .chatInput('digest', { subcommand: 'set', channel, time: '08:00', timezone: 'Asia/Baghdad' }, { guildId: guild.id, memberPermissions: '32' })
        .callback(10_000);
      expect(JSON.stringify(set.body)).toContain('every day at 08:00');
      await check.connect();
      expect((await check.query('SELECT guild_id, channel_id, "time", time_zone, enabled FROM digest_subscriptions')).rows).toEqual([
        { guild_id: guild.id, channel_id: channel, time: '08:00', time_zone: 'Asia/Baghdad', enabled: 1 },
      ]);
      await check.end();
      expect(await terminateConnections(url)).toBeGreaterThan(0);
      // The pool reconnects: the next command and the health check work as before.
      const status = await discord.chatInput('digest', { subcommand: 'status' }, { guildId: guild.id, memberPermissions: '32' }).callback(10_000);
      expect(JSON.stringify(status.body)).toContain('08:00');
      expect((await health()).status).toBe(200);
      bot.kill('SIGTERM');
      expect(await bot.exit).toBe(0);
      expect(bot.lines().filter((l) => l.level >= 50)).toEqual([]);
      expect(existsSync(join(STATE_DIR, 'unused', 'incident-bot.sqlite'))).toBe(false);
    } finally {
      bot.kill('SIGKILL');
      await check.end().catch(() => undefined);
    }
  }, 90_000);
});

describe('the digest on PostgreSQL when its connections are lost mid-run', () => {
  test('a send that succeeded is recorded once reconnected; one that failed is left to retry, never marked sent; the retry sends it once', async () => {
    const url = await db.createDatabase('lost_connection');
    const pool = await openPostgres(url, PG_MIGRATIONS);
    const store = new PgDigestStore(pool, { baseDelayMs: 20 });
    let t = Date.parse('2019-08-23T08:01:00Z');
    for (const g of ['g-ok', 'g-fail'])
      await store.setSubscription({ guildId: g, channelId: `c-${g}`, time: '08:00', timeZone: 'UTC', placeId: null }, Date.parse('2019-08-22T00:00:00Z'));
    const sent: string[] = [];
    let failNext = true;
    const sender: DigestSender = {
      async send(channelId) {
        // Every connection of the bot's pool dies while the request is out (claimed before, recorded after).
        expect(await terminateConnections(url)).toBeGreaterThan(0);
        if (channelId === 'c-g-fail' && failNext) {
          failNext = false;
          throw Object.assign(new Error('Service Unavailable'), { status: 503, name: 'DiscordAPIError' });
        }
        sent.push(channelId);
        return { id: `m-${channelId}` };
      },
    };
    const ds = seedDataset();
    const runner = new DigestRunner({
      store,
      dataset: () => ds,
      sender,
      clock: () => new Date(t),
      concurrency: 1,
      retry: { requests: 1, baseDelayMs: 1 },
    });
    const first = await runner.tick();
    expect(first.outcomes).toMatchObject({ sent: 1, 'retry-later': 1, failed: 0 });
    expect(await store.getDelivery('g-ok', '2019-08-23')).toMatchObject({ status: 'sent', messageId: 'm-c-g-ok', attempts: 1 });
    const failed = (await store.getDelivery('g-fail', '2019-08-23'))!;
    expect(failed).toMatchObject({ status: 'retry', messageId: null, sentAt: null, lastError: expect.stringContaining('503') });
    expect(sent).toEqual(['c-g-ok']);
    t = failed.nextAttemptAt!;
    const second = await runner.tick();
    expect(second.outcomes).toMatchObject({ sent: 1 });
    expect(await store.getDelivery('g-fail', '2019-08-23')).toMatchObject({ status: 'sent', messageId: 'm-c-g-fail', attempts: 2 });
    expect((await runner.tick()).due).toBe(0);
    expect(sent).toEqual(['c-g-ok', 'c-g-fail']);
    await runner.stop();
    await pool.end();
  }, 60_000);

  test('an outage longer than the retries: the attempt is left as it was (sending, not sent), and taken up again under a new claim once stale', async () => {
    const url = await db.createDatabase('outage');
    const link = await cuttableLink(url);
    const pool = await openPostgres(link.url, PG_MIGRATIONS);
    const store = new PgDigestStore(pool, { tries: 3, baseDelayMs: 20 });
    let t = Date.parse('2019-08-23T08:01:00Z');
    await store.setSubscription({ guildId: 'g', channelId: 'c', time: '08:00', timeZone: 'UTC', placeId: null }, Date.parse('2019-08-22T00:00:00Z'));
    const nonces: string[] = [];
    const sender: DigestSender = {
      async send(_channelId, body) {
        nonces.push(body.nonce);
        if (nonces.length === 1) link.cut(); // the network to the database goes down while the request is out
        return { id: `m${nonces.length}` };
      },
    };
    const ds = seedDataset();
    const runner = new DigestRunner({ store, dataset: () => ds, sender, clock: () => new Date(t), staleAfterMs: 60_000 });
    expect((await runner.tick()).outcomes).toMatchObject({ failed: 1, sent: 0 });
    link.restore();
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const row = async () =>
      (await check.query("SELECT status, owner, message_id FROM digest_deliveries WHERE guild_id = 'g' AND local_date = '2019-08-23'")).rows[0] as {
        status: string;
        owner: string;
        message_id: string | null;
      };
    expect(await row()).toEqual({ status: 'sending', owner: runner.owner, message_id: null });
    t += 59_000;
    expect((await runner.tick()).due).toBe(0); // its claim is still fresh: nobody resends yet
    t += 1_000;
    expect((await runner.tick()).outcomes).toMatchObject({ sent: 1 });
    expect(await row()).toEqual({ status: 'sent', owner: `${runner.owner}~1`, message_id: 'm2' });
    expect(nonces).toHaveLength(2);
    expect(nonces[1]).toBe(nonces[0]); // the same nonce: Discord answers a resend within its window with the first message
    expect((await runner.tick()).due).toBe(0);
    await runner.stop();
    await check.end();
    await pool.end();
    await link.close();
  }, 60_000);

  test('an outage within the retries: the store waits for the database and records the digest once', async () => {
    const url = await db.createDatabase('short_outage');
    const link = await cuttableLink(url);
    const pool = await openPostgres(link.url, PG_MIGRATIONS);
    const store = new PgDigestStore(pool, { baseDelayMs: 50 });
    const t = Date.parse('2019-08-23T08:01:00Z');
    await store.setSubscription({ guildId: 'g', channelId: 'c', time: '08:00', timeZone: 'UTC', placeId: null }, Date.parse('2019-08-22T00:00:00Z'));
    let sends = 0;
    const sender: DigestSender = {
      async send() {
        sends++;
        link.cut();
        setTimeout(() => link.restore(), 1_000);
        return { id: 'm1' };
      },
    };
    const ds = seedDataset();
    const runner = new DigestRunner({ store, dataset: () => ds, sender, clock: () => new Date(t) });
    expect((await runner.tick()).outcomes).toMatchObject({ sent: 1, failed: 0 });
    expect(await store.getDelivery('g', '2019-08-23')).toMatchObject({ status: 'sent', messageId: 'm1' });
    expect(sends).toBe(1);
    await runner.stop();
    await pool.end();
    await link.close();
  }, 60_000);
});

/**
 * A TCP relay to the database that the test can cut (every connection reset, new ones refused) and
 * restore: the network between the bot and PostgreSQL going down and up again.
 */
async function cuttableLink(url: string): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) return void client.destroy();
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const relayed = new URL(url);
  relayed.port = String(port);
  return {
    url: relayed.toString(),
    cut() {
      up = false;
      for (const s of sockets) s.resetAndDestroy();
    },
    restore() {
      up = true;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
