import type pg from 'pg';
import { retryOnConnectionLoss } from '../storage/postgres.ts';
import { type ArticleRow, type StateRow, toArticle, toState } from './feed-rows.ts';
import { initialFeedState, type AddArticleOutcome, type FeedState, type FeedStore, type NewArticle, type StoredArticle } from './feed-store.ts';

/**
 * The feeds' store in PostgreSQL (migration 20), shared by every process. Each change is one statement,
 * so it is atomic without an explicit transaction: a failure is counted with `failures + 1` in the
 * database, and an article is inserted with ON CONFLICT DO NOTHING, so two processes adding the same
 * article at once store it once. A statement whose connection was lost is run again: all are idempotent
 * but a failure count, which may then count one failed poll twice (a feed paused one poll early at worst).
 */
export class PgFeedStore implements FeedStore {
  constructor(private readonly pool: pg.Pool) {}

  /** One statement, tried again while the connection is lost (each is safe to run again, see the class comment). */
  private query<R extends pg.QueryResultRow>(what: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    return retryOnConnectionLoss(what, () => this.pool.query<R>(sql, params));
  }

  async state(feedUrl: string): Promise<FeedState> {
    const { rows } = await this.query<StateRow>("reading a feed's state", 'SELECT * FROM feed_state WHERE feed_url = $1', [feedUrl]);
    return rows[0] ? toState(rows[0]) : initialFeedState(feedUrl);
  }

  async states(): Promise<FeedState[]> {
    // COLLATE "C": the byte order SQLite uses, whatever the database's locale.
    return (await this.query<StateRow>('feed store', 'SELECT * FROM feed_state ORDER BY feed_url COLLATE "C"')).rows.map(toState);
  }

  async recordSuccess(feedUrl: string, v: { etag: string | null; lastModified: string | null } | null, now: number, nextPollAt: number): Promise<void> {
    // A 304 (v null) keeps the validators the database has.
    await this.query(
      'feed store',
      `INSERT INTO feed_state (feed_url, etag, last_modified, failures, next_poll_at, last_polled_at, last_ok_at, last_error, paused_reason)
       VALUES ($1, $2, $3, 0, $4, $5, $5, NULL, NULL)
       ON CONFLICT (feed_url) DO UPDATE SET
         etag = CASE WHEN $6 THEN feed_state.etag ELSE excluded.etag END,
         last_modified = CASE WHEN $6 THEN feed_state.last_modified ELSE excluded.last_modified END,
         failures = 0, next_poll_at = excluded.next_poll_at, last_polled_at = excluded.last_polled_at, last_ok_at = excluded.last_ok_at,
         last_error = NULL, paused_reason = NULL`,
      [feedUrl, v?.etag ?? null, v?.lastModified ?? null, nextPollAt, now, v === null],
    );
  }

  async recordFailure(feedUrl: string, error: string, now: number, nextPollAt: number, pauseAfter: number): Promise<FeedState> {
    const { rows } = await this.query<StateRow>(
      'feed store',
      `INSERT INTO feed_state AS s (feed_url, failures, next_poll_at, last_polled_at, last_error, paused_reason)
       VALUES ($1, 1, $2, $3, $4, CASE WHEN 1 >= $5 THEN '1 failed polls in a row; last: ' || $4 END)
       ON CONFLICT (feed_url) DO UPDATE SET
         failures = s.failures + 1, next_poll_at = excluded.next_poll_at, last_polled_at = excluded.last_polled_at, last_error = excluded.last_error,
         paused_reason = CASE WHEN s.failures + 1 >= $5 THEN (s.failures + 1) || ' failed polls in a row; last: ' || $4 END
       RETURNING *`,
      [feedUrl, nextPollAt, now, error, pauseAfter],
    );
    return toState(rows[0]!);
  }

  async resume(feedUrl: string): Promise<void> {
    await this.query('feed store', 'UPDATE feed_state SET paused_reason = NULL, failures = 0, next_poll_at = 0 WHERE feed_url = $1', [feedUrl]);
  }

  async forget(feedUrl: string): Promise<void> {
    await this.query('feed store', 'DELETE FROM feed_state WHERE feed_url = $1', [feedUrl]);
  }

  async knowsEntry(feedUrl: string | null, guid: string | null, entryUrl: string): Promise<boolean> {
    const { rowCount } = await this.query(
      'feed store',
      'SELECT 1 FROM feed_articles WHERE ($1::text IS NOT NULL AND $2::text IS NOT NULL AND feed_url = $1 AND guid = $2) OR entry_url = $3 OR url = $3 LIMIT 1',
      [feedUrl, guid, entryUrl],
    );
    return (rowCount ?? 0) > 0;
  }

  private async duplicateOf(a: NewArticle): Promise<AddArticleOutcome | null> {
    const { rows } = await this.query<{ id: number; by: 'guid' | 'url' | 'text' }>(
      'looking up an article',
      `SELECT id, CASE WHEN $1::text IS NOT NULL AND $2::text IS NOT NULL AND feed_url = $1 AND guid = $2 THEN 'guid' WHEN url = $3 THEN 'url' ELSE 'text' END AS by
       FROM feed_articles WHERE ($1::text IS NOT NULL AND $2::text IS NOT NULL AND feed_url = $1 AND guid = $2) OR url = $3 OR text_hash = $4`,
      [a.feedUrl, a.guid, a.url, a.textHash],
    );
    // The same precedence as SQLite's store: guid, then URL, then text.
    for (const by of ['guid', 'url', 'text'] as const) {
      const hit = rows.filter((r) => r.by === by).sort((x, y) => x.id - y.id)[0];
      if (hit) return { added: false, duplicateOf: hit.id, by };
    }
    return null;
  }

  async addArticle(a: NewArticle): Promise<AddArticleOutcome> {
    const known = await this.duplicateOf(a);
    if (known) return known;
    const { rows } = await this.query<{ id: number }>(
      'storing an article',
      `INSERT INTO feed_articles (feed_url, guid, url, entry_url, title, published_at, text_hash, text, fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id`,
      [a.feedUrl, a.guid, a.url, a.entryUrl, a.title, a.publishedAt, a.textHash, a.text, a.fetchedAt],
    );
    if (rows[0]) return { added: true, id: rows[0].id };
    // Another process stored it between our look and our insert: the row it wrote is committed now.
    const raced = await this.duplicateOf(a);
    if (!raced) throw new Error(`article ${a.url} was neither inserted nor found`);
    return raced;
  }

  async articles(status?: StoredArticle['status']): Promise<StoredArticle[]> {
    const { rows } = status
      ? await this.query<ArticleRow>('feed store', 'SELECT * FROM feed_articles WHERE status = $1 ORDER BY id', [status])
      : await this.query<ArticleRow>('feed store', 'SELECT * FROM feed_articles ORDER BY id');
    return rows.map(toArticle);
  }

  async setArticleStatus(id: number, status: StoredArticle['status']): Promise<void> {
    await this.query('feed store', 'UPDATE feed_articles SET status = $1 WHERE id = $2', [status, id]);
  }
}
