import { REST } from 'discord.js';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlertRunner, restAlertSender } from '../src/alerts/alert-runner.ts';
import type { AlertStore } from '../src/alerts/alert-store.ts';
import { PgAlertStore } from '../src/alerts/pg-alert-store.ts';
import { SqliteAlertStore } from '../src/alerts/sqlite-alert-store.ts';
import type { Dataset } from '../src/core/dataset.ts';
import { attributionFor } from '../commands/kit/source-line.ts';
import type { Incident } from '../src/schema/index.ts';
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

const backends: { name: string; open(): Promise<AlertStore> }[] = [
  { name: 'SQLite', open: async () => new SqliteAlertStore(openDatabase({ memory: true })) },
  {
    name: 'PostgreSQL',
    async open() {
      const pool = await openPostgres(await pgServer.createDatabase(`alerts_${++databases}`), PG_MIGRATIONS);
      pools.push(pool);
      return new PgAlertStore(pool);
    },
  },
];

describe.each(backends)('alert store: $name', (backend) => {
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
      const r = new AlertRunner({ store, dataset: () => ds, sender: restAlertSender(digestRest), compose, logger: pino({ level: 'silent' }), clock: () => now });
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
