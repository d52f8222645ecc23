/**
 * `npm run bench:digest [-- --subs 10000 --deliver 1000 --limit 50]`
 *
 * 1. Compose: the digests of 10,000 subscriptions (zones, times and place filters spread out) over the
 *    whole dataset (seed + UCDP GED), as the scheduler does it (store lookups included), on a day the
 *    GED data covers. Figures: ms in all and per digest, cold (first pass) and warm.
 * 2. Deliver: 1,000 digests to 1,000 servers through the real discord.js client and the local
 *    Discord-compatible server (tests/support/fake-discord.ts), which here enforces Discord's global limit
 *    of 50 requests per second (any 1-second window, by arrival) and answers excess with a global 429
 *    (Retry-After, X-RateLimit-Global, X-RateLimit-Scope: global) as Discord does. Figures: requests per
 *    second achieved against the limit, and the number of 429s.
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { digest } from '../commands/digest.ts';
import { loadDataset } from '../src/core/dataset.ts';
import { createDigestPlugin } from '../src/digest/discord-plugin.ts';
import { DigestRunner } from '../src/digest/runner.ts';
import { DigestStore } from '../src/digest/store.ts';
import { createBot } from '../src/discord/bot.ts';
import { createLogger } from '../src/discord/logger.ts';
import { openDatabase } from '../src/storage/db.ts';
import { FakeDiscord, snowflake, type FakeGuild, type InjectedResponse } from '../tests/support/fake-discord.ts';
import { configFor } from '../tests/support/harness.ts';

const { values } = parseArgs({ options: { subs: { type: 'string', default: '10000' }, deliver: { type: 'string', default: '1000' }, limit: { type: 'string', default: '50' } } });
const SUBS = Number(values.subs);
const DELIVER = Number(values.deliver);
const LIMIT = Number(values.limit);

const ZONES = ['Asia/Baghdad', 'Europe/London', 'America/New_York', 'UTC', 'Asia/Damascus', 'Europe/Berlin', 'Asia/Tokyo', 'America/Los_Angeles', 'Australia/Sydney', 'Asia/Kolkata'];
const PLACES = [null, null, 'iraq', 'syria', 'diyala-province', 'homs', 'aleppo-governorate', 'nineveh-province'];
const silentSender = { send: async () => ({ id: '0' }) };

const t0 = performance.now();
const ds = loadDataset();
const loadMs = performance.now() - t0;
const places = PLACES.filter((p) => p === null || ds.gazetteer.get(p));

// ---------------------------------------------------------------- 1. compose
{
  const db = openDatabase({ memory: true });
  const store = new DigestStore(db);
  const at = Date.parse('2019-06-15T00:00:00Z');
  store.recordSeen(ds.raw.incidents.map((i) => i.id), at - 86_400_000); // baseline
  const subs: ReturnType<typeof store.setSubscription>[] = [];
  for (let i = 0; i < SUBS; i++) {
    subs.push(
      store.setSubscription(
        { guildId: String(100000000000000000n + BigInt(i)), channelId: String(200000000000000000n + BigInt(i)), time: `${String(i % 24).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`, timeZone: ZONES[i % ZONES.length]!, placeId: places[i % places.length] ?? null },
        at - 3600_000,
      ),
    );
  }
  const runner = new DigestRunner({ store, dataset: () => ds, sender: silentSender });
  const pass = () => {
    const s = performance.now();
    let bytes = 0;
    for (const sub of subs) bytes += runner.composeFor(sub, '2019-06-15', at).body.length;
    return { ms: performance.now() - s, bytes };
  };
  const cold = pass();
  const warm = pass();
  console.log(`compose: ${SUBS} digests over ${ds.raw.incidents.length} incidents (data loaded in ${loadMs.toFixed(0)} ms)`);
  console.log(`  cold: ${cold.ms.toFixed(0)} ms in all, ${((cold.ms / SUBS) * 1000).toFixed(0)} µs per digest`);
  console.log(`  warm: ${warm.ms.toFixed(0)} ms in all, ${((warm.ms / SUBS) * 1000).toFixed(0)} µs per digest (avg body ${(warm.bytes / SUBS / 1024).toFixed(1)} KiB)`);
  db.close();
}

// ---------------------------------------------------------------- 2. deliver
{
  const guilds: FakeGuild[] = Array.from({ length: DELIVER }, (_, i) => ({ id: snowflake(), name: `Bench ${i}`, channels: [{ id: snowflake(), name: 'news' }] }));
  const server = await new FakeDiscord({ guilds, validateBodies: false }).start();
  // Discord's global limit, enforced by arrival time over any 1-second window.
  const arrivals: number[] = [];
  let tooMany = 0;
  const limited: InjectedResponse = { status: 429, times: Number.MAX_SAFE_INTEGER };
  server.injectResponse((r) => {
    if (!/^\/channels\/\d+\/messages$/.test(r.route) || r.method !== 'POST') return false;
    const now = performance.now();
    while (arrivals.length && arrivals[0]! <= now - 1000) arrivals.shift();
    if (arrivals.length < LIMIT) {
      arrivals.push(now);
      return false;
    }
    const retryAfter = Math.max(0.001, (arrivals[0]! + 1000 - now) / 1000);
    limited.body = { message: 'You are being rate limited.', retry_after: retryAfter, global: true };
    limited.headers = { 'retry-after': retryAfter.toFixed(3), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' };
    tooMany++;
    return true;
  }, limited);

  const db = openDatabase({ memory: true });
  const clock = () => new Date('2019-06-15T08:00:00Z');
  const plugin = createDigestPlugin({ db, dataset: () => ds, clock, cron: null, runner: { concurrency: 16 } });
  const config = configFor(server, { logLevel: 'error' });
  const bot = createBot({
    config,
    commands: [digest],
    dataset: () => ds,
    now: clock,
    plugins: [plugin],
    logger: createLogger({ level: 'error', secrets: [config.token], destination: new Writable({ write: (c: Buffer, _e, cb) => (process.stderr.write(c), cb()) }) }),
  });
  await bot.start();
  const store = plugin.store()!;
  guilds.forEach((g, i) => store.setSubscription({ guildId: g.id, channelId: g.channels[0]!.id, time: '08:00', timeZone: 'UTC', placeId: places[i % places.length] ?? null }, Date.parse('2019-06-14T00:00:00Z')));
  const rl: number[] = [];
  bot.client.rest.on('rateLimited', (info) => rl.push(info.retryAfter));
  const start = performance.now();
  const report = await plugin.runner()!.tick();
  const wall = (performance.now() - start) / 1000;
  const ok = server.requestsTo('POST', /^\/channels\/\d+\/messages$/).filter((r) => r.status === 200);
  const first = Math.min(...ok.map((r) => r.at));
  const last = Math.max(...ok.map((r) => r.at));
  const rate = (ok.length - 1) / ((last - first) / 1000);
  const messages = [...server.channelMessages.values()].reduce((n, l) => n + l.length, 0);
  console.log(`deliver: ${DELIVER} digests to ${DELIVER} servers, server enforcing ${LIMIT} req/s (global 429 beyond)`);
  console.log(`  sent ${report.outcomes.sent}, messages created ${messages}, wall ${wall.toFixed(1)} s`);
  console.log(`  ${rate.toFixed(1)} requests/s between first and last (${((rate / LIMIT) * 100).toFixed(1)}% of the limit)`);
  console.log(`  429s from the server: ${tooMany} (discord.js's own global limiter paused ${rl.length} times before sending)`);
  await bot.stop();
  await server.stop();
  db.close();
}
