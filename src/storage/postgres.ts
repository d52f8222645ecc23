import pg from 'pg';

/**
 * PostgreSQL, for running the bot on several machines that share one store (DATABASE_URL). The client is
 * `pg` (node-postgres); migrations are versioned like SQLite's, recorded in `schema_migrations`, applied
 * under an advisory lock so processes starting together apply each step once, and a database migrated by
 * a newer version of the bot is refused before anything is changed.
 */
export interface PgMigration {
  version: number;
  description: string;
  up: string;
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** The URL as it may be shown: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(DATABASE_URL is not a URL)';
  }
}

/** An arbitrary constant: the advisory lock every incident-bot process takes while migrating. */
const MIGRATION_LOCK = 0x1b0_7d16;

export async function migratePostgres(pool: pg.Pool, migrations: readonly PgMigration[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const current = Math.max(0, ...applied);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (current > known) {
      throw new StoreError(
        `the database was migrated by a newer version of incident-bot (schema version ${current}; this version knows up to ${known}); refusing to use it. Upgrade the bot, or point DATABASE_URL at another database.`,
      );
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      // Each area has its own range of versions (src/storage/pg-schema): a step of a lower range added later
      // (digest 3 after review 30 was applied) is still pending, so what counts is whether it was applied.
      if (applied.has(m.version)) continue;
      await client.query(m.up);
      await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [m.version, m.description]);
    }
    await client.query('COMMIT');
    return Math.max(current, known);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Connects (failing fast with the redacted URL and the reason when the server cannot be reached) and
 * applies pending migrations.
 */
export async function openPostgres(url: string, migrations: readonly PgMigration[], opts: { connectTimeoutMs?: number; max?: number } = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000, max: opts.max ?? 10 });
  // An idle client losing its connection must not end the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    const reason = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
    throw new StoreError(`could not connect to the database at DATABASE_URL=${redactUrl(url)}: ${reason}`);
  }
  try {
    await migratePostgres(pool, migrations);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return pool;
}
