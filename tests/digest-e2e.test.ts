/**
 * The digest end to end: the real discord.js client (src/discord/bot.ts) with the digest plugin, against
 * the local Discord-compatible server (testkit/fake-discord.ts), with an injected clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { digest } from '../commands/digest/index.ts';
import { composeDigest } from '../commands/kit/digest-message.ts';
import { createDigestPlugin, type DigestPlugin, type DigestPluginOptions } from '../src/digest/discord-plugin.ts';
import { digestMarker, digestNonce } from '../src/digest/runner.ts';
import { openDatabase, type Db } from '../src/storage/db.ts';
import { FakeDiscord, guildIdForShard, snowflake, type FakeGuild } from '../testkit/fake-discord.ts';
import { startBot, type StartedBot } from '../testkit/harness.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const EMBED_LINKS = 1n << 14n;

class Clock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  set(iso: string) {
    this.t = Date.parse(iso);
  }
}

function guilds(n: number): FakeGuild[] {
  return Array.from({ length: n }, (_, i) => ({
    id: snowflake(),
    name: `Guild ${i}`,
    channels: [
      { id: snowflake(), name: 'general' },
      { id: snowflake(), name: 'news' },
    ],
  }));
}

async function fakeDiscord(gs: FakeGuild[]): Promise<FakeDiscord> {
  const server = await new FakeDiscord({ guilds: gs }).start();
  cleanups.push(() => server.stop());
  return server;
}

function tempDb(): { db: Db; reopen: () => Db } {
  const dir = mkdtempSync(join(tmpdir(), 'digest-e2e-'));
  const open: Db[] = [];
  const reopen = () => {
    const db = openDatabase({ stateDir: dir });
    open.push(db);
    return db;
  };
  cleanups.push(() => {
    for (const db of open) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db: reopen(), reopen };
}

async function boot(
  server: FakeDiscord,
  db: Db,
  clock: Clock,
  runner: DigestPluginOptions['runner'] = {},
  sharding: { shards?: number[]; shardCount?: number } = {},
): Promise<StartedBot & { plugin: DigestPlugin }> {
  const ds = seedDataset();
  const plugin = createDigestPlugin({
    db,
    dataset: () => ds,
    clock: clock.now,
    cron: null,
    runner: { retry: { requests: 2, baseDelayMs: 5 }, ...runner },
  });
  const started = await startBot(server, { commands: [digest], dataset: () => ds, now: clock.now, plugins: [plugin], ...sharding });
  let stopped = false;
  const stop = started.bot.stop.bind(started.bot);
  started.bot.stop = async () => {
    if (!stopped) await stop();
    stopped = true;
  };
  cleanups.push(() => started.bot.stop());
  return { ...started, plugin };
}

const posts = (server: FakeDiscord, channelId: string) => server.requestsTo('POST', `/channels/${channelId}/messages`);
const created = (server: FakeDiscord, channelId: string) => server.channelMessages.get(channelId)?.length ?? 0;

async function command(server: FakeDiscord, guildId: string, options: Record<string, string>): Promise<string> {
  // A member with Manage Server (32): set and off check it on every run.
  const i = server.chatInput('digest', options, { guildId, memberPermissions: '32' });
  const cb = await i.callback();
  const data = (cb.body as { data?: { content?: string } }).data;
  return data?.content ?? '';
}

describe('digest end to end through the local Discord server', () => {
  it("/digest set, then the clock reaches 08:00 Baghdad: exactly this message, once, valid against Discord's OpenAPI schema", async () => {
    const gs = guilds(1);
    const g = gs[0]!;
    const news = g.channels[1]!.id;
    const server = await fakeDiscord(gs);
    const clock = new Clock(Date.parse('2019-08-22T12:00:00Z'));
    const { db } = tempDb();
    const { plugin } = await boot(server, db, clock);

    const reply = await command(server, g.id, { subcommand: 'set', channel: news, time: '08:00', timezone: 'Asia/Baghdad' });
    expect(reply).toContain(`Set up: the daily digest goes to <#${news}> every day at 08:00 (Asia/Baghdad)`);

    clock.set('2019-08-23T04:59:00Z');
    expect((await plugin.runner()!.tick()).due).toBe(0);
    clock.set('2019-08-23T05:00:00Z');
    expect((await plugin.runner()!.tick()).outcomes.sent).toBe(1);

    const sent = posts(server, news);
    expect(sent).toHaveLength(1);
    const expected = composeDigest(
      seedDataset(),
      { day: '2019-08-22', previousDay: null, recordedIds: [], at: new Date('2019-08-23T05:00:00Z') },
      { placeId: null },
      'Asia/Baghdad',
    );
    // the footer carries the digest's marker, to find it in the channel after an unclear send
    const nonce = digestNonce(g.id, '2019-08-23');
    const embeds = expected.embeds!.map((e) => ({ ...e, footer: { text: `${e.footer!.text} · ${digestMarker(nonce)}` } }));
    expect(sent[0]!.body).toEqual({ embeds, allowed_mentions: { parse: [] }, nonce, enforce_nonce: true });
    expect(sent[0]!.validation?.operation).toBeTruthy();
    expect(sent[0]!.validation?.errors).toEqual([]);
    expect(sent[0]!.status).toBe(200);
    expect(JSON.stringify(sent[0]!.body)).toContain('diyala-police-2019-08-22');

    const status = await command(server, g.id, { subcommand: 'status' });
    expect(status).toContain(`**Channel:** <#${news}>`);
    expect(status).toMatch(/\*\*Last delivery:\*\* sent <t:1566536400:f>/);
    expect(status).toContain(`**Next run:** <t:${Date.parse('2019-08-24T05:00:00Z') / 1000}:f>`);

    clock.set('2019-08-23T18:00:00Z');
    await plugin.runner()!.tick();
    expect(posts(server, news)).toHaveLength(1);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('/digest set refuses a channel where the bot cannot embed links, and says so', async () => {
    const gs = guilds(1);
    const g = gs[0]!;
    g.channels[1]!.permission_overwrites = [{ id: g.id, type: 0, allow: '0', deny: String(EMBED_LINKS) }];
    const server = await fakeDiscord(gs);
    const clock = new Clock(Date.parse('2019-08-22T12:00:00Z'));
    const { db } = tempDb();
    const { plugin } = await boot(server, db, clock);
    const reply = await command(server, g.id, { subcommand: 'set', channel: g.channels[1]!.id, time: '08:00', timezone: 'UTC' });
    expect(reply).toContain('lacks Embed Links');
    expect(await plugin.store()!.getSubscription(g.id)).toBeNull();
  });

  it('500, 429, 403 and 404: nothing lost, nothing doubled, the blocked ones turned off with the reason in /digest status', async () => {
    const gs = guilds(5);
    const server = await fakeDiscord(gs);
    const clock = new Clock(Date.parse('2019-08-22T12:00:00Z'));
    const { db } = tempDb();
    const { plugin } = await boot(server, db, clock, { nextAttempt: { baseMs: 60_000, maxMs: 600_000, maxAttemptsPerDay: 10 } });
    for (const g of gs) await command(server, g.id, { subcommand: 'set', channel: g.channels[1]!.id, time: '08:00', timezone: 'Europe/London' });
    const ch = gs.map((g) => g.channels[1]!.id);
    const route = (i: number) => ({ method: 'POST', route: `/channels/${ch[i]}/messages` });
    server.injectResponse(route(0), { status: 500, times: 1 }); // the runner retries at once, with the same nonce
    server.injectResponse(route(1), { status: 429, headers: { 'retry-after': '0.3', 'x-ratelimit-scope': 'user' }, times: 1 }); // waited out
    server.injectResponse(route(2), { status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    server.injectResponse(route(3), { status: 404, body: { message: 'Unknown Channel', code: 10003 } });
    server.injectResponse(route(4), { status: 502, times: 2 }); // longer outage than the runner's 2 requests: left for a later tick

    clock.set('2019-08-23T07:00:00Z'); // 08:00 BST
    const r = await plugin.runner()!.tick();
    expect(r.outcomes).toMatchObject({ sent: 2, disabled: 2, 'retry-later': 1 });
    expect(posts(server, ch[1]!).map((p) => p.status)).toEqual([429, 200]);
    expect(posts(server, ch[0]!).map((p) => p.status)).toEqual([500, 200]);
    expect(posts(server, ch[4]!)).toHaveLength(2); // no resend behind the runner's back
    expect(await plugin.store()!.getDelivery(gs[4]!.id, '2019-08-23')).toMatchObject({ status: 'retry', attempts: 2 });

    clock.set('2019-08-23T07:01:01Z');
    expect((await plugin.runner()!.tick()).outcomes.sent).toBe(1);
    expect(created(server, ch[4]!)).toBe(1);

    const s2 = await command(server, gs[2]!.id, { subcommand: 'status' });
    expect(s2).toMatch(/\*\*State:\*\* off — Turned off: the bot lacks permissions in the channel \(Discord error 50013/);
    expect(s2).toMatch(/\*\*Last delivery:\*\* failed for 2019-08-23/);
    const s3 = await command(server, gs[3]!.id, { subcommand: 'status' });
    expect(s3).toMatch(/10003: Unknown Channel/);

    clock.set('2019-08-24T07:00:00Z');
    await plugin.runner()!.tick();
    expect(ch.map((c) => created(server, c))).toEqual([2, 2, 0, 0, 2]);
    expect(posts(server, ch[2]!)).toHaveLength(1);
    expect(posts(server, ch[3]!)).toHaveLength(1);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('stopped in the middle of a fan-out over many servers and started again: every server gets exactly one digest', async () => {
    const gs = guilds(30);
    const server = await fakeDiscord(gs);
    const clock = new Clock(Date.parse('2019-08-22T12:00:00Z'));
    const { db, reopen } = tempDb();
    const slow = { rateLimit: { limit: 10, windowMs: 1000 }, concurrency: 4 };
    const first = await boot(server, db, clock, slow);
    for (const g of gs) await command(server, g.id, { subcommand: 'set', channel: g.channels[1]!.id, time: '08:00', timezone: 'America/New_York' });
    clock.set('2019-08-23T12:00:00Z'); // 08:00 EDT
    const tick = first.plugin.runner()!.tick();
    let n = 0;
    await server.waitForRequest((r) => r.method === 'POST' && /\/messages$/.test(r.route) && ++n >= 12, 10_000);
    await first.bot.stop(); // SIGTERM: sends under way finish and are recorded, nothing new starts
    const partial = await tick;
    expect(partial.outcomes.sent).toBeGreaterThanOrEqual(12);
    expect(partial.outcomes.sent).toBeLessThan(30);

    const second = await boot(server, reopen(), clock, slow);
    expect((await second.plugin.runner()!.tick()).outcomes.sent).toBe(30 - partial.outcomes.sent);
    for (const g of gs) expect(created(server, g.channels[1]!.id)).toBe(1);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('killed mid-request (sends reached Discord, none recorded): after a restart they are resent with the same nonce and Discord keeps one each', async () => {
    const gs = guilds(20);
    const server = await fakeDiscord(gs);
    const clock = new Clock(Date.parse('2019-08-22T12:00:00Z'));
    const { db, reopen } = tempDb();
    const slow = { rateLimit: { limit: 10, windowMs: 1000 }, concurrency: 4 };
    const first = await boot(server, db, clock, slow);
    for (const g of gs) await command(server, g.id, { subcommand: 'set', channel: g.channels[1]!.id, time: '08:00', timezone: 'UTC' });
    clock.set('2019-08-23T08:00:00Z');
    const tick = first.plugin.runner()!.tick();
    let n = 0;
    await server.waitForRequest((r) => r.method === 'POST' && /\/messages$/.test(r.route) && ++n >= 8, 10_000);
    const store = first.plugin.store()!;
    await first.plugin.runner()!.kill();
    await tick;
    await first.bot.stop();
    const rows = new Map(await Promise.all(gs.map(async (g) => [g, await store.getDelivery(g.id, '2019-08-23')] as const)));
    const inDoubt = gs.filter((g) => rows.get(g)?.status === 'sending');
    const claimed = gs.filter((g) => rows.get(g) !== null);
    expect(inDoubt.length).toBeGreaterThan(0);
    expect(claimed.length).toBeLessThan(20);
    const reachedDiscord = inDoubt.filter((g) => created(server, g.channels[1]!.id) === 1).length;
    expect(reachedDiscord).toBeGreaterThan(0);

    const second = await boot(server, reopen(), clock, slow);
    // the dead process's attempts are trusted for a minute; the rest go out now
    expect((await second.plugin.runner()!.tick()).outcomes).toMatchObject({ sent: 20 - claimed.length });
    expect(await Promise.all(inDoubt.map(async (g) => (await second.plugin.store()!.getDelivery(g.id, '2019-08-23'))!.status))).toEqual(
      inDoubt.map(() => 'sending'),
    );
    clock.set('2019-08-23T08:01:30Z');
    expect((await second.plugin.runner()!.tick()).outcomes).toMatchObject({ sent: inDoubt.length });
    for (const g of gs) expect(created(server, g.channels[1]!.id)).toBe(1);
    // the local server honours enforce_nonce like Discord: the resends of those that had reached it were answered with the first message
    const ok = gs.reduce((n, g) => n + posts(server, g.channels[1]!.id).filter((p) => p.status === 200).length, 0);
    expect(ok - 20).toBe(reachedDiscord);
    for (const g of gs) expect((await second.plugin.store()!.getDelivery(g.id, '2019-08-23'))?.status).toBe('sent');
    expect(server.invalidRequests()).toEqual([]);
  });

  it('with two shards (two clients sharing the database), each digest is sent by the shard that holds the guild, once', async () => {
    const gs: FakeGuild[] = [0, 1, 0, 1, 1].map((shard, i) => ({
      id: guildIdForShard(shard, 2),
      name: `Shard ${shard} guild ${i}`,
      channels: [{ id: snowflake(), name: 'news' }],
    }));
    const server = await fakeDiscord(gs);
    const clock = new Clock(Date.parse('2019-08-22T12:00:00Z'));
    const { db, reopen } = tempDb();
    const a = await boot(server, db, clock, {}, { shards: [0], shardCount: 2 });
    const b = await boot(server, reopen(), clock, {}, { shards: [1], shardCount: 2 });
    await server.waitForSessions(2);
    for (const g of gs) await command(server, g.id, { subcommand: 'set', channel: g.channels[0]!.id, time: '08:00', timezone: 'Asia/Baghdad' });
    clock.set('2019-08-23T05:00:00Z');
    const [ra, rb] = await Promise.all([a.plugin.runner()!.tick(), b.plugin.runner()!.tick()]);
    expect(ra.due).toBe(2); // shard 0 holds two of the five
    expect(rb.due).toBe(3);
    expect(ra.outcomes.sent + rb.outcomes.sent).toBe(5);
    for (const g of gs) expect(created(server, g.channels[0]!.id)).toBe(1);
    await Promise.all([a.plugin.runner()!.tick(), b.plugin.runner()!.tick()]);
    for (const g of gs) expect(posts(server, g.channels[0]!.id)).toHaveLength(1);
  });
});
