import type { Db } from './db.ts';

/** A lease as stored: who holds it, until when (ms, on the store's clock). */
export interface LeaseRow {
  name: string;
  holder: string;
  expiresAt: number;
}

/**
 * Leases in the shared database: work that must run in one process at a time (feed polling, the GED
 * refresh) or that a process announces it does (its shards). A lease is held until `ttlMs` after its last
 * renewal; a holder that dies stops renewing, and the lease is free once that time has passed.
 * SQLite (processes on one machine, one clock) and PostgreSQL (several machines: the server's clock,
 * so machines' clocks need not agree) implement it.
 */
export interface LeaseStore {
  /**
   * Takes `name` for `holder` for `ttlMs` from now when it is free, expired or already `holder`'s (a
   * renewal). True when `holder` holds it now; false when another live holder does.
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up (only if `holder` holds it), so another process may take it at once. */
  release(name: string, holder: string): Promise<void>;
  /** The unexpired leases whose name starts with `prefix`. */
  live(prefix: string): Promise<LeaseRow[]>;
}

/** LIKE pattern for names starting with `prefix` (its own % and _ taken literally). */
export const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Leases in the bot's SQLite database (several processes on one machine share the file). */
export class SqliteLeaseStore implements LeaseStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    // One statement: the row's lock (SQLite's write lock) makes take-if-free-or-expired atomic.
    const row = this.db
      .prepare(
        `INSERT INTO leases (name, holder, expires_at, acquired_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET
           holder = excluded.holder,
           expires_at = excluded.expires_at,
           acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
         RETURNING holder`,
      )
      .get(name, holder, now + ttlMs, now, now) as { holder: string } | undefined;
    return row?.holder === holder;
  }

  async release(name: string, holder: string): Promise<void> {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }

  async live(prefix: string): Promise<LeaseRow[]> {
    return this.db
      .prepare(`SELECT name, holder, expires_at AS expiresAt FROM leases WHERE name LIKE ? ESCAPE '\\' AND expires_at > ? ORDER BY name`)
      .all(likePrefix(prefix), this.now()) as LeaseRow[];
  }
}
