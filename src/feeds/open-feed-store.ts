import type { StoreBackend } from '../storage/backend.ts';
import type { FeedStore } from './feed-store.ts';
import { PgFeedStore } from './pg-feed-store.ts';
import { SqliteFeedStore } from './sqlite-feed-store.ts';

/** The feeds' store on the bot's state backend: PostgreSQL (DATABASE_URL) or the SQLite file in the state folder. */
export function feedStoreOn(backend: StoreBackend): FeedStore {
  return backend.kind === 'postgres' ? new PgFeedStore(backend.pool) : new SqliteFeedStore(backend.db);
}
