import type { Db } from '../storage/db.ts';
import { type ArticleRow, type StateRow, toArticle, toState } from './feed-rows.ts';
import { initialFeedState, pauseReason, type AddArticleOutcome, type FeedState, type FeedStore, type NewArticle, type StoredArticle } from './feed-store.ts';

/**
 * The feeds' store in the bot's SQLite database (migration 3). better-sqlite3 is synchronous; the methods
 * are async only to share the interface with PostgreSQL. Read-modify-write steps run in IMMEDIATE
 * transactions, so shard processes sharing the file do not interleave them.
 */
export class SqliteFeedStore implements FeedStore {
  constructor(private readonly db: Db) {}

  private stateNow(feedUrl: string): FeedState {
    const r = this.db.prepare('SELECT * FROM feed_state WHERE feed_url = ?').get(feedUrl) as StateRow | undefined;
    return r ? toState(r) : initialFeedState(feedUrl);
  }

  async state(feedUrl: string): Promise<FeedState> {
    return this.stateNow(feedUrl);
  }

  async states(): Promise<FeedState[]> {
    return (this.db.prepare('SELECT * FROM feed_state ORDER BY feed_url').all() as StateRow[]).map(toState);
  }

  private upsert(s: FeedState): void {
    this.db
      .prepare(
        `INSERT INTO feed_state (feed_url, etag, last_modified, failures, next_poll_at, last_polled_at, last_ok_at, last_error, paused_reason)
         VALUES (@feedUrl, @etag, @lastModified, @failures, @nextPollAt, @lastPolledAt, @lastOkAt, @lastError, @pausedReason)
         ON CONFLICT (feed_url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, failures = excluded.failures,
           next_poll_at = excluded.next_poll_at, last_polled_at = excluded.last_polled_at, last_ok_at = excluded.last_ok_at,
           last_error = excluded.last_error, paused_reason = excluded.paused_reason`,
      )
      .run(s);
  }

  async recordSuccess(feedUrl: string, v: { etag: string | null; lastModified: string | null } | null, now: number, nextPollAt: number): Promise<void> {
    this.db
      .transaction(() => {
        const s = this.stateNow(feedUrl);
        this.upsert({ ...s, ...(v ?? {}), failures: 0, nextPollAt, lastPolledAt: now, lastOkAt: now, lastError: null, pausedReason: null });
      })
      .immediate();
  }

  async recordFailure(feedUrl: string, error: string, now: number, nextPollAt: number, pauseAfter: number): Promise<FeedState> {
    return this.db
      .transaction(() => {
        const s = this.stateNow(feedUrl);
        const failures = s.failures + 1;
        const next: FeedState = { ...s, failures, nextPollAt, lastPolledAt: now, lastError: error, pausedReason: pauseReason(failures, pauseAfter, error) };
        this.upsert(next);
        return next;
      })
      .immediate();
  }

  async resume(feedUrl: string): Promise<void> {
    this.db.prepare('UPDATE feed_state SET paused_reason = NULL, failures = 0, next_poll_at = 0 WHERE feed_url = ?').run(feedUrl);
  }

  async forget(feedUrl: string): Promise<void> {
    this.db.prepare('DELETE FROM feed_state WHERE feed_url = ?').run(feedUrl);
  }

  async knowsEntry(feedUrl: string | null, guid: string | null, entryUrl: string): Promise<boolean> {
    const byGuid =
      guid !== null && feedUrl !== null && this.db.prepare('SELECT 1 FROM feed_articles WHERE feed_url = ? AND guid = ?').get(feedUrl, guid) !== undefined;
    return byGuid || this.db.prepare('SELECT 1 FROM feed_articles WHERE entry_url = ? OR url = ?').get(entryUrl, entryUrl) !== undefined;
  }

  async addArticle(a: NewArticle): Promise<AddArticleOutcome> {
    return this.db
      .transaction((): AddArticleOutcome => {
        const dup = (sql: string, ...args: unknown[]) => (this.db.prepare(sql).get(...args) as { id: number } | undefined)?.id;
        let id: number | undefined;
        if (
          a.guid !== null &&
          a.feedUrl !== null &&
          (id = dup('SELECT id FROM feed_articles WHERE feed_url = ? AND guid = ?', a.feedUrl, a.guid)) !== undefined
        )
          return { added: false, duplicateOf: id, by: 'guid' };
        if ((id = dup('SELECT id FROM feed_articles WHERE url = ?', a.url)) !== undefined) return { added: false, duplicateOf: id, by: 'url' };
        if ((id = dup('SELECT id FROM feed_articles WHERE text_hash = ?', a.textHash)) !== undefined) return { added: false, duplicateOf: id, by: 'text' };
        const r = this.db
          .prepare(
            `INSERT INTO feed_articles (feed_url, guid, url, entry_url, title, published_at, text_hash, text, fetched_at)
           VALUES (@feedUrl, @guid, @url, @entryUrl, @title, @publishedAt, @textHash, @text, @fetchedAt)`,
          )
          .run(a);
        return { added: true, id: Number(r.lastInsertRowid) };
      })
      .immediate();
  }

  async articles(status?: StoredArticle['status']): Promise<StoredArticle[]> {
    const rows = status
      ? (this.db.prepare('SELECT * FROM feed_articles WHERE status = ? ORDER BY id').all(status) as ArticleRow[])
      : (this.db.prepare('SELECT * FROM feed_articles ORDER BY id').all() as ArticleRow[]);
    return rows.map(toArticle);
  }

  async setArticleStatus(id: number, status: StoredArticle['status']): Promise<void> {
    this.db.prepare('UPDATE feed_articles SET status = ? WHERE id = ?').run(status, id);
  }
}
