import type { StoreBackend } from '../storage/backend.ts';
import { PgDigestStore } from './pg-digest-store.ts';
import { SqliteDigestStore } from './sqlite-digest-store.ts';
import type { DigestStore } from './store.ts';

/** The digest's store on the process's backend. */
export function digestStoreOn(backend: StoreBackend): DigestStore {
  return backend.kind === 'sqlite' ? new SqliteDigestStore(backend.db) : new PgDigestStore(backend.pool);
}
