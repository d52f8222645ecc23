import { openDatabase } from '../storage/db.ts';
import type { ChannelPermissionChecker, DigestServices } from '../../commands/kit/services.ts';
import { DigestStore } from './store.ts';

export interface ConsoleServicesOptions {
  /** Keep subscriptions in this state folder's database (e.g. STATE_DIR); default: in memory, gone on exit. */
  stateDir?: string;
  /** Answer for /digest set's channel check; default: every channel is fine (there is no Discord here). */
  checkChannel?: ChannelPermissionChecker;
}

/**
 * ctx.services for the console and `npm run ask`: a digest store (in-memory SQLite unless a folder is
 * given) and a permission checker that has no Discord to ask. Without a guild, `/digest preview` uses
 * UTC and no filter unless `timezone:` / `place:` are given.
 */
export function createConsoleServices(opts: ConsoleServicesOptions = {}): { digest: DigestServices & { store: DigestStore } } {
  const db = opts.stateDir ? openDatabase({ stateDir: opts.stateDir }) : openDatabase({ memory: true });
  return {
    digest: {
      store: new DigestStore(db),
      checkChannel: opts.checkChannel ?? (async () => ({ ok: true })),
    },
  };
}
