import { flushLogger, type Logger } from './discord/logger.ts';

export interface CrashGuardOptions {
  logger: Logger;
  /** What the process is doing now (the bot's phase, the event it was handling), logged with a crash. */
  activity: () => unknown;
}

export interface CrashGuard {
  /** Unhandled promise rejections so far (each is logged; none ends the process). */
  unhandledRejections(): number;
  uninstall(): void;
}

/** The exit code of a crash: non-zero, so a supervisor (systemd, Docker, the ShardingManager) restarts the process. */
export const CRASH_EXIT_CODE = 70;

/**
 * Last-resort handlers for a bot process. An exception nothing caught (e.g. discord.js failing on a
 * gateway event it does not expect) leaves the process in an unknown state: log it with what the bot
 * was doing, then exit non-zero for the supervisor to restart it; the digest's delivery records make a
 * restart safe. A rejected promise nobody awaited is a bug but not a broken state: log it and count it.
 */
export function installCrashGuard(opts: CrashGuardOptions): CrashGuard {
  const { logger } = opts;
  let rejections = 0;
  let crashing = false;
  const activity = () => {
    try {
      return opts.activity();
    } catch (err) {
      return { unknown: String(err) };
    }
  };
  const onException = (err: Error, origin: string) => {
    if (crashing) return;
    crashing = true;
    logger.fatal({ err, origin, activity: activity() }, 'uncaught exception; exiting for the supervisor to restart');
    void flushLogger(logger).then(() => process.exit(CRASH_EXIT_CODE));
  };
  const onRejection = (reason: unknown) => {
    rejections += 1;
    logger.error({ err: reason, unhandledRejections: rejections, activity: activity() }, 'unhandled promise rejection');
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    unhandledRejections: () => rejections,
    uninstall() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
