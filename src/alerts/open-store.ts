import type { StoreBackend } from '../storage/backend.ts';
import type { AlertStore } from './alert-store.ts';
import { PgAlertStore } from './pg-alert-store.ts';
import { SqliteAlertStore } from './sqlite-alert-store.ts';

/** The alerts' store on the process's backend. */
export function alertStoreOn(backend: StoreBackend): AlertStore {
  return backend.kind === 'sqlite' ? new SqliteAlertStore(backend.db) : new PgAlertStore(backend.pool);
}
