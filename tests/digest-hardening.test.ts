/**
 * The digest never doubled, never stalled, rarely unknown (issue 10, points 3-6 and 11): the real
 * discord.js client with the digest plugin against the local Discord-compatible server, real SQLite, and
 * injected clocks. discord.js waits out rate limits in real time, so the clocks follow real time from
 * offsets the test moves: Discord's clock and the bot's monotonic clock are the true time; the bot's wall
 * clock is the true time plus a step the test can set (a clock set back).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { digest } from '../commands/digest/index.ts';
import { createDigestPlugin, type DigestPlugin, type DigestPluginOptions } from '../src/digest/discord-plugin.ts';
import type { MonotonicClock } from '../src/digest/monotonic.ts';
import { openDatabase, type Db } from '../src/storage/db.ts';
import { FakeDiscord, snowflake, type FakeGuild, type RecordedRequest } from '../testkit/fake-discord.ts';
import { startBot, type StartedBot } from '../testkit/harness.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MIN = 60_000;

class Clocks {
  private readonly p0 = performance.now();
  private base: number;
  private wallStep = 0;
  constructor(iso: string) {
    this.base = Date.parse(iso);
  }
  /** The true time (ms since the epoch): Discord's clock. */
  trueNow = () => this.base + (performance.now() - this.p0);
  /** The bot's wall clock (time of day): the true time, unless stepped. */
  wall = () => new Date(this.trueNow() + this.wallStep);
  /** The bot's monotonic clock: elapsed time, never stepped. */
  readonly mono: MonotonicClock = { now: () => this.trueNow(), origin: 'test-machine' };
  /** Moves the true time (and so every clock) to this instant. */
  set(iso: string) {
    this.base += Date.parse(iso) - this.trueNow();
  }
  advance(ms: number) {
    this.base += ms;
  }
  /** Sets the wall clock back (negative) or forward, as an operator or a bad NTP server would. */
  stepWall(ms: number) {
    this.wallStep += ms;
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

async function fakeDiscord(gs: FakeGuild[], clocks: Clocks): Promise<FakeDiscord> {
  const server = await new FakeDiscord({ guilds: gs, now: clocks.trueNow }).start();
  cleanups.push(() => server.stop());
  return server;
}

function tempDb(): { db: Db; reopen: () => Db } {
  const dir = mkdtempSync(join(tmpdir(), 'digest-hardening-'));
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

type Booted = StartedBot & { plugin: DigestPlugin };

async function boot(server: FakeDiscord, db: Db, clocks: Clocks, extra: Pick<DigestPluginOptions, 'runner' | 'invalidRequests'> = {}): Promise<Booted> {
  const ds = seedDataset();
  const plugin = createDigestPlugin({
    db,
    dataset: () => ds,
    clock: clocks.wall,
    monotonic: clocks.mono,
    cron: null,
    runner: { retry: { requests: 2, baseDelayMs: 5 }, stopGraceMs: 200, ...extra.runner },
    ...(extra.invalidRequests ? { invalidRequests: extra.invalidRequests } : {}),
  });
  const started = await startBot(server, { commands: [digest], dataset: () => ds, now: clocks.wall, plugins: [plugin] });
  let stopped = false;
  const stop = started.bot.stop.bind(started.bot);
  started.bot.stop = async () => {
    if (!stopped) await stop();
    stopped = true;
  };
  cleanups.push(() => started.bot.stop());
  return { ...started, plugin };
}

const news = (g: FakeGuild) => g.channels[1]!.id;
const postTo = (channelId: string) => (r: RecordedRequest) => r.method === 'POST' && r.route === `/channels/${channelId}/messages`;
const posts = (server: FakeDiscord, channelId: string) => server.requests.filter(postTo(channelId));
const created = (server: FakeDiscord, channelId: string) => server.channelMessages.get(channelId) ?? [];

async function subscribe(server: FakeDiscord, g: FakeGuild, time: string): Promise<void> {
  const i = server.chatInput('digest', { subcommand: 'set', channel: news(g), time, timezone: 'UTC' }, { guildId: g.id, memberPermissions: '32' });
  const content = ((await i.callback()).body as { data?: { content?: string } }).data?.content ?? '';
  expect(content).toContain('Set up');
}

/** Rejects if `p` takes longer than `ms` of real time. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)))]).finally(
    () => clearTimeout(timer),
  );
}

describe('digest hardening, end to end', () => {
  it('point 3: a recovery 4½ minutes after the first send gets a 429 Retry-After 40: no resend outside the nonce window, one message, recorded as sent', async () => {
    const clocks = new Clocks('2019-08-22T12:00:00Z');
    const gs = guilds(1);
    const g = gs[0]!;
    const server = await fakeDiscord(gs, clocks);
    const { db, reopen } = tempDb();
    const a = await boot(server, db, clocks);
    await subscribe(server, g, '08:00');

    // Process A posts the digest and dies before Discord's answer arrives: the row stays 'sending'.
    clocks.set('2019-08-23T08:00:00Z');
    let release!: () => void;
    server.holdResponses(postTo(news(g)), new Promise<void>((r) => (release = r)));
    const tick = a.plugin.runner()!.tick();
    await server.waitForRequest(postTo(news(g)));
    await Promise.all([a.plugin.runner()!.kill(), (async () => release())()]);
    await tick;
    await a.bot.stop();
    expect(created(server, news(g))).toHaveLength(1);
    expect((await a.plugin.store()!.getDelivery(g.id, '2019-08-23'))!.status).toBe('sending');

    // Process B recovers it 4½ minutes later, inside the 5-minute window; its POST gets a 429 Retry-After 40.
    clocks.advance(4.5 * MIN);
    const b = await boot(server, reopen(), clocks);
    server.injectResponse(postTo(news(g)), {
      status: 429,
      headers: { 'retry-after': '40', 'x-ratelimit-scope': 'user' },
      body: { message: 'You are being rate limited.', retry_after: 40, global: false },
    });
    const report = await within(10_000, b.plugin.runner()!.tick(), 'the recovery');
    // Not waited out (that resend would land at 5:10, outside the window): left for after the window.
    expect(report.outcomes['retry-later']).toBe(1);
    expect(posts(server, news(g)).map((r) => r.status)).toEqual([200, 429]);
    const reads = () => server.requests.filter((r) => r.method === 'GET' && r.route === `/channels/${news(g)}/messages`);
    expect(reads()).toHaveLength(0);
    const d = (await b.plugin.store()!.getDelivery(g.id, '2019-08-23'))!;
    expect(d).toMatchObject({ status: 'retry', maybePosted: true });
    expect(d.nextAttemptAt! - clocks.wall().getTime()).toBeGreaterThan(40_000 - 5_000);
    // Then, the window over, the channel is read instead of resending: the copy is there.
    clocks.advance(MIN);
    expect((await b.plugin.runner()!.tick()).outcomes.sent).toBe(1);
    expect(reads()).toHaveLength(1);
    expect(posts(server, news(g))).toHaveLength(2);
    expect(created(server, news(g))).toHaveLength(1);
    expect(await b.plugin.store()!.getDelivery(g.id, '2019-08-23')).toMatchObject({ status: 'sent', messageId: created(server, news(g))[0]!.id });
    clocks.advance(MIN);
    await b.plugin.runner()!.tick();
    expect(posts(server, news(g))).toHaveLength(2);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('point 3: a request whose answer does not come before its deadline is abandoned inside the window, and the channel decides', async () => {
    const clocks = new Clocks('2019-08-22T12:00:00Z');
    const gs = guilds(1);
    const g = gs[0]!;
    const server = await fakeDiscord(gs, clocks);
    const { db } = tempDb();
    // A 1-second usable window (real time) so the deadline passes during the test.
    const a = await boot(server, db, clocks, { runner: { nonceWindowMs: 61_000, nonceMarginMs: 60_000 } });
    await subscribe(server, g, '08:00');
    clocks.set('2019-08-23T08:00:00Z');
    let release!: () => void;
    server.holdResponses(postTo(news(g)), new Promise<void>((r) => (release = r)));
    const t0 = performance.now();
    const first = await within(5_000, a.plugin.runner()!.tick(), 'the tick');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
    release();
    // Aborted at its deadline: perhaps posted, so no resend now; a later tick, after the window, reads the channel.
    expect(first.outcomes['retry-later']).toBe(1);
    expect(posts(server, news(g))).toHaveLength(1);
    expect(await a.plugin.store()!.getDelivery(g.id, '2019-08-23')).toMatchObject({ status: 'retry', maybePosted: true });
    clocks.advance(2 * MIN);
    expect((await a.plugin.runner()!.tick()).outcomes.sent).toBe(1);
    expect(posts(server, news(g))).toHaveLength(1);
    expect(created(server, news(g))).toHaveLength(1);
  });

  it("point 4: one channel's 429 Retry-After 3600 and another's hanging answer hold up no other server, and stop finishes promptly", async () => {
    const clocks = new Clocks('2019-08-22T12:00:00Z');
    const gs = guilds(4);
    const [limited, fine, slow, later] = gs as [FakeGuild, FakeGuild, FakeGuild, FakeGuild];
    const server = await fakeDiscord(gs, clocks);
    const { db, reopen } = tempDb();
    const a = await boot(server, db, clocks);
    for (const g of [limited, fine, slow]) await subscribe(server, g, '08:00');
    await subscribe(server, later, '08:01');
    server.injectResponse(postTo(news(limited)), {
      status: 429,
      headers: { 'retry-after': '3600', 'x-ratelimit-scope': 'user' },
      body: { message: 'You are being rate limited.', retry_after: 3600, global: false },
    });
    let release!: () => void;
    server.holdResponses(postTo(news(slow)), new Promise<void>((r) => (release = r)));

    clocks.set('2019-08-23T08:00:00Z');
    const first = a.plugin.runner()!.tick();
    await server.waitForRequest(postTo(news(slow)));
    await server.waitForRequest((r) => postTo(news(limited))(r) && r.status === 429);
    clocks.set('2019-08-23T08:01:00Z');
    // The next tick does not wait for the pass still holding the slow channel.
    const second = await within(5_000, a.plugin.runner()!.tick(), 'the next tick');
    expect(second.outcomes.sent).toBe(1);
    expect(created(server, news(later))).toHaveLength(1);
    expect(created(server, news(fine))).toHaveLength(1);
    // The 429 was not waited out: left to a tick an hour later.
    const d = (await a.plugin.store()!.getDelivery(limited.id, '2019-08-23'))!;
    expect(d).toMatchObject({ status: 'retry', maybePosted: false });
    expect(d.nextAttemptAt! - Date.parse('2019-08-23T08:00:00Z')).toBeGreaterThanOrEqual(3600_000);

    // Stop: the hanging send is abandoned after the grace period and left to a later tick.
    const t0 = performance.now();
    await within(3_000, a.bot.stop(), 'stop');
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect((await first).outcomes).toMatchObject({ sent: 1, 'retry-later': 1, interrupted: 1 });
    expect(await a.plugin.store()!.getDelivery(slow.id, '2019-08-23')).toMatchObject({ status: 'retry', maybePosted: true });
    release();

    // The next process resends it with the same nonce inside the window: Discord keeps one.
    const b = await boot(server, reopen(), clocks);
    expect((await b.plugin.runner()!.tick()).outcomes.sent).toBe(1);
    expect(created(server, news(slow))).toHaveLength(1);
    clocks.advance(60 * MIN);
    expect((await b.plugin.runner()!.tick()).outcomes.sent).toBe(1);
    for (const g of gs) expect(created(server, news(g))).toHaveLength(1);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('point 5: a 5xx outage longer than the window: the channel is read before giving up; resent only if absent; unknown only where it cannot be read', async () => {
    const clocks = new Clocks('2019-08-22T12:00:00Z');
    const gs = guilds(3);
    const [postedAnyway, neverPosted, unreadable] = gs as [FakeGuild, FakeGuild, FakeGuild];
    const server = await fakeDiscord(gs, clocks);
    const { db } = tempDb();
    const a = await boot(server, db, clocks);
    for (const g of gs) await subscribe(server, g, '08:00');
    let outage = true;
    // Discord acts on the first request of two of them and answers 502 all the same; then nothing gets through.
    server.injectResponse(postTo(news(postedAnyway)), { status: 502, afterEffect: true });
    server.injectResponse(postTo(news(unreadable)), { status: 502, afterEffect: true });
    server.injectResponse((r) => outage && r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.route), { status: 502, times: 1_000 });
    // Reading a channel fails once too; the bot may not read the third one at all.
    server.injectResponse((r) => r.method === 'GET' && r.route === `/channels/${news(postedAnyway)}/messages`, { status: 503 });
    server.injectResponse((r) => r.method === 'GET' && r.route === `/channels/${news(unreadable)}/messages`, {
      status: 403,
      body: { message: 'Missing Access', code: 50001 },
      times: 100,
    });

    clocks.set('2019-08-23T08:00:00Z');
    for (let m = 0; m <= 20; m++) {
      if (m === 6) outage = false; // six minutes: longer than the window
      await within(10_000, a.plugin.runner()!.tick(), `the tick at minute ${m}`);
      clocks.advance(MIN);
    }
    const store = a.plugin.store()!;
    // Posted by the first request: found in the channel, recorded as sent, never posted again.
    expect(created(server, news(postedAnyway))).toHaveLength(1);
    expect(await store.getDelivery(postedAnyway.id, '2019-08-23')).toMatchObject({ status: 'sent', messageId: created(server, news(postedAnyway))[0]!.id });
    // Never posted: absent from the channel after the window, so sent again, once.
    expect(created(server, news(neverPosted))).toHaveLength(1);
    expect(await store.getDelivery(neverPosted.id, '2019-08-23')).toMatchObject({ status: 'sent', messageId: created(server, news(neverPosted))[0]!.id });
    // A channel that cannot be read: unknown, not resent, and the subscription stays on.
    expect(created(server, news(unreadable))).toHaveLength(1);
    expect(await store.getDelivery(unreadable.id, '2019-08-23')).toMatchObject({ status: 'unknown' });
    expect((await store.getDelivery(unreadable.id, '2019-08-23'))!.lastError).toMatch(/cannot be read to check .*50001/);
    expect((await store.getSubscription(unreadable.id))!.enabled).toBe(true);
    // No POST ever reached Discord after the window of the first one but the one resend.
    const okPosts = gs.map((g) => posts(server, news(g)).filter((r) => r.status === 200).length);
    expect(okPosts).toEqual([0, 1, 0]);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('point 6: a wall clock set back an hour does not stretch the window: 61 minutes later the channel is read, not a second copy sent', async () => {
    const clocks = new Clocks('2019-08-22T12:00:00Z');
    const gs = guilds(1);
    const g = gs[0]!;
    const server = await fakeDiscord(gs, clocks);
    const { db, reopen } = tempDb();
    const a = await boot(server, db, clocks);
    await subscribe(server, g, '08:00');
    server.injectResponse(postTo(news(g)), { status: 502, afterEffect: true }); // posted, but no clear answer
    server.injectResponse(postTo(news(g)), { status: 502 }); // our second request in this attempt (discord.js resends nothing itself)
    clocks.set('2019-08-23T08:00:00Z');
    expect((await a.plugin.runner()!.tick()).outcomes['retry-later']).toBe(1);
    const d = (await a.plugin.store()!.getDelivery(g.id, '2019-08-23'))!;
    expect(d).toMatchObject({ status: 'retry', maybePosted: true });
    expect(d.nextAttemptAt! - Date.parse('2019-08-23T08:01:00Z')).toBeLessThan(5_000);
    await a.bot.stop();

    // 61 minutes pass, and the wall clock is set back an hour: it reads 08:01, the retry is due.
    clocks.advance(61 * MIN);
    clocks.stepWall(-60 * MIN);
    expect(Math.abs(clocks.wall().getTime() - Date.parse('2019-08-23T08:01:00Z'))).toBeLessThan(10_000);
    const b = await boot(server, reopen(), clocks); // another process, same machine: the same monotonic clock
    expect((await b.plugin.runner()!.tick()).outcomes.sent).toBe(1);
    // A resend now would be outside Discord's window (61 minutes by its clock): it would post a second copy.
    expect(posts(server, news(g)).filter((r) => r.status === 200)).toHaveLength(0);
    expect(created(server, news(g))).toHaveLength(1);
    expect(await b.plugin.store()!.getDelivery(g.id, '2019-08-23')).toMatchObject({ status: 'sent', messageId: created(server, news(g))[0]!.id });
  });

  it('point 11: counts 401/403/429 answers in a sliding 10 minutes: warns, pauses digests at the threshold, resumes when the window has cleared', async () => {
    const clocks = new Clocks('2019-08-22T12:00:00Z');
    const gs = guilds(6);
    const server = await fakeDiscord(gs, clocks);
    const { db } = tempDb();
    // Thresholds scaled down (1,000 and 5,000 in production); the window is the real 10 minutes.
    const a = await boot(server, db, clocks, { invalidRequests: { warnAt: 3, pauseAt: 5 } });
    const blocked = gs.slice(0, 5);
    const waiting = gs[5]!;
    for (const g of blocked) await subscribe(server, g, '08:00');
    await subscribe(server, waiting, '08:01');
    for (const g of blocked) server.injectResponse(postTo(news(g)), { status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    clocks.set('2019-08-23T08:00:00Z');
    expect((await a.plugin.runner()!.tick()).outcomes.disabled).toBe(5);
    expect(a.plugin.invalidRequests()!.count()).toBe(5);
    const logs = a.logRecords();
    expect(logs.filter((l) => /^many invalid requests/.test(String(l.msg)))).toHaveLength(1);
    expect(logs.filter((l) => /digests paused: too many invalid requests/.test(String(l.msg)))).toHaveLength(1);

    clocks.set('2019-08-23T08:01:00Z');
    expect((await a.plugin.runner()!.tick()).outcomes.paused).toBe(1);
    clocks.set('2019-08-23T08:09:59Z');
    expect((await a.plugin.runner()!.tick()).outcomes.paused).toBe(1);
    expect(posts(server, news(waiting))).toHaveLength(0);
    expect(await a.plugin.store()!.getDelivery(waiting.id, '2019-08-23')).toBeNull(); // nothing recorded while paused

    clocks.set('2019-08-23T08:10:01Z'); // the five have left the window
    expect((await a.plugin.runner()!.tick()).outcomes.sent).toBe(1);
    expect(created(server, news(waiting))).toHaveLength(1);
    expect(a.logRecords().some((l) => /digests resume/.test(String(l.msg)))).toBe(true);
  });
});
