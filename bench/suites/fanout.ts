/**
 * Digest fan-out against Discord's global limit, enforced by the local Discord-compatible server (50
 * requests in any second, by arrival; a global 429 beyond): `BENCH_FANOUT` digests (default 400) to as
 * many servers, sent by
 * - one bot process on SQLite (the default set-up), and
 * - two bot processes, each running one of two shards, over one PostgreSQL server,
 * each process wired as src/app.ts wires it (bench/suites/fanout/worker.ts) and told to tick at the same
 * moment. Figures: digests per second from the first message to the last, against the limit; 429s; the
 * most requests in any one second.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TickReport } from '../../src/digest/runner.ts';
import { digestStoreOn } from '../../src/digest/open-store.ts';
import { closeStoreBackend, openStoreBackend } from '../../src/storage/backend.ts';
import { FakeDiscord, guildIdForShard, snowflake, type FakeGuild } from '../../testkit/fake-discord.ts';
import { startTestPostgres } from '../../testkit/postgres.ts';
import { table, type Suite } from '../suite.ts';

const WORKER = fileURLToPath(new URL('./fanout/worker.ts', import.meta.url));
const CLOCK = '2019-06-15T08:00:00Z';
const LIMIT = 50;

interface Run {
  digestsPerSecond: number;
  sent: number;
  messages: number;
  tooMany: number;
  mostInOneSecond: number;
  wallSeconds: number;
}

async function fanOut(opts: { processes: number; databaseUrl: string | null; count: number }): Promise<Run> {
  const shardCount = opts.processes;
  const guilds: FakeGuild[] = Array.from({ length: opts.count }, (_, i) => ({
    id: guildIdForShard(i % shardCount, shardCount),
    name: `Bench ${i}`,
    channels: [{ id: snowflake(), name: 'news' }],
  }));
  const server = await new FakeDiscord({ guilds, validateBodies: false, globalRateLimit: LIMIT }).start();
  const posted: number[] = [];
  server.onRequest((r) => {
    if (r.method === 'POST' && r.status === 200 && /^\/channels\/\d+\/messages$/.test(r.route)) posted.push(performance.now());
  });
  const stateDir = mkdtempSync(join(tmpdir(), 'incident-bot-fanout-'));
  const backend = await openStoreBackend({ databaseUrl: opts.databaseUrl, stateDir });
  const store = digestStoreOn(backend);
  for (const g of guilds)
    await store.setSubscription(
      { guildId: g.id, channelId: g.channels[0]!.id, time: '08:00', timeZone: 'UTC', placeId: null },
      Date.parse('2019-06-14T00:00:00Z'),
    );
  await closeStoreBackend(backend);

  const workers = Array.from({ length: opts.processes }, (_, shard) => {
    const child = fork(WORKER, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const next = () => new Promise<{ ready?: boolean; report?: TickReport }>((resolve) => child.once('message', resolve as (m: unknown) => void));
    const ready = next();
    child.send({
      apiUrl: server.apiUrl,
      token: server.token,
      applicationId: server.applicationId,
      databaseUrl: opts.databaseUrl,
      stateDir,
      shard,
      shardCount,
      clock: CLOCK,
    });
    return { child, ready, next };
  });
  await Promise.all(workers.map((w) => w.ready));
  const t0 = performance.now();
  const reports = await Promise.all(
    workers.map((w) => {
      const r = w.next();
      w.child.send('tick');
      return r;
    }),
  );
  const wallSeconds = (performance.now() - t0) / 1000;
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) => {
          w.child.once('exit', resolve);
          w.child.send('stop');
        }),
    ),
  );
  const messages = [...server.channelMessages.values()].reduce((n, l) => n + l.length, 0);
  const run: Run = {
    digestsPerSecond: posted.length > 1 ? (posted.length - 1) / ((posted.at(-1)! - posted[0]!) / 1000) : 0,
    sent: reports.reduce((n, r) => n + (r.report?.outcomes.sent ?? 0), 0),
    messages,
    tooMany: server.globalRateLimited,
    mostInOneSecond: server.mostInOneSecond(),
    wallSeconds,
  };
  await server.stop();
  rmSync(stateDir, { recursive: true, force: true });
  return run;
}

const suite: Suite = async () => {
  const count = Number(process.env.BENCH_FANOUT ?? 400);
  const sqlite = await fanOut({ processes: 1, databaseUrl: null, count });
  const pg = await startTestPostgres();
  let postgres: Run;
  try {
    postgres = await fanOut({ processes: 2, databaseUrl: await pg.createDatabase('fanout'), count });
  } finally {
    await pg.stop();
  }
  const row = (name: string, r: Run) => [
    name,
    String(r.sent),
    String(r.messages),
    r.digestsPerSecond.toFixed(1),
    `${((r.digestsPerSecond / LIMIT) * 100).toFixed(0)}%`,
    String(r.mostInOneSecond),
    String(r.tooMany),
    r.wallSeconds.toFixed(1),
  ];
  return {
    name: 'fanout',
    lines: [
      `${count} digests to ${count} servers; the local Discord server enforces ${LIMIT} requests in any second (global 429 beyond)`,
      ...table([
        ['set-up', 'sent', 'messages', 'digests/s', 'of limit', 'most in 1 s', '429s', 'wall s'],
        row('SQLite, 1 process', sqlite),
        row('PostgreSQL, 2 processes', postgres),
      ]),
      'Both are paced by the shared bucket (40 requests a second, bursts of 4), which leaves room for arrival jitter under the limit.',
    ],
    figures: {
      sqlite_digests_per_s: sqlite.digestsPerSecond,
      sqlite_429s: sqlite.tooMany,
      sqlite_most_in_1s: sqlite.mostInOneSecond,
      postgres_2proc_digests_per_s: postgres.digestsPerSecond,
      postgres_2proc_429s: postgres.tooMany,
      postgres_2proc_most_in_1s: postgres.mostInOneSecond,
    },
  };
};
export default suite;
