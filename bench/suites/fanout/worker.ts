/**
 * One bot process of the fan-out benchmark (bench/suites/fanout.ts): wired as src/app.ts wires it (the
 * state backend, the cluster plugin's shard leases, the shared REST bucket in makeRequest, the digest
 * plugin) but with no timer: the parent says when to tick, so both processes start their fan-out together.
 */
import { Writable } from 'node:stream';
import { digest as digestCommand } from '../../../commands/digest/index.ts';
import { createClusterPlugin } from '../../../src/cluster/cluster-plugin.ts';
import { coordinationOn } from '../../../src/cluster/coordination.ts';
import { loadDataset } from '../../../src/data/load-dataset.ts';
import { createDigestPlugin } from '../../../src/digest/discord-plugin.ts';
import { createBot } from '../../../src/discord/bot.ts';
import { createLogger } from '../../../src/discord/logger.ts';
import { globallyLimitedRequests } from '../../../src/discord/rest-rate-limit.ts';
import { openStoreBackend } from '../../../src/storage/backend.ts';

interface Setup {
  apiUrl: string;
  token: string;
  applicationId: string;
  databaseUrl: string | null;
  stateDir: string;
  shard: number;
  shardCount: number;
  clock: string;
}

const send = (m: unknown) => process.send!(m);
process.once('message', async (setup: Setup) => {
  const backend = await openStoreBackend({ databaseUrl: setup.databaseUrl, stateDir: setup.stateDir });
  const ds = loadDataset();
  const clock = () => new Date(setup.clock);
  const logger = createLogger({
    level: 'error',
    secrets: [setup.token],
    destination: new Writable({ write: (c: Buffer, _e, cb) => void process.stderr.write(c, () => cb()) }),
  });
  const coordination = coordinationOn(backend);
  const cluster = createClusterPlugin({ coordination, logger, jobs: [] });
  const digest = createDigestPlugin({ backend, dataset: () => ds, clock, cron: null, runner: { holdsGuild: cluster.holdsGuild, concurrency: 16 } });
  const config = { token: setup.token, applicationId: setup.applicationId, apiUrl: setup.apiUrl, shardCount: setup.shardCount, logLevel: 'error' as const };
  const bot = createBot({
    config,
    logger,
    commands: [digestCommand],
    dataset: () => ds,
    now: clock,
    plugins: [digest, cluster],
    shards: [setup.shard],
    shardCount: setup.shardCount,
    clientOptions: { rest: { makeRequest: globallyLimitedRequests((signal) => coordination.globalRest.take(signal)) } },
  });
  await bot.start();
  await cluster.duty()?.refresh();
  send({ ready: true });
  process.on('message', async (msg: string) => {
    if (msg === 'tick') {
      // Every process is up by now: see which shards the others hold before the fan-out.
      await cluster.duty()?.refresh();
      send({ report: await digest.runner()!.tick() });
    }
    if (msg === 'stop') {
      await bot.stop();
      process.exit(0);
    }
  });
});
