import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { readFeedsFile } from './feed-config.ts';
import { FeedPoller } from './feed-poller.ts';
import type { FeedStore } from './feed-store.ts';

/**
 * One pass of the bot's own feed polling: the feeds in FEEDS_FILE that are due (each keeps its interval
 * and backoff in the database). Nothing when the file does not exist (no feeds configured). Run by one
 * process at a time (the 'feed-poll' lease, src/app.ts).
 */
export async function pollFeedsOnce(opts: { feedsFile: string; store: FeedStore; logger: Logger; signal?: AbortSignal }): Promise<void> {
  if (!existsSync(opts.feedsFile)) return;
  const file = readFeedsFile(opts.feedsFile);
  if (file.feeds.length === 0 || opts.signal?.aborted) return;
  const results = await new FeedPoller({ store: opts.store, logger: opts.logger }).pollDue(file.feeds);
  const added = results.reduce((n, r) => n + (r.outcome === 'ok' ? r.added.length : 0), 0);
  if (results.length) opts.logger.info({ polled: results.length, added }, 'feeds polled');
}
