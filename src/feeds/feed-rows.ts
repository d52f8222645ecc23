import type { FeedState, StoredArticle } from './feed-store.ts';

/**
 * The feed tables' rows, the same columns in SQLite and PostgreSQL, and the records they hold. BIGINT
 * times arrive as numbers from SQLite and from openPostgres's pools, as strings from pg's default parser.
 */
export type StateRow = {
  feed_url: string;
  etag: string | null;
  last_modified: string | null;
  failures: number;
  next_poll_at: string | number;
  last_polled_at: string | number | null;
  last_ok_at: string | number | null;
  last_error: string | null;
  paused_reason: string | null;
};

export type ArticleRow = {
  id: number;
  feed_url: string | null;
  guid: string | null;
  url: string;
  entry_url: string;
  title: string | null;
  published_at: string | null;
  text_hash: string;
  text: string;
  fetched_at: string | number;
  status: StoredArticle['status'];
};

const ms = (v: string | number | null): number | null => (v === null ? null : Number(v));

export const toState = (r: StateRow): FeedState => ({
  feedUrl: r.feed_url,
  etag: r.etag,
  lastModified: r.last_modified,
  failures: r.failures,
  nextPollAt: Number(r.next_poll_at),
  lastPolledAt: ms(r.last_polled_at),
  lastOkAt: ms(r.last_ok_at),
  lastError: r.last_error,
  pausedReason: r.paused_reason,
});

export const toArticle = (r: ArticleRow): StoredArticle => ({
  id: r.id,
  feedUrl: r.feed_url,
  guid: r.guid,
  url: r.url,
  entryUrl: r.entry_url,
  title: r.title,
  publishedAt: r.published_at,
  textHash: r.text_hash,
  text: r.text,
  fetchedAt: Number(r.fetched_at),
  status: r.status,
});
