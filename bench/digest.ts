/**
 * `npm run bench:digest [-- --subs 10000 --deliver 1000 --limit 50]`
 *
 * 1. Compose: the digests of 10,000 subscriptions (zones, times and place filters spread out) over the
 *    whole dataset (seed + UCDP GED), as the scheduler does it (store lookups included), on a day the
 *    GED data covers. Figures: ms in all and per digest, cold (first pass) and warm.
 * 2. Deliver: 1,000 digests to 1,000 servers through the real discord.js client and the local
 *    Discord-compatible server (testkit/fake-discord.ts), which here enforces Discord's global limit
 *    of 50 requests per second (any 1-second window, by arrival) and answers excess with a global 429
 *    (Retry-After, X-RateLimit-Global, X-RateLimit-Scope: global) as Discord does. Figures: requests per
 *    second achieved against the limit, and the number of 429s.
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { digest } from '../commands/digest/index.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import { createDigestPlugin } from '../src/digest/discord-plugin.ts';
import { DigestRunner, incidentIds } from '../src/digest/runner.ts';
import { SqliteDigestStore } from '../src/digest/sqlite-digest-store.ts';
import type { Subscription } from '../src/core/digest/types.ts';
import { createBot } from '../src/discord/bot.ts';
import { createLogger } from '../src/discord/logger.ts';
import { openDatabase } from '../src/storage/db.ts';
import { FakeDiscord, snowflake, type FakeGuild } from '../testkit/fake-discord.ts';

if (!isMainThread) {
  await serveDiscord(workerData as { guilds: FakeGuild[]; limit: number });
} else {
  await main();
}

/** The local Discord server, on the worker thread, enforcing the global limit by arrival time (testkit/fake-discord.ts). */
async function serveDiscord({ guilds, limit }: { guilds: FakeGuild[]; limit: number }): Promise<void> {
  const server = await new FakeDiscord({ guilds, validateBodies: false, globalRateLimit: limit }).start();
  const okAt: number[] = [];
  server.onRequest((r) => {
    if (r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.route) && r.status === 200) okAt.push(performance.now());
  });
  parentPort!.postMessage({ token: server.token, applicationId: server.applicationId, apiUrl: server.apiUrl });
  parentPort!.on('message', async (msg) => {
    if (msg === 'report') {
      const maxInOneSecond = server.mostInOneSecond();
      const tooMany = server.globalRateLimited;
      const messages = [...server.channelMessages.values()].reduce((n, l) => n + l.length, 0);
      parentPort!.postMessage({ ok: okAt.length, tooMany, first: okAt[0] ?? 0, last: okAt.at(-1) ?? 0, maxInOneSecond, messages });
    } else if (msg === 'stop') {
      await server.stop();
      parentPort!.postMessage('stopped');
    }
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { subs: { type: 'string', default: '10000' }, deliver: { type: 'string', default: '1000' }, limit: { type: 'string', default: '50' } },
  });
  const SUBS = Number(values.subs);
  const DELIVER = Number(values.deliver);
  const LIMIT = Number(values.limit);

  const ZONES = [
    'Asia/Baghdad',
    'Europe/London',
    'America/New_York',
    'UTC',
    'Asia/Damascus',
    'Europe/Berlin',
    'Asia/Tokyo',
    'America/Los_Angeles',
    'Australia/Sydney',
    'Asia/Kolkata',
  ];
  const PLACES = [null, null, 'iraq', 'syria', 'diyala-province', 'homs', 'aleppo-governorate', 'nineveh-province'];
  const silentSender = { send: async () => ({ id: '0' }) };

  const t0 = performance.now();
  const ds = loadDataset();
  const loadMs = performance.now() - t0;
  const places = PLACES.filter((p) => p === null || ds.gazetteer.get(p));

  // ---------------------------------------------------------------- 1. compose
  {
    const db = openDatabase({ memory: true });
    const store = new SqliteDigestStore(db);
    const at = Date.parse('2019-06-15T00:00:00Z');
    await store.recordSeen(incidentIds(ds), at - 86_400_000); // baseline
    const subs: Subscription[] = [];
    for (let i = 0; i < SUBS; i++) {
      subs.push(
        await store.setSubscription(
          {
            guildId: String(100000000000000000n + BigInt(i)),
            channelId: String(200000000000000000n + BigInt(i)),
            time: `${String(i % 24).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`,
            timeZone: ZONES[i % ZONES.length]!,
            placeId: places[i % places.length] ?? null,
          },
          at - 3600_000,
        ),
      );
    }
    const runner = new DigestRunner({ store, dataset: () => ds, sender: silentSender });
    const pass = async () => {
      const s = performance.now();
      let bytes = 0;
      for (const sub of subs) bytes += (await runner.composeFor(sub, '2019-06-15', at, ds, at)).body.length; // the dataset as recorded at `at`
      return { ms: performance.now() - s, bytes };
    };
    const cold = await pass();
    const warm = await pass();
    console.log(`compose: ${SUBS} digests over ${ds.raw.incidents.length} incidents (data loaded in ${loadMs.toFixed(0)} ms)`);
    console.log(`  cold: ${cold.ms.toFixed(0)} ms in all, ${((cold.ms / SUBS) * 1000).toFixed(0)} µs per digest`);
    console.log(
      `  warm: ${warm.ms.toFixed(0)} ms in all, ${((warm.ms / SUBS) * 1000).toFixed(0)} µs per digest (avg body ${(warm.bytes / SUBS / 1024).toFixed(1)} KiB)`,
    );
    db.close();
  }

  // ---------------------------------------------------------------- 2. deliver
  {
    const guilds: FakeGuild[] = Array.from({ length: DELIVER }, (_, i) => ({
      id: snowflake(),
      name: `Bench ${i}`,
      channels: [{ id: snowflake(), name: 'news' }],
    }));
    // The server runs on its own thread, as Discord is elsewhere: its arrival times are not our event loop's.
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: { guilds, limit: LIMIT } });
    const ask = <T>(msg: unknown): Promise<T> =>
      new Promise((resolve) => {
        worker.once('message', resolve);
        if (msg) worker.postMessage(msg);
      });
    const srv = await ask<{ token: string; applicationId: string; apiUrl: string }>(null);

    const db = openDatabase({ memory: true });
    const clock = () => new Date('2019-06-15T08:00:00Z');
    const plugin = createDigestPlugin({ db, dataset: () => ds, clock, cron: null, runner: { concurrency: 16 } });
    const config = { token: srv.token, applicationId: srv.applicationId, apiUrl: srv.apiUrl, shardCount: 1, logLevel: 'error' as const };
    const bot = createBot({
      config,
      commands: [digest],
      dataset: () => ds,
      now: clock,
      plugins: [plugin],
      logger: createLogger({
        level: 'error',
        secrets: [config.token],
        destination: new Writable({ write: (c: Buffer, _e, cb) => void process.stderr.write(c, () => cb()) }),
      }),
    });
    await bot.start();
    const store = plugin.store()!;
    for (const [i, g] of guilds.entries())
      await store.setSubscription(
        { guildId: g.id, channelId: g.channels[0]!.id, time: '08:00', timeZone: 'UTC', placeId: places[i % places.length] ?? null },
        Date.parse('2019-06-14T00:00:00Z'),
      );
    let paused = 0;
    bot.client.rest.on('rateLimited', () => paused++);
    const start = performance.now();
    const report = await plugin.runner()!.tick();
    const wall = (performance.now() - start) / 1000;
    const r = await ask<{ ok: number; tooMany: number; first: number; last: number; maxInOneSecond: number; messages: number }>('report');
    const rate = (r.ok - 1) / ((r.last - r.first) / 1000);
    console.log(`deliver: ${DELIVER} digests to ${DELIVER} servers, server (own thread) enforcing ${LIMIT} req/s by arrival (global 429 beyond)`);
    console.log(`  sent ${report.outcomes.sent}, messages created ${r.messages}, wall ${wall.toFixed(1)} s`);
    console.log(
      `  ${rate.toFixed(1)} requests/s between first and last arrival (${((rate / LIMIT) * 100).toFixed(1)}% of the limit); most in any 1 s: ${r.maxInOneSecond}`,
    );
    console.log(`  429s from the server: ${r.tooMany} (discord.js's own global limiter paused ${paused} times)`);
    await bot.stop();
    await ask('stop');
    await worker.terminate();
    db.close();
  }
}
