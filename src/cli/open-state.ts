import type { AppConfig } from '../config.ts';
import { openStoreBackend, type StoreBackend } from '../storage/backend.ts';
import { SchemaTooNewError } from '../storage/db.ts';
import { StoreError } from '../storage/postgres.ts';

/**
 * The state backend for a command-line tool (PostgreSQL with DATABASE_URL, else SQLite in STATE_DIR), or
 * the reason it cannot be opened (unreachable, migrated by a newer version; the URL shown without its
 * password) and exit 2. The caller closes it (closeStoreBackend), so a PostgreSQL pool does not keep the
 * process alive.
 */
export async function openStateOrExit(config: Pick<AppConfig, 'databaseUrl' | 'stateDir'>): Promise<StoreBackend> {
  try {
    return await openStoreBackend(config);
  } catch (err) {
    if (err instanceof StoreError || err instanceof SchemaTooNewError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** A database that stopped answering mid-run (after its retries): its reason on stderr and exit 1, not a stack trace. */
export function reportStoreFailure(err: unknown): never {
  if (!(err instanceof StoreError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
