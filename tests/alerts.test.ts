import { REST } from 'discord.js';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertRunner, restAlertSender } from '../src/alerts/alert-runner.ts';
import { ALERT_CLAIM_LEASE_MS, type AlertStore } from '../src/alerts/alert-store.ts';
import { PgAlertStore } from '../src/alerts/pg-alert-store.ts';
import { SqliteAlertStore } from '../src/alerts/sqlite-alert-store.ts';
import type { Dataset } from '../src/core/dataset.ts';
import { attributionFor } from '../commands/kit/source-line.ts';
import type { Incident } from '../src/schema/index.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { openDatabase } from '../src/storage/db.ts';
import { PG_MIGRATIONS } from '../src/storage/pg-schema/index.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import { startTestPostgres, type TestPostgres } from '../testkit/postgres.ts';
import { InvalidRequestCounter } from '../src/digest/invalid-requests.ts';
import { createDigestRest } from '../src/digest/sender.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';
import { FakeDiscord, snowflake } from '../testkit/fake-discord.ts';

const GUILD = snowflake();
const CH_ROLE = snowflake();
const CH_PLAIN = snowflake();
const ROLE = snowflake();

// The same suite on both stores: SQLite (in memory) and PostgreSQL (a fresh database per test, on a server started once).
let pgServer: TestPostgres;
let databases = 0;
const pools: pg.Pool[] = [];
beforeAll(async () => {
  pgServer = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  for (const p of pools.splice(0)) await p.end().catch(() => undefined);
  await pgServer?.stop();
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** `open`: a fresh store; `openShared`: two stores on one fresh database, as two processes have. */
const backends: { name: string; open(): Promise<AlertStore>; openShared(): Promise<[AlertStore, AlertStore]> }[] = [
  {
    name: 'SQLite',
    open: async () => new SqliteAlertStore(openDatabase({ memory: true })),
    async openShared() {
      const dir = mkdtempSync(join(tmpdir(), 'alerts-shared-'));
      dirs.push(dir);
      return [new SqliteAlertStore(openDatabase({ stateDir: dir })), new SqliteAlertStore(openDatabase({ stateDir: dir }))];
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const pool = await openPostgres(await pgServer.createDatabase(`alerts_${++databases}`), PG_MIGRATIONS);
      pools.push(pool);
      return new PgAlertStore(pool);
    },
    async openShared() {
      const url = await pgServer.createDatabase(`alerts_${++databases}`);
      const [a, b] = [await openPostgres(url, PG_MIGRATIONS), await openPostgres(url, PG_MIGRATIONS)];
      pools.push(a, b);
      return [new PgAlertStore(a), new PgAlertStore(b)];
    },
  },
];

describe.each(backends)('alert store: $name', (backend) => {
  it('the ledger across two processes: queued once per (channel, incident), claimed by one, taken over only after its lease', async () => {
    const [a, b] = await backend.openShared();
    const t = 1_000_000;
    const queued = await Promise.all([a.enqueue('g', 'c1', 'i1', t), b.enqueue('g', 'c1', 'i1', t), b.enqueue('g', 'c2', 'i1', t)]);
    expect(queued.filter(Boolean)).toHaveLength(2);
    expect((await a.due(t)).map((d) => [d.channelId, d.incidentId, d.status, d.attempts])).toEqual([
      ['c1', 'i1', 'queued', 0],
      ['c2', 'i1', 'queued', 0],
    ]);
    const claims = await Promise.all([a.claim('c1', 'i1', 0, t), b.claim('c1', 'i1', 0, t)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const owner = claims[0] ? a : b;
    const other = claims[0] ? b : a;
    // Claimed: not due for anyone until its lease (ALERT_CLAIM_LEASE_MS) runs out, as if its process died.
    expect((await other.due(t + ALERT_CLAIM_LEASE_MS - 1)).map((d) => d.channelId)).toEqual(['c2']);
    const stale = (await other.due(t + ALERT_CLAIM_LEASE_MS)).find((d) => d.channelId === 'c1')!;
    expect(stale).toMatchObject({ status: 'sending', attempts: 1, firstAttemptAt: t });
    expect(await other.claim('c1', 'i1', stale.attempts, t + ALERT_CLAIM_LEASE_MS)).toBe(true);
    expect(await owner.claim('c1', 'i1', 0, t + ALERT_CLAIM_LEASE_MS)).toBe(false); // its old attempt count no longer matches
    await other.markSent('c1', 'i1', 'm1', t + ALERT_CLAIM_LEASE_MS + 5);
    expect(await owner.get('c1', 'i1')).toMatchObject({ status: 'sent', messageId: 'm1', attempts: 2, lastError: null });
    expect(await owner.claim('c1', 'i1', 2, t + 10 * ALERT_CLAIM_LEASE_MS)).toBe(false); // sent: never again
    expect(await owner.sentSince('c1', t)).toEqual({ count: 1, oldest: t + ALERT_CLAIM_LEASE_MS + 5 });
    expect(await owner.sentSince('c2', t)).toEqual({ count: 0, oldest: null });
    // The hourly cap defers without counting an attempt; a retry keeps "may have been posted" once set.
    await a.defer('c2', 'i1', t + 50, 'cap');
    expect(await b.get('c2', 'i1')).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: t + 50, lastError: 'cap' });
    expect(await b.claim('c2', 'i1', 0, t + 50)).toBe(true);
    await b.markRetry('c2', 'i1', '502', t + 100, true);
    await b.markRetry('c2', 'i1', '503', t + 200, false);
    expect(await a.get('c2', 'i1')).toMatchObject({ status: 'queued', maybePosted: true, lastError: '503', nextAttemptAt: t + 200 });
    await a.markEnded('c2', 'i1', 'unknown', 'window passed');
    expect(await a.due(t + 10 * ALERT_CLAIM_LEASE_MS)).toEqual([]);
    // Subscriptions: set twice is one row; off keeps the filter; remove deletes it.
    await a.set({ guildId: 'g', channelId: 'c1', placeId: 'iraq', minCasualties: 3, roleId: null }, 'u', t);
    await b.set({ guildId: 'g', channelId: 'c1', placeId: null, minCasualties: 5, roleId: 'r' }, 'u', t + 1);
    await b.set({ guildId: 'h', channelId: 'c3', placeId: null, minCasualties: 0, roleId: null }, 'u', t + 1);
    await a.disable('h', 'c3', 'Missing Access', t + 2);
    expect(await a.forGuild('g')).toEqual([
      { guildId: 'g', channelId: 'c1', placeId: null, minCasualties: 5, roleId: 'r', enabled: true, disabledReason: null },
    ]);
    expect((await b.enabled()).map((s) => s.channelId)).toEqual(['c1']);
    expect((await b.all()).map((s) => [s.channelId, s.enabled, s.disabledReason])).toEqual([
      ['c1', true, null],
      ['c3', false, 'Missing Access'],
    ]);
    expect(await a.remove('h', 'c3')).toBe(true);
    expect(await a.remove('h', 'c3')).toBe(false);
  });

  let server: FakeDiscord;
  let rest: REST;
  let ds: Dataset;

  beforeAll(async () => {
    server = await new FakeDiscord({
      guilds: [
        {
          id: GUILD,
          name: 'g',
          channels: [
            { id: CH_ROLE, name: 'alerts' },
            { id: CH_PLAIN, name: 'big-alerts' },
          ],
        },
      ],
    }).start();
    rest = new REST({ api: server.apiUrl, retries: 0 }).setToken(server.token);
    ds = seedDataset();
  });
  afterAll(async () => {
    await server.stop();
  });

  const compose = (d: Dataset, inc: Incident) => ({ title: inc.summary, footer: { text: attributionFor(d, [inc.sourceId]) } });
  const posts = (channel: string) => server.requestsTo('POST', `/channels/${channel}/messages`);
  const incident = (id: string) => ds.incidents.get(id)!;

  describe('alerts, through the real discord.js REST client against the local server', () => {
    let now: number;
    let store: AlertStore;
    const runner = (maxPerHour = 10) =>
      new AlertRunner({ store, dataset: () => ds, sender: restAlertSender(rest), compose, logger: pino({ level: 'silent' }), clock: () => now, maxPerHour });

    beforeEach(async () => {
      now = Date.parse('2026-12-01T09:00:00Z');
      store = await backend.open();
    });

    it('posts each matching incident once, mentioning only the chosen role, and nothing again after a restart', async () => {
      await store.set({ guildId: GUILD, channelId: CH_ROLE, placeId: 'iraq', minCasualties: 0, roleId: ROLE }, 'admin', now);
      await store.set({ guildId: GUILD, channelId: CH_PLAIN, placeId: null, minCasualties: 10, roleId: null }, 'admin', now);
      const before = { role: posts(CH_ROLE).length, plain: posts(CH_PLAIN).length };
      const published = ['diyala-police-2019-08-22', 'daraa-security-post-2019-07-28', 'saladin-oilfields-2019-07-29'].map(incident);
      const r = runner();
      // Iraq: Diyala and Saladin (Daraa is in Syria). At least 10 killed + injured: none of the three states so many.
      expect(await r.onPublished(published)).toBe(2);
      expect(await r.tick()).toMatchObject({ sent: 2 });
      const sent = posts(CH_ROLE).slice(before.role);
      expect(sent).toHaveLength(2);
      for (const p of sent) {
        const body = p.body as { content: string; allowed_mentions: unknown; enforce_nonce: boolean };
        expect(body.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
        expect(body.content.startsWith(`<@&${ROLE}> New incident: `)).toBe(true);
        expect(body.content).not.toMatch(/@everyone|@here/);
        expect(body.enforce_nonce).toBe(true);
      }
      expect(posts(CH_PLAIN).length).toBe(before.plain);
      expect(server.invalidRequests()).toEqual([]);

      expect(await r.tick()).toMatchObject({ sent: 0 });
      const restarted = runner();
      expect(await restarted.onPublished(published)).toBe(0);
      expect(await restarted.tick()).toMatchObject({ sent: 0 });
      expect(posts(CH_ROLE).length).toBe(before.role + 2);
    });

    it('keeps to the hourly cap by deferring the rest, in order, and sends them when the hour has passed', async () => {
      await store.set({ guildId: GUILD, channelId: CH_PLAIN, placeId: null, minCasualties: 0, roleId: null }, 'admin', now);
      const before = posts(CH_PLAIN).length;
      const r = runner(2);
      expect(await r.onPublished(['homs-army-2019-08-18', 'daraa-security-post-2019-07-28', 'diyala-police-2019-08-22'].map(incident))).toBe(3);
      expect(await r.tick()).toMatchObject({ sent: 2, deferred: 1 });
      expect(posts(CH_PLAIN).length).toBe(before + 2);
      now += 30 * 60_000;
      expect(await r.tick()).toMatchObject({ sent: 0 });
      now += 31 * 60_000;
      expect(await r.tick()).toMatchObject({ sent: 1 });
      const bodies = posts(CH_PLAIN)
        .slice(before)
        .map((p) => (p.body as { content: string }).content);
      expect(bodies.at(-1)).toContain(incident('diyala-police-2019-08-22').summary.slice(0, 40));
      expect((posts(CH_PLAIN).at(-1)!.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [] });
    });

    it('turns a channel off with the reason when the bot may not post there, and queues nothing more for it', async () => {
      await store.set({ guildId: GUILD, channelId: CH_ROLE, placeId: null, minCasualties: 0, roleId: ROLE }, 'admin', now);
      server.injectResponse(
        { method: 'POST', route: `/channels/${CH_ROLE}/messages` },
        { status: 403, body: { message: 'Missing Permissions', code: 50013 }, times: 1 },
      );
      const r = runner();
      await r.onPublished([incident('homs-army-2019-08-18')]);
      expect(await r.tick()).toMatchObject({ disabled: 1 });
      expect((await store.forGuild(GUILD))[0]).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/50013/) });
      expect(await r.onPublished([incident('diyala-police-2019-08-22')])).toBe(0);
    });

    it('pauses with the digest on too many invalid requests: nothing is sent, the alert waits queued', async () => {
      await store.set({ guildId: GUILD, channelId: CH_PLAIN, placeId: null, minCasualties: 0, roleId: null }, 'admin', now);
      const before = posts(CH_PLAIN).length;
      let mono = 0;
      const invalid = new InvalidRequestCounter({ now: () => mono, warnAt: 1, pauseAt: 2, windowMs: 60_000 });
      invalid.record(403);
      invalid.record(429);
      const r = new AlertRunner({
        store,
        dataset: () => ds,
        sender: restAlertSender(rest),
        compose,
        logger: pino({ level: 'silent' }),
        clock: () => now,
        invalidRequests: invalid,
      });
      await r.onPublished([incident('homs-army-2019-08-18')]);
      expect(await r.tick()).toMatchObject({ paused: 1, sent: 0 });
      expect(posts(CH_PLAIN).length).toBe(before);
      mono += 61_000; // the window has cleared
      expect(await r.tick()).toMatchObject({ paused: 0, sent: 1 });
    });

    it("through the digest's REST manager a long rate limit is not waited out past the send's deadline; the alert is left for later, clearly not posted", async () => {
      await store.set({ guildId: GUILD, channelId: CH_PLAIN, placeId: null, minCasualties: 0, roleId: null }, 'admin', now);
      const before = posts(CH_PLAIN).length;
      const digestRest = createDigestRest({ api: server.apiUrl, retries: 0 }, server.token);
      server.injectResponse(
        { method: 'POST', route: `/channels/${CH_PLAIN}/messages` },
        {
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: 600, global: false },
          headers: { 'retry-after': '600', 'x-ratelimit-scope': 'user' },
          times: 1,
        },
      );
      const r = new AlertRunner({
        store,
        dataset: () => ds,
        sender: restAlertSender(digestRest),
        compose,
        logger: pino({ level: 'silent' }),
        clock: () => now,
      });
      await r.onPublished([incident('homs-army-2019-08-18')]);
      const t0 = performance.now();
      expect(await r.tick()).toMatchObject({ 'retry-later': 1, sent: 0 });
      expect(performance.now() - t0).toBeLessThan(3_000);
      const d = (await store.get(CH_PLAIN, 'homs-army-2019-08-18'))!;
      expect(d).toMatchObject({ status: 'queued', maybePosted: false });
      expect(d.nextAttemptAt).toBeGreaterThanOrEqual(now + 599_000);
      expect(posts(CH_PLAIN).length).toBe(before + 1); // the one request, answered 429
      digestRest.clearHashSweeper();
      digestRest.clearHandlerSweeper();
    });
  });
});
