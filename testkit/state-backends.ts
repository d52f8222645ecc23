/**
 * The bot's two state backends for one test file, so the same storage tests run against both: SQLite (in
 * memory, or a file) and PostgreSQL (a real server started once per file by `startTestPostgres`, a fresh
 * database for each `open`). `close()` ends every backend opened and stops the server.
 */
import { openDatabase } from '../src/storage/db.ts';
import { PG_MIGRATIONS } from '../src/storage/pg-schema/index.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import { closeStoreBackend, type StoreBackend } from '../src/storage/backend.ts';
import { startTestPostgres, type TestPostgres } from './postgres.ts';

export type BackendKind = StoreBackend['kind'];
export const BACKEND_KINDS: readonly BackendKind[] = ['sqlite', 'postgres'];

export interface TestBackends {
  /** A new, empty, migrated backend of this kind. */
  open(kind: BackendKind): Promise<StoreBackend>;
  /** A new, empty, migrated PostgreSQL database's URL (for a second pool, or a child process's DATABASE_URL). */
  postgresUrl(): Promise<string>;
  close(): Promise<void>;
}

export function testBackends(): TestBackends {
  let server: Promise<TestPostgres> | undefined;
  let databases = 0;
  const opened: StoreBackend[] = [];
  const postgresUrl = async () => {
    server ??= startTestPostgres();
    const url = await (await server).createDatabase(`store_${process.pid}_${++databases}`);
    await (await openPostgres(url, PG_MIGRATIONS)).end();
    return url;
  };
  return {
    postgresUrl,
    async open(kind) {
      let backend: StoreBackend;
      if (kind === 'postgres') {
        const url = await postgresUrl();
        backend = { kind, pool: await openPostgres(url, PG_MIGRATIONS), url };
      } else backend = { kind, db: openDatabase({ memory: true }) };
      opened.push(backend);
      return backend;
    },
    async close() {
      await Promise.all(opened.splice(0).map((b) => closeStoreBackend(b).catch(() => undefined)));
      if (server) await (await server).stop();
    },
  };
}
