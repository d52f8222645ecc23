/**
 * `npm run bench:discord [-- --n 2000 --concurrency 16]`: interactions through the real discord.js client over
 * loopback (a local Discord-compatible server, testkit/fake-discord.ts), timed from the moment the
 * server sends INTERACTION_CREATE to the moment it receives the interaction callback. Our /attacks runs
 * beside a trivial handler that replies "ok", the floor discord.js itself sets; the kinds alternate so drift
 * affects all alike. Autocomplete for places is timed too (Discord wants it fast). Prints figures only; there is nothing to assert about timing.
 */
import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { commands } from '../commands/index.ts';
import type { CommandModule } from '../commands/kit/command.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import { createBot } from '../src/discord/bot.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { createLogger } from '../src/discord/logger.ts';
import { FakeDiscord, type RecordedRequest } from '../testkit/fake-discord.ts';
import { configFor } from '../testkit/harness.ts';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '16' }, warmup: { type: 'string', default: '200' } },
});
const N = Number(values.n);
const CONCURRENCY = Number(values.concurrency);
const WARMUP = Number(values.warmup);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
  console.error('usage: npm run bench:discord -- [--n 2000] [--concurrency 16] [--warmup 200]');
  process.exit(2);
}

const ok: CommandModule = { definition: { name: 'ok', description: 'Replies ok' }, handle: () => ({ content: 'ok', allowed_mentions: { parse: [] } }) };
// A spread of real queries: countries, provinces, cities, a second page.
const ATTACKS = [{ place: 'syria' }, { place: 'iraq' }, { place: 'diyala' }, { place: 'homs' }, { place: 'iraq', page: 2 }, { place: 'anbar' }];

const ds = loadDataset();
const server = await new FakeDiscord({ validateBodies: false }).start();
const pending = new Map<string, (r: RecordedRequest) => void>();
server.onRequest((r) => {
  const m = /^\/interactions\/(\d+)\//.exec(r.route);
  if (m) pending.get(m[1]!)?.(r);
});
const config = configFor(server, { logLevel: 'warn' });
await deployCommands(config, [...commands, ok]);
const bot = createBot({
  config,
  commands: [...commands, ok],
  dataset: () => ds,
  logger: createLogger({
    level: 'warn',
    secrets: [config.token],
    destination: new Writable({ write: (c: Buffer, _e, cb) => void process.stderr.write(c, () => cb()) }),
  }),
});
await bot.start();

type Kind = 'ok' | 'attacks' | 'autocomplete';
const TYPED = ['sy', 'ir', 'diy', 'hom', 'baghd', 'an', 'mos', 'ra'];
function once(kind: Kind, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const sent =
      kind === 'ok'
        ? server.chatInput('ok')
        : kind === 'attacks'
          ? server.chatInput('attacks', ATTACKS[n % ATTACKS.length]!)
          : server.autocomplete('attacks', { place: TYPED[n % TYPED.length]! }, 'place');
    pending.set(sent.id, (r) => {
      pending.delete(sent.id);
      if (r.status !== 204) reject(new Error(`callback answered ${r.status}`));
      else resolve(performance.now() - started);
    });
  });
}

function stats(ms: number[]): { median: number; p99: number; mean: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { median: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

// Warm-up: JIT, dataset indexes, discord.js caches.
for (let n = 0; n < WARMUP; n++) {
  await once('ok', n);
  await once('attacks', n);
  await once('autocomplete', n);
}

// Latency: one interaction at a time, the two handlers alternating.
const KINDS = ['ok', 'attacks', 'autocomplete'] as const;
const LABEL: Record<Kind, string> = { ok: 'trivial "ok" (floor)', attacks: '/attacks (real data)', autocomplete: 'autocomplete (place)' };
const latency: Record<Kind, number[]> = { ok: [], attacks: [], autocomplete: [] };
const busy: Record<Kind, number> = { ok: 0, attacks: 0, autocomplete: 0 };
for (let n = 0; n < N; n++) {
  for (const kind of KINDS) {
    const ms = await once(kind, n);
    latency[kind].push(ms);
    busy[kind] += ms;
  }
}

// Throughput: CONCURRENCY interactions in flight, N of each handler, one handler at a time.
async function throughput(kind: Kind): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) await once(kind, next++);
    }),
  );
  return N / ((performance.now() - t0) / 1000);
}
const parallel: Record<Kind, number> = { ok: await throughput('ok'), attacks: await throughput('attacks'), autocomplete: await throughput('autocomplete') };

await bot.stop();
await server.stop();

const fmt = (x: number) => x.toFixed(2).padStart(7);
console.log(
  `Discord runtime benchmark: ${N} interactions per handler through discord.js ${(await import('discord.js')).version} over loopback (after ${WARMUP} warm-up each)`,
);
console.log(`latency = INTERACTION_CREATE sent by the server -> interaction callback received by the server\n`);
console.log('handler               median ms   p99 ms  mean ms   interactions/s (1 in flight)   interactions/s (' + CONCURRENCY + ' in flight)');
for (const kind of KINDS) {
  const s = stats(latency[kind]);
  console.log(
    `${LABEL[kind].padEnd(21)} ${fmt(s.median)}  ${fmt(s.p99)}  ${fmt(s.mean)}   ${(N / (busy[kind] / 1000)).toFixed(0).padStart(27)}   ${parallel[kind].toFixed(0).padStart(25)}`,
  );
}
const ratio = stats(latency.attacks).median / stats(latency.ok).median;
console.log(`\nmedian /attacks ÷ median ok: ${ratio.toFixed(2)}x (target: within 1.5x)`);
console.log(`node ${process.version}, ${process.platform} ${process.arch}`);
