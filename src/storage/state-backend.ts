import type pg from 'pg';
import { openDatabase, type Db } from './db.ts';
import { PG_MIGRATIONS } from './pg-schema/index.ts';
import { openPostgres } from './postgres.ts';

/**
 * Where the bot keeps its state: PostgreSQL when DATABASE_URL is set (shared by every process and
 * machine), else the SQLite file in the state folder. Services build their stores on it.
 */
export type StateBackend = { kind: 'sqlite'; db: Db; close(): Promise<void> } | { kind: 'postgres'; pool: pg.Pool; close(): Promise<void> };

/** Opens and migrates the backend; a database that cannot be reached or is too new throws a StoreError (PG) or SchemaTooNewError (SQLite). */
export async function openStateBackend(opts: { databaseUrl: string | null; stateDir: string }): Promise<StateBackend> {
  if (opts.databaseUrl) {
    const pool = await openPostgres(opts.databaseUrl, PG_MIGRATIONS);
    return { kind: 'postgres', pool, close: () => pool.end() };
  }
  const db = openDatabase({ stateDir: opts.stateDir });
  return {
    kind: 'sqlite',
    db,
    close: async () => {
      db.close();
    },
  };
}
