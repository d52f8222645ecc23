import type pg from 'pg';
import { likePrefix, type LeaseRow, type LeaseStore } from './lease.ts';

/**
 * Leases in PostgreSQL, for processes on several machines. Expiry is on the server's clock
 * (clock_timestamp()), so the machines' clocks need not agree.
 */
export class PgLeaseStore implements LeaseStore {
  constructor(private readonly pool: pg.Pool) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    // ON CONFLICT … WHERE: the conflicting row is locked, so two processes racing for a free lease get one each way.
    const { rows } = await this.pool.query<{ holder: string }>(
      `INSERT INTO leases (name, holder, expires_at, acquired_at)
       VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3::double precision / 1000), clock_timestamp())
       ON CONFLICT (name) DO UPDATE SET
         holder = EXCLUDED.holder,
         expires_at = EXCLUDED.expires_at,
         acquired_at = CASE WHEN leases.holder = EXCLUDED.holder THEN leases.acquired_at ELSE EXCLUDED.acquired_at END
       WHERE leases.holder = EXCLUDED.holder OR leases.expires_at <= clock_timestamp()
       RETURNING holder`,
      [name, holder, ttlMs],
    );
    return rows[0]?.holder === holder;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async live(prefix: string): Promise<LeaseRow[]> {
    const { rows } = await this.pool.query<{ name: string; holder: string; expires_at: Date }>(
      `SELECT name, holder, expires_at FROM leases WHERE name LIKE $1 AND expires_at > clock_timestamp() ORDER BY name`,
      [likePrefix(prefix)],
    );
    return rows.map((r) => ({ name: r.name, holder: r.holder, expiresAt: r.expires_at.getTime() }));
  }
}
