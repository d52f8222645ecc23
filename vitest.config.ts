import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two projects, run one after the other by `npm test`:
 * - unit: in-process tests of handlers, queries, rendering, the digest's logic, configuration (quick);
 * - e2e: everything that starts processes, worker threads or a gateway, waits on real timers, or builds
 *   datasets at scale: the real discord.js client against the local Discord-compatible server (testkit/),
 *   `npm start`/`ask` and the other CLIs as child processes, the ShardingManager, local HTTP servers (feeds), an embedded PostgreSQL server.
 * A new test file is a unit test unless it is listed here.
 */
export const E2E_TESTS = [
  'tests/alerts-e2e.test.ts',
  'tests/alerts.test.ts',
  'tests/cli.test.ts',
  'tests/crash-guard.test.ts',
  'tests/data-reload.test.ts',
  'tests/digest-delivery.test.ts',
  'tests/digest-e2e.test.ts',
  'tests/ged-refresh.test.ts',
  'tests/digest-hardening.test.ts',
  'tests/digest-storage.test.ts',
  'tests/digest-watch-dataset.test.ts',
  'tests/discord-e2e.test.ts',
  'tests/discord-hardening.test.ts',
  'tests/discord-images.test.ts',
  'tests/discord-process.test.ts',
  'tests/discord-shards.test.ts',
  'tests/extract-cli.test.ts',
  'tests/feeds-cli.test.ts',
  'tests/feeds.test.ts',
  'tests/forum-once.test.ts',
  'tests/import-ged.test.ts',
  'tests/living-loop.test.ts',
  'tests/invite-and-drift.test.ts',
  'tests/logger-format.test.ts',
  'tests/coordination-store.test.ts',
  'tests/multi-process.test.ts',
  'tests/ops-server.test.ts',
  'tests/postgres-app.test.ts',
  'tests/postgres-store.test.ts',
  'tests/rest-global-limit.test.ts',
  'tests/review-cli.test.ts',
  'tests/review-discord-e2e.test.ts',
  'tests/review-store.test.ts',
  'tests/scale-query.test.ts',
  'tests/source-coverage.test.ts',
];

export default defineConfig({
  test: {
    // End-to-end tests start a local Discord-compatible server, the real client and child processes; and on
    // two busy cores even an in-process test can take seconds: give both room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        // One module graph per worker instead of one per file: the files share the dataset and discord.js imports.
        // Two workers on two cores: each imports the modules once more, but the tests run side by side
        // (measured: about 15% shorter than one worker, for about 25% more CPU).
        test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, ...E2E_TESTS], isolate: false, maxWorkers: 2 },
      },
      // One file at a time: the local gateway's heartbeats and the child processes' start-ups must not starve
      // each other on two cores (a missed heartbeat drops the client's session and fails a test for no fault).
      { extends: true, test: { name: 'e2e', include: E2E_TESTS, fileParallelism: false } },
    ],
  },
});
