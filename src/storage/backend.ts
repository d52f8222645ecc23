import type pg from 'pg';
import { openDatabase, type Db } from './db.ts';
import { PG_MIGRATIONS } from './pg-schema/index.ts';
import { openPostgres, redactUrl } from './postgres.ts';

/**
 * Where the bot keeps its state: one SQLite file in the state folder (one machine, the default), or a
 * PostgreSQL database (DATABASE_URL; shared by several processes and machines). Opened once per process
 * (src/app.ts) and handed to each service, which builds its store on it (e.g. `digestStoreOn(backend)`).
 */
export type StoreBackend = { kind: 'sqlite'; db: Db } | { kind: 'postgres'; pool: pg.Pool; url: string };

/**
 * PostgreSQL when `databaseUrl` is set (connected, migrated; a StoreError names DATABASE_URL without its
 * password when it cannot be reached or was migrated by a newer version), else SQLite in `stateDir`.
 */
export async function openStoreBackend(opts: { databaseUrl: string | null; stateDir: string }): Promise<StoreBackend> {
  if (opts.databaseUrl) return { kind: 'postgres', pool: await openPostgres(opts.databaseUrl, PG_MIGRATIONS), url: opts.databaseUrl };
  return { kind: 'sqlite', db: openDatabase({ stateDir: opts.stateDir }) };
}

/** For /healthz: the database answers a trivial query. */
export async function pingStoreBackend(b: StoreBackend | null): Promise<{ ok: boolean; detail?: string }> {
  if (!b) return { ok: false, detail: 'not open' };
  if (b.kind === 'sqlite') return b.db.open && b.db.prepare('SELECT 1').get() ? { ok: true } : { ok: false, detail: 'not open' };
  try {
    await b.pool.query('SELECT 1');
    return { ok: true };
  } catch (err) {
    const reason = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
    return { ok: false, detail: `PostgreSQL at ${redactUrl(b.url)}: ${reason}` };
  }
}

export async function closeStoreBackend(b: StoreBackend): Promise<void> {
  if (b.kind === 'sqlite') b.db.close();
  else await b.pool.end();
}
