import { createInterface } from 'node:readline';
import type { CommandContext, CommandModule } from '../../commands/kit/command.ts';
import { parsePageButtonId, resolveHashedIds } from '../../commands/kit/page-button.ts';
import type { Dataset } from '../core/dataset.ts';
import { UserError } from '../core/user-error.ts';
import { DatasetError } from '../core/load-dataset.ts';
import type { ReplyPayload } from '../../commands/kit/payload.ts';
import { renderText } from './render-text.ts';
import { runCommandLine, saveFiles } from './run-command.ts';

/**
 * The offline console: the bot's commands answered in the terminal, with no Discord at all. Reads a
 * line at a time from a terminal or a pipe (`echo "/attacks syria" | npm start`). The app (src/app.ts)
 * passes the commands and how to build the handlers' context.
 */
export async function runConsole(opts: { context: () => CommandContext; commands: ReadonlyMap<string, CommandModule>; outDir?: string }): Promise<void> {
  const interactive = Boolean(process.stdin.isTTY);
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
    process.stdout.write(
      `incident-bot offline console (no DISCORD_TOKEN set, so nothing goes to Discord).\n` +
        `${c.incidents} incidents, ${c.quotes} statements, ${c.places} places loaded.\n` +
        `Try: /attacks syria · /quote pompeo · /incident diyala-police-2019-08-22 · /help. /next and /prev turn pages; /quit leaves.\n\n`,
    );
  }
  let last: ReplyPayload | null = null;
  const rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive, prompt: 'incident-bot> ' });
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
        process.stdout.write(`There is no ${line === '/next' ? 'next' : 'previous'} page.\n\n`);
        if (interactive) rl.prompt();
        continue;
      }
      line = target;
    }
    try {
      const reply = await runCommandLine(line, opts.commands, ctx);
      last = reply;
      process.stdout.write(renderText(reply, saveFiles(reply, outDir)) + '\n\n');
    } catch (e) {
      if (e instanceof UserError) process.stdout.write(`${e.message}\n\n`);
      else process.stdout.write(`Something went wrong answering that: ${(e as Error).message}\n\n`);
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
