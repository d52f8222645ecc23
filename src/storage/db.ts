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
  {
    version: 3,
    description: "news feeds: each feed's polling state, and every article taken from them (once)",
    up: `
      CREATE TABLE feed_state (
        feed_url        TEXT PRIMARY KEY,
        etag            TEXT,
        last_modified   TEXT,
        failures        INTEGER NOT NULL DEFAULT 0,  -- consecutive; reset by a good poll
        next_poll_at    INTEGER NOT NULL DEFAULT 0,  -- ms
        last_polled_at  INTEGER,
        last_ok_at      INTEGER,
        last_error      TEXT,                        -- reason: message
        paused_reason   TEXT                         -- set after too many failures; cleared by feeds resume/add
      ) WITHOUT ROWID;
      CREATE TABLE feed_articles (
        id            INTEGER PRIMARY KEY,
        feed_url      TEXT,                          -- NULL for a single article URL
        guid          TEXT,
        url           TEXT NOT NULL UNIQUE,          -- as finally fetched (after redirects)
        entry_url     TEXT NOT NULL,                 -- as the feed listed it
        title         TEXT,
        published_at  TEXT,
        text_hash     TEXT NOT NULL UNIQUE,          -- sha256 of the normalised text: one article under two URLs is taken once
        text          TEXT NOT NULL,
        fetched_at    INTEGER NOT NULL,
        status        TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'drafted', 'failed')),
        UNIQUE (feed_url, guid)
      );
      CREATE INDEX feed_articles_entry ON feed_articles (entry_url);
    `,
  },
  {
    version: 4,
    description: 'review: drafts extracted from articles, each decided once, and the records published from them',
    up: `
      CREATE TABLE review_drafts (
        id              INTEGER PRIMARY KEY,
        article_id      INTEGER,                     -- feed_articles.id, when it came from a feed
        kind            TEXT NOT NULL CHECK (kind IN ('incident', 'quote', 'statistic')),
        record          TEXT NOT NULL,               -- JSON, valid under the record's zod schema
        bundle          TEXT NOT NULL,               -- JSON: the source and any new places/actors the record needs
        duplicate_of    TEXT,                        -- id of a likely existing record of the same event
        status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        decided_by      TEXT,
        decided_at      INTEGER,
        edited          INTEGER NOT NULL DEFAULT 0,
        review_channel_id TEXT,                      -- where the draft was posted for review
        review_message_id TEXT,
        created_at      INTEGER NOT NULL
      );
      CREATE INDEX review_drafts_pending ON review_drafts (id) WHERE status = 'pending';
      CREATE TABLE published_records (
        kind          TEXT NOT NULL CHECK (kind IN ('source', 'place', 'actor', 'incident', 'quote', 'statistic')),
        id            TEXT NOT NULL,
        record        TEXT NOT NULL,                 -- JSON
        draft_id      INTEGER,
        reviewed_by   TEXT,
        reviewed_at   INTEGER,
        published_at  INTEGER NOT NULL,
        PRIMARY KEY (kind, id)
      ) WITHOUT ROWID;
      CREATE INDEX published_records_time ON published_records (published_at);
    `,
  },
  {
    version: 5,
    description: 'alerts: per-channel filters, and one delivery row per (channel, incident)',
    up: `
      CREATE TABLE alert_subscriptions (
        guild_id        TEXT NOT NULL,
        channel_id      TEXT NOT NULL,
        place_id        TEXT,                        -- NULL: anywhere
        min_casualties  INTEGER NOT NULL DEFAULT 0,  -- killed + injured as stated
        role_id         TEXT,                        -- mentioned (and only it) when set
        enabled         INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        created_by      TEXT,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        PRIMARY KEY (guild_id, channel_id)
      ) WITHOUT ROWID;
      CREATE TABLE alert_deliveries (
        channel_id      TEXT NOT NULL,
        incident_id     TEXT NOT NULL,
        guild_id        TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
        nonce           TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        first_attempt_at INTEGER,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        message_id      TEXT,
        last_error      TEXT,
        maybe_posted    INTEGER NOT NULL DEFAULT 0,  -- 1 once an attempt failed without a clear answer
        queued_at       INTEGER NOT NULL,
        sent_at         INTEGER,
        PRIMARY KEY (channel_id, incident_id)
      );                                             -- a rowid table: rowid keeps the order alerts were queued in
      CREATE INDEX alert_deliveries_open ON alert_deliveries (next_attempt_at) WHERE status IN ('queued', 'sending');
      CREATE INDEX alert_deliveries_sent ON alert_deliveries (channel_id, sent_at) WHERE status = 'sent';
    `,
  },
  {
    version: 6,
    description: 'deliveries: the first request also on the monotonic clock, so a wall-clock step cannot stretch the nonce window',
    up: `
      -- ms on a monotonic clock (elapsed time, not the time of day) and which clock: readings are comparable
      -- only with the same origin (the machine's boot); rows from before have none and use the wall clock.
      ALTER TABLE digest_deliveries ADD COLUMN first_attempt_mono REAL;
      ALTER TABLE digest_deliveries ADD COLUMN mono_origin TEXT;
    `,
  },
  // --- same-event-ged (issue 13): the digest's actor filter. One column; mirrored by the PostgreSQL store. ---
  {
    version: 7,
    description: 'digest subscriptions: an actor filter beside the place filter',
    up: `
      -- NULL: the dataset's focus actor (the default, as /attacks); 'any': all recorded violence; else an actor id.
      ALTER TABLE digest_subscriptions ADD COLUMN actor_id TEXT;
    `,
  },
  {
    version: 10,
    description: 'coordination between processes: leases (work one process does at a time) and the shared REST rate bucket',
    up: `
      CREATE TABLE leases (
        name        TEXT PRIMARY KEY,               -- what is held, e.g. 'feed-poll' or 'shard:3/8'
        holder      TEXT NOT NULL,                  -- the process holding it
        expires_at  INTEGER NOT NULL,               -- ms; free once past (its holder stopped renewing: it died)
        acquired_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE rate_buckets (
        name       TEXT PRIMARY KEY,                -- e.g. 'discord-global'
        tokens     REAL NOT NULL,                   -- requests that may start now
        updated_at INTEGER NOT NULL                 -- ms; tokens refill from here at the bucket's rate
      ) WITHOUT ROWID;
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
    try {
      refuseNewerSchema(db); // before the journal mode is set: a refused file is left as it was
    } catch (err) {
      db.close();
      throw err;
    }
    db.pragma('journal_mode = WAL');
  }
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  try {
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** A database written by a newer version of the bot: its schema may mean things this code does not know. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
    readonly file: string,
  ) {
    super(
      `The database ${file} has schema version ${databaseVersion}, newer than this version of the bot knows (${codeVersion}). ` +
        'It was written by a newer release: run that release, or point the bot at another state folder. The database was not changed.',
    );
    this.name = 'SchemaTooNewError';
  }
}

/** Throws SchemaTooNewError for a database a newer release wrote: an older bot would misread (or "fix") its schema. */
export function refuseNewerSchema(db: Db, migrations: readonly Migration[] = MIGRATIONS): void {
  const found = db.pragma('user_version', { simple: true }) as number;
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  if (found > latest) throw new SchemaTooNewError(found, latest, db.name);
}

export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  refuseNewerSchema(db, migrations);
  // IMMEDIATE, and the version re-read inside: two shard processes starting together apply each step once.
  const apply = db.transaction((m: Migration) => {
    if (version() >= m.version) return;
    db.exec(m.up);
    db.pragma(`user_version = ${m.version}`);
  });
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) if (version() < m.version) apply.immediate(m);
  return version();
}
