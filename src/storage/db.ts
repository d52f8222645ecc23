import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** One schema step. Applied in order, each in its own transaction; `PRAGMA user_version` records the last applied. */
export interface Migration {
  version: number;
  description: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'digest subscriptions, deliveries and when each incident was first seen',
    up: `
      CREATE TABLE digest_subscriptions (
        guild_id        TEXT PRIMARY KEY,
        channel_id      TEXT NOT NULL,
        time            TEXT NOT NULL,              -- HH:MM, local to time_zone
        time_zone       TEXT NOT NULL,              -- IANA zone
        place_id        TEXT,                       -- filter; NULL = everything
        enabled         INTEGER NOT NULL DEFAULT 1,
        active_since    INTEGER NOT NULL,           -- ms; no digest is scheduled before this instant
        disabled_reason TEXT,
        disabled_at     INTEGER,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        updated_by      TEXT
      );
      CREATE TABLE digest_deliveries (
        guild_id        TEXT NOT NULL,
        local_date      TEXT NOT NULL,              -- the server's local day the digest belongs to
        channel_id      TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('sending', 'retry', 'sent', 'failed', 'unknown')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        nonce           TEXT NOT NULL,              -- sent with enforce_nonce, so a resend is deduplicated by Discord
        body            TEXT NOT NULL,              -- the message, fixed at the first attempt: retries send the same
        digest_day      TEXT NOT NULL,              -- the day whose incidents it lists
        recorded_until  INTEGER NOT NULL,           -- ms; late reports first seen up to here are in this digest
        owner           TEXT NOT NULL,              -- the process that claimed the current attempt
        claimed_at      INTEGER NOT NULL,
        next_attempt_at INTEGER,
        message_id      TEXT,
        sent_at         INTEGER,
        last_error      TEXT,
        updated_at      INTEGER NOT NULL,
        PRIMARY KEY (guild_id, local_date)
      ) WITHOUT ROWID;
      CREATE INDEX digest_deliveries_open ON digest_deliveries (status) WHERE status IN ('sending', 'retry');
      CREATE TABLE incident_first_seen (
        incident_id   TEXT PRIMARY KEY,
        first_seen_at INTEGER NOT NULL,             -- ms
        baseline      INTEGER NOT NULL DEFAULT 0    -- 1: already in the dataset when the table was first filled
      ) WITHOUT ROWID;
      CREATE INDEX incident_first_seen_late ON incident_first_seen (first_seen_at) WHERE baseline = 0;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'deliveries: when the first request of a digest was made, and whether any request may have posted it',
    up: `
      -- The nonce dedupe window (a few minutes) is measured from the first request; rows from before keep their claim time.
      ALTER TABLE digest_deliveries ADD COLUMN first_attempt_at INTEGER;
      UPDATE digest_deliveries SET first_attempt_at = claimed_at;
      -- 1 once a request failed without a clear answer (timeout, no HTTP status, 5xx): Discord may have posted it.
      -- Open rows from before are assumed so: a resend after the window could post a second copy.
      ALTER TABLE digest_deliveries ADD COLUMN maybe_posted INTEGER NOT NULL DEFAULT 0;
      UPDATE digest_deliveries SET maybe_posted = 1 WHERE status IN ('sending', 'retry');
    `,
  },
];

/** An in-memory database (console, tests), or the file in the state folder (STATE_DIR, default ./var). */
export type OpenOptions = { memory: true } | { stateDir: string; fileName?: string };

/**
 * Opens (creating if needed) the bot's SQLite database: WAL journal, a busy timeout so shard processes
 * sharing the file wait instead of failing, foreign keys on, and every pending migration applied.
 */
export function openDatabase(opts: OpenOptions): Db {
  let db: Db;
  if ('memory' in opts) db = new Database(':memory:');
  else {
    const dir = opts.stateDir;
    mkdirSync(dir, { recursive: true });
    db = new Database(join(dir, opts.fileName ?? 'incident-bot.sqlite'));
    db.pragma('journal_mode = WAL');
  }
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  // IMMEDIATE, and the version re-read inside: two shard processes starting together apply each step once.
  const apply = db.transaction((m: Migration) => {
    if (version() >= m.version) return;
    db.exec(m.up);
    db.pragma(`user_version = ${m.version}`);
  });
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) if (version() < m.version) apply.immediate(m);
  return version();
}
