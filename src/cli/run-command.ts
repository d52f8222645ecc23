import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { replyTo, type CommandContext, type CommandModule } from '../../commands/kit/command.ts';
import type { ReplyPayload } from '../../commands/kit/payload.ts';
import { parseCommandLine } from './parse-command-line.ts';

/** Runs one typed command line through the same handler Discord uses. An unknown name is answered; other UserErrors propagate. */
export async function runCommandLine(line: string, commands: ReadonlyMap<string, CommandModule>, ctx: CommandContext): Promise<ReplyPayload> {
  const { module, options } = parseCommandLine(line, commands);
  return replyTo(module, options, ctx);
}

/** Writes a reply's attached files (rendered PNGs) to a folder; returns their paths. */
export function saveFiles(p: ReplyPayload, outDir: string): string[] {
  if (!p.files?.length) return [];
  mkdirSync(outDir, { recursive: true });
  return p.files.map((f) => {
    const path = resolve(join(outDir, f.name.replace(/[^\w.-]/g, '_')));
    writeFileSync(path, f.data);
    return path;
  });
}

/**
 * The JSON body the bot sends to Discord for this reply: files become `attachments` entries
 * (their bytes travel as multipart parts, not in the JSON).
 */
export function toDiscordBody(p: ReplyPayload): Record<string, unknown> {
  const { files, ...body } = p;
  if (files?.length)
    return { ...body, attachments: files.map((f, id) => ({ id, filename: f.name, ...(f.description ? { description: f.description } : {}) })) };
  return body;
}
