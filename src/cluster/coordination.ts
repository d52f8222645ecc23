import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Db } from '../storage/db.ts';
import { SqliteLeaseStore, type LeaseStore } from '../storage/lease.ts';
import { PgLeaseStore } from '../storage/pg-lease.ts';
import { PgRateBucket } from '../storage/pg-rate-bucket.ts';
import { BucketLimiter, SqliteRateBucket, type BucketShape } from '../storage/rate-bucket.ts';

/** The database the processes share: the SQLite file in the state folder (one machine) or PostgreSQL. */
export type CoordinationBackend = { kind: 'sqlite'; db: Db } | { kind: 'postgres'; pool: pg.Pool };

/**
 * The bot token's global limit is 50 requests a second, counted by Discord where they arrive. The shared
 * bucket grants 40 a second with bursts of 4: any second of grants holds at most 44, which leaves room for
 * the time between taking a token and the request reaching Discord (a busy event loop, the network)
 * bunching requests granted more than a second apart into one second of arrivals.
 */
export const DISCORD_GLOBAL_BUCKET: BucketShape = { name: 'discord-global', perSecond: 40, burst: 4 };

/** What several processes of the bot coordinate through. */
export interface Coordination {
  /** This process, as it appears in leases: host, pid and a random part (a restarted process is a new holder). */
  holder: string;
  leases: LeaseStore;
  /** One shared token per REST request that counts toward the bot's global limit. */
  globalRest: BucketLimiter;
}

export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function coordinationOn(backend: CoordinationBackend, holder: string = newHolderId()): Coordination {
  if (backend.kind === 'sqlite')
    return { holder, leases: new SqliteLeaseStore(backend.db), globalRest: new BucketLimiter(new SqliteRateBucket(backend.db, DISCORD_GLOBAL_BUCKET)) };
  return { holder, leases: new PgLeaseStore(backend.pool), globalRest: new BucketLimiter(new PgRateBucket(backend.pool, DISCORD_GLOBAL_BUCKET)) };
}
