import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The feeds the bot follows, in a file the operator edits or changes with `npm run feeds -- add|remove`
 * (FEEDS_FILE, default ./feeds.json). Validated at boot: a bad entry stops the bot with its path named.
 */
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const FeedSchema = z.strictObject({
  url: httpUrl,
  name: z.string().trim().min(1).max(100).optional(),
  /** How often to poll; polls are spread with jitter so feeds on one host do not all fire together. */
  intervalMinutes: z
    .number()
    .int()
    .min(5, 'must be at least 5 (minutes)')
    .max(24 * 60)
    .default(15),
});

export const FeedsFileSchema = z.strictObject({
  feeds: z.array(FeedSchema).default([]),
  /** Single article pages to read once, outside any feed. */
  articles: z.array(httpUrl).default([]),
});

export type FeedConfig = z.infer<typeof FeedSchema>;
export type FeedsFile = z.infer<typeof FeedsFileSchema>;

export class FeedsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedsFileError';
  }
}

/** The feeds file, validated; an absent file is an empty list. */
export function readFeedsFile(path: string): FeedsFile {
  if (!existsSync(path)) return { feeds: [], articles: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FeedsFileError(`${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = FeedsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new FeedsFileError(`${path}: ${i.path.join('.') || '(top level)'} ${i.message}`);
  }
  const seen = new Set<string>();
  for (const f of parsed.data.feeds) {
    if (seen.has(f.url)) throw new FeedsFileError(`${path}: the feed ${f.url} is listed twice`);
    seen.add(f.url);
  }
  return parsed.data;
}

/** Written to a temporary file and renamed, so a crash never leaves half a file. */
export function writeFeedsFile(file: FeedsFile, path: string): void {
  const checked = FeedsFileSchema.parse(file);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(checked, null, 2)}\n`);
  renameSync(tmp, path);
}
