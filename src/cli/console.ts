import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { CommandContext, CommandModule } from '../../commands/kit/command.ts';
import { parsePageButtonId, resolveHashedIds } from '../../commands/kit/page-button.ts';
import type { Dataset } from '../core/dataset.ts';
import { UserError } from '../core/user-error.ts';
import { DatasetError } from '../core/dataset-issue.ts';
import type { ReplyPayload } from '../../commands/kit/payload.ts';
import { completeLine } from './console-completion.ts';
import { HISTORY_SIZE, historyPath, loadHistory, saveHistory } from './console-history.ts';
import { renderText } from './render-text.ts';
import { runCommandLine, saveFiles } from './run-command.ts';

export interface ConsoleOptions {
  outDir?: string;
  /** Default: the process's stdin and stdout; a terminal when stdin is one. */
  input?: Readable;
  output?: Writable;
  terminal?: boolean;
  /** Where the history file lives: the state folder (STATE_DIR). */
  stateDir?: string;
  /** Builds the handlers' context (loads the dataset); the app (src/app.ts) passes it with the commands. */
  context: () => CommandContext;
  commands: ReadonlyMap<string, CommandModule>;
}

/**
 * The offline console: the bot's commands answered in the terminal, with no Discord at all. Reads a
 * line at a time from a terminal or a pipe (`echo "/attacks syria" | npm start`). In a terminal, Tab
 * completes commands, option names and values (see completeLine), and the history (↑) is kept
 * between sessions in the state folder.
 */
export async function runConsole(opts: ConsoleOptions): Promise<void> {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const interactive = opts.terminal ?? Boolean(process.stdin.isTTY);
  let ctx: CommandContext;
  try {
    ctx = opts.context();
  } catch (e) {
    if (e instanceof DatasetError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
  const outDir = opts.outDir ?? 'out';
  if (interactive) {
    const c = ctx.dataset().counts();
    output.write(
      `incident-bot offline console (no DISCORD_TOKEN set, so nothing goes to Discord).\n` +
        `${c.incidents} incidents, ${c.quotes} statements, ${c.places} places loaded.\n` +
        `Try: /attacks syria · /quote pompeo · /incident diyala-police-2019-08-22 · /help. Tab completes; /next and /prev turn pages; /quit leaves.\n\n`,
    );
  }
  let last: ReplyPayload | null = null;
  const history = interactive && opts.stateDir ? historyPath(opts.stateDir) : null;
  const rl = createInterface({
    input,
    output: interactive ? output : undefined,
    terminal: interactive,
    prompt: 'incident-bot> ',
    history: history ? loadHistory(history) : [],
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string, done: (err: Error | null, result: [string[], string]) => void) => {
      completeLine(line, opts.commands, ctx).then(
        (r) => done(null, r),
        () => done(null, [[], line]),
      );
    },
  });
  if (history)
    rl.on('history', (h: string[]) =>
      saveHistory(
        history,
        h.filter((l) => l !== '/quit' && l !== '/exit'),
      ),
    );
  if (interactive) rl.prompt();
  for await (const input of rl) {
    let line = input.trim();
    if (!line) {
      if (interactive) rl.prompt();
      continue;
    }
    if (line === '/quit' || line === '/exit') break;
    if (line === '/next' || line === '/prev') {
      const target = pageLine(last, line === '/next' ? 'Next' : 'Previous', ctx.dataset(), opts.commands);
      if (!target) {
        output.write(`There is no ${line === '/next' ? 'next' : 'previous'} page.\n\n`);
        if (interactive) rl.prompt();
        continue;
      }
      line = target;
    }
    try {
      const reply = await runCommandLine(line, opts.commands, ctx);
      last = reply;
      output.write(renderText(reply, saveFiles(reply, outDir)) + '\n\n');
    } catch (e) {
      if (e instanceof UserError) output.write(`${e.message}\n\n`);
      else output.write(`Something went wrong answering that: ${(e as Error).message}\n\n`);
    }
    if (interactive) rl.prompt();
  }
  rl.close();
}

/** The command line a page button of the last reply stands for. */
function pageLine(reply: ReplyPayload | null, label: 'Next' | 'Previous', ds: Dataset, commands: ReadonlyMap<string, CommandModule>): string | null {
  for (const row of reply?.components ?? [])
    for (const c of row.components) {
      if (!('custom_id' in c) || !('label' in c) || !c.label?.startsWith(label === 'Next' ? 'Next' : '◀') || ('disabled' in c && c.disabled)) continue;
      const parsed = parsePageButtonId(c.custom_id, commands);
      if (!parsed) continue;
      let options: ReturnType<typeof resolveHashedIds>;
      try {
        options = resolveHashedIds(commands.get(parsed.command)!, parsed.options, ds);
      } catch {
        continue; // the dataset changed under this page: no such page any more
      }
      const opts = Object.entries(options)
        .map(([k, v]) => `${k}:"${String(v)}"`)
        .join(' ');
      return `/${parsed.command} ${opts}`;
    }
  return null;
}
