import type { PgMigration } from '../postgres.ts';

/**
 * The digest's tables in PostgreSQL (versions 1–9): the same columns as SQLite's (src/storage/db.ts,
 * migrations 1, 2 and 6), so one row mapper serves both. Times are ms since the epoch in BIGINT, flags
 * INTEGER 0/1.
 */
export const DIGEST_PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'digest subscriptions, deliveries, when each incident was first seen, and meta',
    up: `
      CREATE TABLE digest_subscriptions (
        guild_id        TEXT PRIMARY KEY,
        channel_id      TEXT NOT NULL,
        "time"          TEXT NOT NULL,               -- HH:MM, local to time_zone
        time_zone       TEXT NOT NULL,               -- IANA zone
        place_id        TEXT,                        -- filter; NULL = everything
        actor_id        TEXT,                        -- filter; NULL = the dataset's focus actor, 'any' = all violence
        enabled         INTEGER NOT NULL DEFAULT 1,
        active_since    BIGINT NOT NULL,             -- ms; no digest is scheduled before this instant
        disabled_reason TEXT,
        disabled_at     BIGINT,
        created_at      BIGINT NOT NULL,
        updated_at      BIGINT NOT NULL,
        updated_by      TEXT
      );
      CREATE TABLE digest_deliveries (
        guild_id        TEXT NOT NULL,
        local_date      TEXT NOT NULL,               -- the server's local day the digest belongs to
        channel_id      TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('sending', 'retry', 'sent', 'failed', 'unknown')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        nonce           TEXT NOT NULL,
        body            TEXT NOT NULL,
        digest_day      TEXT NOT NULL,
        recorded_until  BIGINT NOT NULL,
        owner           TEXT NOT NULL,               -- the process that claimed the current attempt
        claimed_at      BIGINT NOT NULL,             -- its lease: taken over by another process once stale
        next_attempt_at BIGINT,
        message_id      TEXT,
        sent_at         BIGINT,
        last_error      TEXT,
        updated_at      BIGINT NOT NULL,
        first_attempt_at BIGINT,
        maybe_posted    INTEGER NOT NULL DEFAULT 0,
        first_attempt_mono DOUBLE PRECISION,
        mono_origin     TEXT,
        PRIMARY KEY (guild_id, local_date)
      );
      CREATE INDEX digest_deliveries_open ON digest_deliveries (status) WHERE status IN ('sending', 'retry');
      CREATE INDEX digest_deliveries_day ON digest_deliveries (local_date);
      CREATE TABLE incident_first_seen (
        incident_id   TEXT PRIMARY KEY,
        first_seen_at BIGINT NOT NULL,
        baseline      INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX incident_first_seen_late ON incident_first_seen (first_seen_at) WHERE baseline = 0;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
];
