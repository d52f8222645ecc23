import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Dataset } from '../src/core/dataset.ts';
import { openRecordsSnapshot, writeRecordsSnapshot } from '../src/data/records-snapshot.ts';
import { DigestRunner, digestNonce, incidentIds, type DigestRunnerOptions } from '../src/digest/runner.ts';
import type { DigestMessageBody, DigestSender } from '../src/digest/sender.ts';
import { PgDigestStore } from '../src/digest/pg-digest-store.ts';
import { SqliteDigestStore } from '../src/digest/sqlite-digest-store.ts';
import type { DigestStore } from '../src/digest/store.ts';
import { openDatabase, type Db } from '../src/storage/db.ts';
import { PG_MIGRATIONS } from '../src/storage/pg-schema/index.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import type { Incident } from '../src/schema/index.ts';
import { startTestPostgres, type TestPostgres } from '../testkit/postgres.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// The same suite on both backends: SQLite files, and PostgreSQL databases on a server started once for the file.
let server: TestPostgres | null = null;
let databases = 0;
const pools: pg.Pool[] = [];
beforeAll(async () => {
  server = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  for (const p of pools.splice(0)) await p.end();
});

interface Backend {
  name: string;
  /** A new, empty place for the state (a folder, a database), which several "processes" may open. */
  fresh(): Promise<string>;
  open(at: string): Promise<{ store: DigestStore; sql(query: string): Promise<Record<string, unknown>[]> }>;
}
const backends: Backend[] = [
  {
    name: 'SQLite',
    fresh: async () => {
      const d = mkdtempSync(join(tmpdir(), 'digest-test-'));
      dirs.push(d);
      return d;
    },
    async open(dir) {
      const db = openDatabase({ stateDir: dir });
      dbs.push(db);
      return {
        store: new SqliteDigestStore(db),
        async sql(q) {
          if (q.startsWith('SELECT')) return db.prepare(q).all() as Record<string, unknown>[];
          db.prepare(q).run();
          return [];
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    fresh: () => server!.createDatabase(`delivery_${++databases}`),
    async open(url) {
      const pool = await openPostgres(url, PG_MIGRATIONS);
      pools.push(pool);
      return { store: new PgDigestStore(pool), sql: async (q) => (await pool.query(q)).rows as Record<string, unknown>[] };
    },
  },
];
/** The backend of the suite running now (set by describe.each's beforeAll). */
let backend: Backend = backends[0]!;

const apiError = (status: number, code: number, message: string) => Object.assign(new Error(message), { status, code, name: 'DiscordAPIError' });

/**
 * Posts like Discord: a message id per post, and with enforce_nonce the first message again for a
 * repeated nonce — with `now` set, only within `nonceWindowMs` of that first message, as Discord does.
 */
class FakeSender implements DigestSender {
  readonly posted: { channelId: string; body: DigestMessageBody; id: string; at: number }[] = [];
  readonly requests: { channelId: string; body: DigestMessageBody }[] = [];
  readonly failures: (Error | null)[] = [];
  /** Requests that post the message and then fail anyway (a timeout after Discord created it). */
  readonly failuresAfterPosting: Error[] = [];
  /** Set to hold every request until released (a process dying mid-request). */
  hold: Promise<void> | null = null;
  now: (() => number) | null = null;
  nonceWindowMs = 5 * 60_000;
  private n = 0;
  async send(channelId: string, body: DigestMessageBody) {
    this.requests.push({ channelId, body });
    if (this.hold) await this.hold;
    const f = this.failures.shift();
    if (f) throw f;
    const at = this.now?.() ?? 0;
    const dup =
      body.enforce_nonce && this.posted.find((p) => p.channelId === channelId && p.body.nonce === body.nonce && (!this.now || at - p.at <= this.nonceWindowMs));
    let id = dup ? dup.id : null;
    if (!id) {
      id = String(1_000_000 + ++this.n);
      this.posted.push({ channelId, body, id, at });
    }
    const after = this.failuresAfterPosting.shift();
    if (after) throw after;
    return { id };
  }
}

class Clock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  set(iso: string) {
    this.t = Date.parse(iso);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

async function setup(opts: { at?: string; clock?: Clock; sender?: FakeSender; dataset?: () => Dataset; runner?: Partial<DigestRunnerOptions> } = {}) {
  const at = opts.at ?? (await backend.fresh());
  const { store, sql } = await backend.open(at);
  const clock = opts.clock ?? new Clock(Date.parse('2019-08-22T12:00:00Z'));
  const sender = opts.sender ?? new FakeSender();
  const ds = seedDataset();
  const runner = new DigestRunner({
    store,
    dataset: opts.dataset ?? (() => ds),
    sender,
    clock: clock.now,
    sleep: async () => {},
    retry: { requests: 3, baseDelayMs: 1 },
    rateLimit: { limit: 1000, windowMs: 1000 },
    ...opts.runner,
  });
  return { at, sql, store, clock, sender, runner };
}

const subscribe = async (
  store: DigestStore,
  guildId: string,
  at: number,
  extra: Partial<{ time: string; timeZone: string; channelId: string; placeId: string | null }> = {},
) =>
  store.setSubscription(
    {
      guildId,
      channelId: extra.channelId ?? `c${guildId}`,
      time: extra.time ?? '08:00',
      timeZone: extra.timeZone ?? 'Asia/Baghdad',
      placeId: extra.placeId ?? null,
    },
    at,
  );

describe.each(backends)('digest delivery on $name', (b) => {
  beforeAll(() => {
    backend = b;
  });

  it('records the delivery before sending, marks it sent with the message id, and never sends it twice', async () => {
    const { store, clock, sender, runner } = await setup();
    await subscribe(store, 'g1', clock.t);
    clock.set('2019-08-23T04:59:00Z');
    expect((await runner.tick()).due).toBe(0);
    clock.set('2019-08-23T05:00:00Z'); // 08:00 in Baghdad
    let seenRowDuringSend: string | undefined;
    const send = sender.send.bind(sender);
    sender.send = async (c, b) => {
      seenRowDuringSend = (await store.getDelivery('g1', '2019-08-23'))?.status;
      return send(c, b);
    };
    expect((await runner.tick()).outcomes.sent).toBe(1);
    expect(seenRowDuringSend).toBe('sending');
    const d = (await store.getDelivery('g1', '2019-08-23'))!;
    expect(d).toMatchObject({ status: 'sent', attempts: 1, messageId: sender.posted[0]!.id, digestDay: '2019-08-22', lastError: null });
    expect(sender.posted[0]!.body).toMatchObject({ nonce: digestNonce('g1', '2019-08-23'), enforce_nonce: true, allowed_mentions: { parse: [] } });
    expect(sender.posted[0]!.body.nonce.length).toBeLessThanOrEqual(25);
    clock.advance(60_000);
    await runner.tick();
    clock.set('2019-08-23T20:00:00Z');
    await runner.tick();
    expect(sender.requests).toHaveLength(1);
    clock.set('2019-08-24T05:00:00Z');
    await runner.tick();
    expect(sender.posted.map((p) => p.channelId)).toEqual(['cg1', 'cg1']);
  });

  it("catches up today's digest after a restart, and a restarted process does not resend a sent one", async () => {
    const first = await setup();
    await subscribe(first.store, 'g1', first.clock.t);
    await subscribe(first.store, 'g2', first.clock.t, { time: '23:00' });
    first.clock.set('2019-08-23T05:00:00Z');
    await first.runner.tick();
    await first.runner.stop();
    expect(first.sender.posted).toHaveLength(1);
    // "restart" at 23:30 Baghdad time: g2 (23:00) was due meanwhile, g1 was sent
    const clock = new Clock(Date.parse('2019-08-23T20:30:00Z'));
    const again = await setup({ at: first.at, clock });
    const r = await again.runner.tick();
    expect(r.outcomes.sent).toBe(1);
    expect(again.sender.posted.map((p) => p.channelId)).toEqual(['cg2']);
  });

  it('retries 5xx and timeouts with backoff, then leaves it for a later tick; nothing lost or doubled', async () => {
    const { store, clock, sender, runner } = await setup({ runner: { nextAttempt: { baseMs: 60_000, maxMs: 600_000, maxAttemptsPerDay: 10 } } });
    await subscribe(store, 'g1', clock.t);
    clock.set('2019-08-23T05:00:00Z');
    const e500 = apiError(500, 0, 'Internal Server Error');
    const timeout = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    sender.failures.push(e500, timeout, e500, e500);
    expect((await runner.tick()).outcomes['retry-later']).toBe(1);
    expect(sender.requests).toHaveLength(3);
    const d = (await store.getDelivery('g1', '2019-08-23'))!;
    expect(d).toMatchObject({ status: 'retry', attempts: 3, nextAttemptAt: clock.t + 60_000 });
    expect(d.lastError).toContain('500');
    clock.advance(30_000);
    expect((await runner.tick()).due).toBe(0); // not yet
    clock.advance(30_000);
    expect((await runner.tick()).outcomes.sent).toBe(1); // one more 500, then it goes
    expect(sender.requests).toHaveLength(5);
    expect(new Set(sender.requests.map((r) => JSON.stringify(r.body))).size).toBe(1); // every attempt sends the same body
    expect(sender.posted).toHaveLength(1);
    expect(await store.getDelivery('g1', '2019-08-23')).toMatchObject({ status: 'sent', attempts: 5 });
  });

  it.each([
    [403, 50013, 'Missing Permissions', /50013/],
    [403, 50001, 'Missing Access', /50001/],
    [404, 10003, 'Unknown Channel', /10003/],
  ])('turns the subscription off at once on %i/%i and records why', async (status, code, message, why) => {
    const { store, clock, sender, runner } = await setup();
    await subscribe(store, 'g1', clock.t);
    clock.set('2019-08-23T05:00:00Z');
    sender.failures.push(apiError(status, code, message));
    expect((await runner.tick()).outcomes.disabled).toBe(1);
    expect(sender.requests).toHaveLength(1);
    const sub = (await store.getSubscription('g1'))!;
    expect(sub.enabled).toBe(false);
    expect(sub.disabledReason).toMatch(why);
    expect(await store.getDelivery('g1', '2019-08-23')).toMatchObject({ status: 'failed' });
    clock.set('2019-08-24T05:00:00Z');
    await runner.tick();
    expect(sender.requests).toHaveLength(1);
    // /digest set turns it back on
    await subscribe(store, 'g1', Date.parse('2019-08-24T06:00:00Z'));
    clock.set('2019-08-25T05:00:00Z');
    await runner.tick();
    expect(sender.posted).toHaveLength(1);
  });

  it('stops for the day on a body Discord rejects, keeping the subscription', async () => {
    const { store, clock, sender, runner } = await setup();
    await subscribe(store, 'g1', clock.t);
    clock.set('2019-08-23T05:00:00Z');
    sender.failures.push(apiError(400, 50035, 'Invalid Form Body'));
    expect((await runner.tick()).outcomes.failed).toBe(1);
    expect((await store.getSubscription('g1'))!.enabled).toBe(true);
    clock.advance(3600_000);
    await runner.tick();
    expect(sender.requests).toHaveLength(1);
  });

  it('a process killed mid-request is recovered with the same nonce, so Discord posts it once', async () => {
    const sender = new FakeSender();
    const a = await setup({ sender, runner: { owner: 'a' } });
    for (const g of ['g1', 'g2', 'g3']) await subscribe(a.store, g, a.clock.t);
    a.clock.set('2019-08-23T05:00:00Z');
    let release!: () => void;
    sender.hold = new Promise((r) => (release = r));
    const tick = a.runner.tick();
    await vi.waitFor(() => expect(sender.requests).toHaveLength(3), { timeout: 10_000, interval: 5 }); // all three requests are out
    const killed = a.runner.kill();
    release(); // the requests under way now arrive, as they did before the kill
    await killed;
    await tick;
    sender.hold = null;
    // Discord received (and posted) all three; the killed process recorded none as sent
    expect(sender.posted).toHaveLength(3);
    expect(await Promise.all(['g1', 'g2', 'g3'].map(async (g) => (await a.store.getDelivery(g, '2019-08-23'))!.status))).toEqual([
      'sending',
      'sending',
      'sending',
    ]);
    const clock = new Clock(Date.parse('2019-08-23T05:00:30Z'));
    const b = await setup({ at: a.at, clock, sender, runner: { owner: 'b' } });
    expect((await b.runner.tick()).due).toBe(0); // a's attempts are trusted for a minute
    clock.set('2019-08-23T05:01:00Z');
    expect((await b.runner.tick()).outcomes.sent).toBe(3);
    expect(sender.posted).toHaveLength(3); // deduplicated by nonce
    expect(sender.requests).toHaveLength(6);
    for (const g of ['g1', 'g2', 'g3']) expect(await b.store.getDelivery(g, '2019-08-23')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('does not resend an attempt of a dead process older than the nonce window: never a second copy', async () => {
    const sender = new FakeSender();
    const a = await setup({ sender, runner: { owner: 'a' } });
    await subscribe(a.store, 'g1', a.clock.t);
    a.clock.set('2019-08-23T05:00:00Z');
    let release!: () => void;
    sender.hold = new Promise((r) => (release = r));
    const tick = a.runner.tick();
    await vi.waitFor(() => expect(sender.requests).toHaveLength(1), { timeout: 10_000, interval: 5 }); // the request is out
    const killed = a.runner.kill();
    release();
    await Promise.all([killed, tick]);
    sender.hold = null;
    const b = await setup({ at: a.at, clock: new Clock(Date.parse('2019-08-23T05:30:00Z')), sender, runner: { owner: 'b' } });
    expect((await b.runner.tick()).outcomes.unknown).toBe(1);
    expect(sender.requests).toHaveLength(1);
    expect(await b.store.getDelivery('g1', '2019-08-23')).toMatchObject({ status: 'unknown' });
    expect((await b.store.getDelivery('g1', '2019-08-23'))!.lastError).toMatch(/stopped while/);
  });

  it('with shards, only the process holding the guild sends', async () => {
    const sender = new FakeSender();
    const a = await setup({ sender, runner: { holdsGuild: (g) => g === 'g1' } });
    await subscribe(a.store, 'g1', a.clock.t);
    await subscribe(a.store, 'g2', a.clock.t);
    const b = await setup({ at: a.at, sender, clock: a.clock, runner: { holdsGuild: (g) => g === 'g2' } });
    a.clock.set('2019-08-23T05:00:00Z');
    await Promise.all([a.runner.tick(), b.runner.tick(), a.runner.tick()]);
    expect(sender.posted.map((p) => p.channelId).sort()).toEqual(['cg1', 'cg2']);
  });

  it('first run records existing incidents as a baseline, so the first digest has no flood of late reports; later additions are late reports exactly once', async () => {
    const seed = seedDataset();
    let current = seed;
    const { store, clock, sender, runner } = await setup({ dataset: () => current });
    await runner.recordDataset();
    expect((await store.seenLog()).size).toBe(0); // all baseline
    await subscribe(store, 'g1', clock.t, { timeZone: 'UTC' });
    const base = seed.raw.incidents[0]!;
    const mk = (id: string, date: string): Incident => ({ ...base, id, date: { date, precision: 'exact' } });
    const days = ['2019-08-23', '2019-08-24', '2019-08-25', '2019-08-26', '2019-08-27', '2019-08-28'];
    const added: Incident[] = [];
    const all: string[] = [];
    for (const [i, day] of days.entries()) {
      // each morning before the digest: one incident of yesterday, one late (a week ago), one of today
      const fresh = [mk(`t-${i}-yesterday`, days[i - 1] ?? '2019-08-22'), mk(`t-${i}-late`, '2019-08-10'), mk(`t-${i}-today`, day)];
      added.push(...fresh);
      current = new Dataset({ ...seed.raw, incidents: [...seed.raw.incidents, ...added] });
      clock.set(`${day}T06:00:00Z`);
      await runner.tick();
      clock.set(`${day}T08:00:00Z`);
      if (day === '2019-08-25') continue; // the bot is down all day: no digest for the 25th
      await runner.tick();
      const d = sender.posted.at(-1)!.body.embeds![0] as { description: string };
      all.push(...[...d.description.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!));
    }
    expect(sender.posted).toHaveLength(5);
    // every incident dated up to the last digest's day is listed exactly once
    const expected = [...seed.raw.incidents, ...added].filter((inc) => inc.date.date <= '2019-08-27' && inc.date.date >= '2019-08-22').map((i) => i.id);
    const lateOnes = added.filter((a) => a.id.endsWith('-late')).map((a) => a.id);
    expect([...all].sort()).toEqual([...new Set([...expected, ...lateOnes])].sort());
    expect(new Set(all).size).toBe(all.length);
  });
  it("a 23:50 digest that failed just before midnight is still sent after it, as that day's digest, and the next day's follows", async () => {
    const { store, clock, sender, runner } = await setup();
    await subscribe(store, 'g1', clock.t, { time: '23:50', timeZone: 'America/New_York' });
    clock.set('2019-08-23T03:58:00Z'); // 23:58 EDT on 22 August (the bot was busy until then)
    sender.failures.push(...Array.from({ length: 3 }, () => apiError(503, 0, 'Service Unavailable')));
    expect((await runner.tick()).outcomes['retry-later']).toBe(1);
    clock.set('2019-08-23T04:00:30Z'); // 00:00:30 on 23 August
    expect((await runner.tick()).outcomes.sent).toBe(1);
    expect(await store.getDelivery('g1', '2019-08-22')).toMatchObject({ status: 'sent', digestDay: '2019-08-21' });
    expect(await store.getDelivery('g1', '2019-08-23')).toBeNull();
    clock.set('2019-08-24T03:50:00Z');
    expect((await runner.tick()).outcomes.sent).toBe(1);
    expect(await store.getDelivery('g1', '2019-08-23')).toMatchObject({ status: 'sent', digestDay: '2019-08-22' });
    expect(sender.posted).toHaveLength(2);
  });

  it('a 23:50 digest the bot was down for (23:45 to 00:05) is sent at 00:05, once', async () => {
    const { store, clock, sender, runner } = await setup();
    await subscribe(store, 'g1', clock.t, { time: '23:50', timeZone: 'America/New_York' });
    clock.set('2019-08-23T03:45:00Z');
    await runner.tick();
    clock.set('2019-08-23T04:05:00Z');
    expect((await runner.tick()).outcomes.sent).toBe(1);
    clock.advance(60_000);
    expect((await runner.tick()).due).toBe(0);
    expect(await store.getDelivery('g1', '2019-08-22')).toMatchObject({ status: 'sent', digestDay: '2019-08-21' });
    expect(sender.posted).toHaveLength(1);
  });

  it('elapsed time decides the window: a clock set back is caught by the monotonic clock, and without a comparable one a time before the first request counts as too late', async () => {
    const sender = new FakeSender();
    let mono = 0;
    const a = await setup({ sender, runner: { owner: 'a', monotonic: { now: () => mono, origin: 'boot-1' } } });
    await subscribe(a.store, 'g1', a.clock.t);
    await subscribe(a.store, 'g2', a.clock.t);
    a.clock.set('2019-08-23T05:00:00Z');
    const e502 = apiError(502, 0, 'Bad Gateway');
    sender.failures.push(e502, e502, e502, e502, e502, e502); // both: no clear answer, perhaps posted
    expect((await a.runner.tick()).outcomes['retry-later']).toBe(2);
    expect(await a.store.getDelivery('g1', '2019-08-23')).toMatchObject({ maybePosted: true, firstAttemptMono: 0, monoOrigin: 'boot-1' });
    // 61 minutes pass; the wall clock is set back an hour: it says one minute.
    mono += 61 * 60_000;
    a.clock.set('2019-08-23T05:01:00Z');
    const b = await setup({ at: a.at, clock: a.clock, sender, runner: { owner: 'b', monotonic: { now: () => mono, origin: 'boot-1' } } });
    const c = await setup({ at: a.at, clock: a.clock, sender, runner: { owner: 'c', monotonic: { now: () => 0, origin: 'boot-2' } } });
    expect((await b.runner.tick()).outcomes.unknown).toBe(2); // no marker lookup in this fake: unknown, but never resent
    expect(sender.requests).toHaveLength(6);
    // Another machine (no comparable monotonic clock) whose wall clock is behind the first request: too late too.
    await subscribe(a.store, 'g3', Date.parse('2019-08-22T12:00:00Z'));
    a.clock.set('2019-08-23T05:10:00Z');
    sender.failures.push(e502, e502, e502);
    expect((await a.runner.tick()).outcomes['retry-later']).toBe(1);
    a.clock.set('2019-08-23T05:05:00Z'); // after the digest's time, before its first request
    await c.sql("UPDATE digest_deliveries SET next_attempt_at = 0 WHERE guild_id = 'g3'");
    expect((await c.runner.tick()).outcomes.unknown).toBe(1);
    expect(sender.requests).toHaveLength(9);
    expect(sender.posted).toHaveLength(0);
  });

  it("never resends after Discord's nonce window when a request got no clear answer (a timeout that did post)", async () => {
    const { store, clock, sender, runner } = await setup({ runner: { nextAttempt: { baseMs: 60_000, maxMs: 30 * 60_000, maxAttemptsPerDay: 24 } } });
    sender.now = () => clock.t;
    await subscribe(store, 'g1', clock.t);
    clock.set('2019-08-23T05:00:00Z');
    const timeout = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    const e502 = apiError(502, 0, 'Bad Gateway');
    sender.failuresAfterPosting.push(timeout); // the first request did create the message
    sender.failures.push(null, ...Array.from({ length: 8 }, () => e502)); // then Discord is down for a while
    // every minute for an hour: retries stay inside the 5 minutes from the first request, then it stops
    for (let m = 0; m < 60; m++, clock.advance(60_000)) await runner.tick();
    expect(sender.posted).toHaveLength(1);
    const d = (await store.getDelivery('g1', '2019-08-23'))!;
    expect(d.status).toBe('unknown');
    expect(d.lastError).toMatch(/may have been posted/);
    expect(d.firstAttemptAt).toBe(Date.parse('2019-08-23T05:00:00Z'));
    expect(sender.requests.length).toBeLessThanOrEqual(9);
  });

  it('backs off 1, 2, 4 minutes between rounds of a clear failure (429), and keeps retrying past the nonce window', async () => {
    const { store, clock, sender, runner } = await setup({ runner: { nextAttempt: { baseMs: 60_000, maxMs: 30 * 60_000, maxAttemptsPerDay: 24 } } });
    sender.now = () => clock.t;
    await subscribe(store, 'g1', clock.t);
    clock.set('2019-08-23T05:00:00Z');
    const e429 = Object.assign(apiError(429, 0, 'You are being rate limited.'), { rawError: { retry_after: 0.001 } });
    sender.failures.push(...Array.from({ length: 9 }, () => e429));
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      const before = clock.t;
      expect((await runner.tick()).outcomes['retry-later']).toBe(1);
      const d = (await store.getDelivery('g1', '2019-08-23'))!;
      waits.push((d.nextAttemptAt! - before) / 60_000);
      clock.t = d.nextAttemptAt!;
    }
    expect(waits).toEqual([1, 2, 4]);
    expect(clock.t - Date.parse('2019-08-23T05:00:00Z')).toBeGreaterThan(5 * 60_000);
    expect((await runner.tick()).outcomes.sent).toBe(1); // a 429 posted nothing: safe to send after the window
    expect(sender.posted).toHaveLength(1);
  });

  it('an attempt still retrying renews its claim, so another process does not take it over as stale', async () => {
    const sender = new FakeSender();
    const clock = new Clock(Date.parse('2019-08-22T12:00:00Z'));
    let other!: Awaited<ReturnType<typeof setup>>;
    let otherReport: Awaited<ReturnType<DigestRunner['tick']>> | null = null;
    const a = await setup({
      sender,
      clock,
      runner: {
        owner: 'a',
        sleep: async () => {
          otherReport = await other.runner.tick(); // b ticks while a waits to retry
        },
      },
    });
    other = await setup({ at: a.at, sender, clock, runner: { owner: 'b' } });
    await subscribe(a.store, 'g1', clock.t);
    clock.set('2019-08-23T05:00:00Z');
    const send = sender.send.bind(sender);
    let calls = 0;
    sender.send = async (c, b) => {
      if (++calls === 1) {
        clock.advance(70_000); // a slow first request: 70 s, then a 503
        throw apiError(503, 0, 'Service Unavailable');
      }
      return send(c, b);
    };
    expect((await a.runner.tick()).outcomes.sent).toBe(1);
    expect(otherReport).toMatchObject({ due: 0 });
    expect(calls).toBe(2);
    expect(await a.store.getDelivery('g1', '2019-08-23')).toMatchObject({ status: 'sent', owner: 'a', attempts: 2 });
  });

  it('a retry goes to the channel /digest set moved the subscription to, unless an earlier request may have posted it', async () => {
    const { store, clock, sender, runner } = await setup({ runner: { concurrency: 1 } });
    await subscribe(store, 'g1', clock.t, { channelId: 'old1' });
    await subscribe(store, 'g2', clock.t, { channelId: 'old2' });
    clock.set('2019-08-23T05:00:00Z');
    const e429 = Object.assign(apiError(429, 0, 'rate limited'), { rawError: { retry_after: 0.001 } });
    const e500 = apiError(500, 0, 'Internal Server Error');
    sender.failures.push(e429, e429, e429, e500, e500, e500); // g1: clearly not posted; g2: perhaps posted
    await runner.tick();
    expect([(await store.getDelivery('g1', '2019-08-23'))!.status, (await store.getDelivery('g2', '2019-08-23'))!.status]).toEqual(['retry', 'retry']);
    await store.setSubscription({ guildId: 'g1', channelId: 'new1', time: '08:00', timeZone: 'Asia/Baghdad', placeId: null }, clock.t);
    await store.setSubscription({ guildId: 'g2', channelId: 'new2', time: '08:00', timeZone: 'Asia/Baghdad', placeId: null }, clock.t);
    clock.advance(60_000);
    expect((await runner.tick()).outcomes.sent).toBe(2);
    expect(sender.posted.map((p) => p.channelId).sort()).toEqual(['new1', 'old2']);
    expect((await store.getDelivery('g1', '2019-08-23'))!.channelId).toBe('new1');
  });

  it('a hot reload during a fan-out never lists an incident twice: each digest is composed from the dataset it recorded', async () => {
    const seed = seedDataset();
    let current = seed;
    const { store, clock, sender, runner } = await setup({ dataset: () => current, runner: { concurrency: 1 } });
    await runner.recordDataset();
    await subscribe(store, 'g1', clock.t, { timeZone: 'UTC' });
    await subscribe(store, 'g2', clock.t, { timeZone: 'UTC' });
    const base = seed.raw.incidents[0]!;
    const added: Incident = { ...base, id: 'reloaded-2019-08-22', date: { date: '2019-08-22', precision: 'exact' } };
    const send = sender.send.bind(sender);
    sender.send = async (c, b) => {
      // the dataset is reloaded while the first digest is being sent
      if (current === seed) current = new Dataset({ ...seed.raw, incidents: [...seed.raw.incidents, added] });
      clock.advance(1000);
      return send(c, b);
    };
    clock.set('2019-08-23T08:00:00Z');
    expect((await runner.tick()).outcomes.sent).toBe(2);
    clock.set('2019-08-24T08:00:00Z');
    expect((await runner.tick()).outcomes.sent).toBe(2);
    for (const g of ['cg1', 'cg2']) {
      const listed = sender.posted
        .filter((p) => p.channelId === g)
        .flatMap((p) => [...(p.body.embeds![0] as { description: string }).description.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!));
      expect(listed.filter((id) => id === added.id)).toHaveLength(1);
    }
  });

  it('records the incident ids of an on-disk snapshot from the index, reading no record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'digest-snap-'));
    dirs.push(dir);
    writeRecordsSnapshot(seedDataset(), join(dir, 'seed.snap'));
    const { ds: snap, reads: recordsReadFromDisk } = countingRecords(openRecordsSnapshot(join(dir, 'seed.snap')));
    const { store, runner, sql } = await setup({ dataset: () => snap });
    expect(await store.getMeta('seen_baseline_at')).toBeNull();
    await runner.recordDataset();
    expect(recordsReadFromDisk()).toBe(0);
    expect([...incidentIds(snap)].sort()).toEqual(
      seedDataset()
        .raw.incidents.map((i) => i.id)
        .sort(),
    );
    expect(((await sql('SELECT COUNT(*) AS n FROM incident_first_seen'))[0] as { n: number }).n).toBe(seedDataset().raw.incidents.length);
  });
});

/**
 * `ds` with the same records and index columns, counting the records read through it: through the
 * public Dataset constructor, so a test can tell a query answered from the index alone.
 */
function countingRecords(ds: Dataset): { ds: Dataset; reads: () => number } {
  let reads = 0;
  const incidents = new Proxy(ds.raw.incidents, {
    get(t, p, r) {
      if (typeof p === 'string' && /^\d+$/.test(p)) reads++;
      return Reflect.get(t, p, r);
    },
  });
  return { ds: new Dataset({ ...ds.raw, incidents }, ds.incidents.columns), reads: () => reads };
}
