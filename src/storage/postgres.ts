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

/**
 * BIGINT (int8) columns and COUNT(*) as numbers, not strings: the stores keep times as ms since the epoch
 * in BIGINT, like SQLite's INTEGER, far below 2^53.
 */
const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Whether an error means the connection (or the server) went away rather than the statement being wrong:
 * the server terminated the backend (pg_terminate_backend, a restart), the socket closed, or it could not
 * connect. Such a statement is retried; a serialization failure or deadlock (a transaction rolled back
 * by the server) too.
 */
export function isTransientPgError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  const code = e.code ?? '';
  if (/^(08|57P0)/.test(code) || code === '40001' || code === '40P01' || code === '53300') return true;
  if (['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(code)) return true;
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Client was closed/i.test(e.message ?? '');
}

export interface PgRetryOptions {
  /** Tries in all (default 8). */
  tries?: number;
  /** Wait before the second try, doubled each time up to maxDelayMs (default 100 ms, 5 s: about 15 s in all). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `fn` again while it fails with a lost connection (see isTransientPgError), with backoff; the last
 * failure is thrown as a StoreError. `fn` must be safe to run again: a single conditional statement, or a
 * whole transaction (rolled back by the server when its connection died). `attempt` is 0 on the first
 * try: a transaction whose COMMIT went through but whose answer was lost can recognise its own work.
 */
export async function retryOnConnectionLoss<T>(what: string, fn: (attempt: number) => Promise<T>, opts: PgRetryOptions = {}): Promise<T> {
  const tries = opts.tries ?? 8;
  const base = opts.baseDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isTransientPgError(err)) throw err;
      if (attempt + 1 >= tries) {
        const reason = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
        throw new StoreError(`the database did not answer (${what}) after ${tries} tries: ${reason}`);
      }
      await new Promise((r) => setTimeout(r, Math.min(max, base * 2 ** attempt)));
    }
  }
}

/** One transaction on one pooled connection; a connection that failed is discarded, not returned to the pool. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no error listener of the pool's: a connection dropped between two statements
  // would be an unhandled 'error' event (a crash). The next statement fails instead, and is retried.
  const ignore = () => undefined;
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    client.removeListener('error', ignore);
    client.release();
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(err instanceof Error ? err : true); // discarded; its listener stays for what it may still emit
    throw err;
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
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000, max: opts.max ?? 10, types: PG_TYPES });
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
