import { openDatabase } from '../storage/db.ts';
import type { AlertServices, ChannelPermissionChecker, DigestServices } from '../../commands/kit/services.ts';
import { SqliteAlertStore } from '../alerts/sqlite-alert-store.ts';
import { DEFAULT_ALERTS_PER_HOUR } from '../alerts/alert-runner.ts';
import { SqliteDigestStore } from './sqlite-digest-store.ts';

export interface ConsoleServicesOptions {
  /** Keep subscriptions in this state folder's database (e.g. STATE_DIR); default: in memory, gone on exit. */
  stateDir?: string;
  /** Answer for /digest set's channel check; default: every channel is fine (there is no Discord here). */
  checkChannel?: ChannelPermissionChecker;
}

/**
 * ctx.services for the console and `npm run ask`: a digest store and an alert store (in-memory SQLite unless a folder is
 * given) and a permission checker that has no Discord to ask. Without a guild, `/digest preview` uses
 * UTC and no filter unless `timezone:` / `place:` are given.
 */
export function createConsoleServices(opts: ConsoleServicesOptions = {}): {
  digest: DigestServices & { store: SqliteDigestStore };
  alerts: AlertServices & { store: SqliteAlertStore };
} {
  const db = opts.stateDir ? openDatabase({ stateDir: opts.stateDir }) : openDatabase({ memory: true });
  const checkChannel = opts.checkChannel ?? (async () => ({ ok: true }) as const);
  return {
    digest: { store: new SqliteDigestStore(db), checkChannel },
    // Alerts are only stored here (`/alerts status` works offline); the Discord runtime posts them.
    alerts: { store: new SqliteAlertStore(db), checkChannel, maxPerHour: DEFAULT_ALERTS_PER_HOUR },
  };
}
