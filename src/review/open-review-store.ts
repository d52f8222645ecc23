import type { StoreBackend } from '../storage/backend.ts';
import { PgReviewStore } from './pg-review-store.ts';
import type { ReviewStore } from './review-store.ts';
import { SqliteReviewStore } from './sqlite-review-store.ts';

/** The review queue on the bot's state backend: PostgreSQL (DATABASE_URL) or the SQLite file in the state folder. */
export function reviewStoreOn(backend: StoreBackend): ReviewStore {
  return backend.kind === 'postgres' ? new PgReviewStore(backend.pool) : new SqliteReviewStore(backend.db);
}
