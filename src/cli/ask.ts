/**
 * One command, one answer, then exit:
 *   npm run --silent ask -- [--json] [--now <ISO date-time>] [--out <dir>] "/attacks syria"
 * Exit 0 on an answer (also "nothing found", and a name it does not know: NotFoundError is answered
 * with "did you mean"), 2 on a usage error (any other UserError), 1 when the data is invalid, with a
 * one-line message.
 */
import { parseArgs } from 'node:util';
import type { CommandContext, CommandModule } from '../../commands/kit/command.ts';
import { DatasetError } from '../core/dataset-issue.ts';
import { UserError } from '../core/user-error.ts';
import { renderText } from './render-text.ts';
import { runCommandLine, saveFiles, toDiscordBody } from './run-command.ts';

const USAGE = 'usage: npm run --silent ask -- [--json] [--now <ISO date-time>] [--out <dir>] "/command option:value"';

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

export interface AskOptions {
  /** The handlers' context, with the clock fixed at `now` when given (loads the dataset). */
  context: (now?: Date) => CommandContext;
  commands: ReadonlyMap<string, CommandModule>;
}

const ASK_OPTIONS = {
  json: { type: 'boolean', default: false },
  now: { type: 'string' },
  out: { type: 'string', default: 'out' },
  help: { type: 'boolean', default: false },
} as const;

export async function runAsk(argv: string[], opts: AskOptions): Promise<void> {
  let args: ReturnType<typeof parseArgs<{ args: string[]; options: typeof ASK_OPTIONS; allowPositionals: true }>>;
  try {
    args = parseArgs({ args: argv, options: ASK_OPTIONS, allowPositionals: true });
  } catch (e) {
    fail(2, `${(e as Error).message.split('\n')[0]}\n${USAGE}`);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const line = args.positionals.join(' ').trim();
  if (!line) fail(2, USAGE);
  let now: Date | undefined;
  if (args.values.now !== undefined) {
    now = new Date(args.values.now);
    if (!/^\d{4}-\d{2}-\d{2}/.test(args.values.now) || Number.isNaN(now.getTime()))
      fail(2, `--now must be an ISO date-time such as 2019-08-25T08:00:00Z, not "${args.values.now}".`);
  }
  let ctx: CommandContext;
  try {
    ctx = opts.context(now);
  } catch (e) {
    // The details are for `npm run data:check`; a question asked here gets one line.
    if (e instanceof DatasetError)
      fail(1, `error: the dataset is invalid (${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}); \`npm run data:check\` lists them.`);
    throw e;
  }
  try {
    const reply = await runCommandLine(line, opts.commands, ctx);
    const saved = saveFiles(reply, args.values.out!);
    if (args.values.json) process.stdout.write(JSON.stringify(toDiscordBody(reply), null, 2) + '\n');
    else process.stdout.write(renderText(reply, saved) + '\n');
    if (args.values.json && saved.length) process.stderr.write(saved.map((s) => `Saved ${s}`).join('\n') + '\n');
  } catch (e) {
    if (e instanceof UserError) fail(2, e.message);
    fail(1, `error: ${(e as Error).message}`);
  }
}
