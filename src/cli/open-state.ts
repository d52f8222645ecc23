import type { AppConfig } from '../config.ts';
import { SchemaTooNewError } from '../storage/db.ts';
import { StoreError } from '../storage/postgres.ts';
import { openStateBackend, type StateBackend } from '../storage/state-backend.ts';

/**
 * The state backend for a command-line tool (PostgreSQL with DATABASE_URL, else SQLite in STATE_DIR), or
 * the reason it cannot be opened (unreachable, too new; the URL shown without its password) and exit 2.
 */
export async function openStateOrExit(config: Pick<AppConfig, 'databaseUrl' | 'stateDir'>): Promise<StateBackend> {
  try {
    return await openStateBackend(config);
  } catch (err) {
    if (err instanceof StoreError || err instanceof SchemaTooNewError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
