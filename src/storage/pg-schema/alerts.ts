import type { PgMigration } from '../postgres.ts';

/** The alerts' tables in PostgreSQL (versions 10–19): SQLite's migration 5, with `seq` for the queue order SQLite's rowid gives. */
export const ALERTS_PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 10,
    description: 'alerts: per-channel filters, and one delivery row per (channel, incident)',
    up: `
      CREATE TABLE alert_subscriptions (
        guild_id        TEXT NOT NULL,
        channel_id      TEXT NOT NULL,
        place_id        TEXT,
        min_casualties  INTEGER NOT NULL DEFAULT 0,
        role_id         TEXT,
        enabled         INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        created_by      TEXT,
        created_at      BIGINT NOT NULL,
        updated_at      BIGINT NOT NULL,
        PRIMARY KEY (guild_id, channel_id)
      );
      CREATE TABLE alert_deliveries (
        seq             BIGINT GENERATED ALWAYS AS IDENTITY,
        channel_id      TEXT NOT NULL,
        incident_id     TEXT NOT NULL,
        guild_id        TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
        nonce           TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        first_attempt_at BIGINT,
        next_attempt_at BIGINT NOT NULL DEFAULT 0,   -- while 'sending': the claim's lease
        message_id      TEXT,
        last_error      TEXT,
        maybe_posted    INTEGER NOT NULL DEFAULT 0,
        queued_at       BIGINT NOT NULL,
        sent_at         BIGINT,
        PRIMARY KEY (channel_id, incident_id)
      );
      CREATE INDEX alert_deliveries_open ON alert_deliveries (next_attempt_at) WHERE status IN ('queued', 'sending');
      CREATE INDEX alert_deliveries_sent ON alert_deliveries (channel_id, sent_at) WHERE status = 'sent';
    `,
  },
];
