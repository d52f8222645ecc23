import type { PgMigration } from '../postgres.ts';

/** Coordination between processes on several machines (versions 40–49): leases and the shared REST rate bucket. */
export const COORDINATION_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 40,
    description: 'leases (work one process does at a time, shards a process serves) and the shared REST rate bucket',
    up: `
      CREATE TABLE leases (
        name        TEXT PRIMARY KEY,
        holder      TEXT NOT NULL,
        expires_at  TIMESTAMPTZ NOT NULL,
        acquired_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE rate_buckets (
        name       TEXT PRIMARY KEY,
        tokens     DOUBLE PRECISION NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
];
