import type { CommandModule } from '../../commands/kit/command.ts';
import { UserError } from '../core/user-error.ts';
import type { BotMetrics } from './metrics.ts';

/**
 * The same commands, each answer counted and timed: by command, and by outcome (ok, a problem with what
 * was asked, or an error). Wrapping the handlers keeps the metrics out of the commands and the router.
 */
export function instrumentCommands(commands: readonly CommandModule[], metrics: BotMetrics): CommandModule[] {
  return commands.map((c) => {
    const command = c.definition.name;
    const timed = async <T>(kind: 'command' | 'autocomplete', run: () => T | Promise<T>): Promise<T> => {
      const end = metrics.interactionSeconds.startTimer({ kind, command });
      try {
        const r = await run();
        metrics.interactions.inc({ kind, command, outcome: 'ok' });
        return r;
      } catch (err) {
        metrics.interactions.inc({ kind, command, outcome: err instanceof UserError ? 'user_error' : 'error' });
        throw err;
      } finally {
        end();
      }
    };
    return {
      ...c,
      handle: (options, ctx) => timed('command', () => c.handle(options, ctx)),
      ...(c.autocomplete ? { autocomplete: (focused, options, ctx) => timed('autocomplete', () => c.autocomplete!(focused, options, ctx)) } : {}),
    } satisfies CommandModule;
  });
}
