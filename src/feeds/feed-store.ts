/**
 * The feeds' store: each feed's polling state and the articles taken from feeds, each once. One
 * interface, two implementations: SQLite in the state folder (`SqliteFeedStore`) and PostgreSQL when
 * DATABASE_URL is set (`PgFeedStore`); `feedStoreOn(backend)` picks the one for the backend.
 */
export interface FeedState {
  feedUrl: string;
  etag: string | null;
  lastModified: string | null;
  failures: number;
  nextPollAt: number;
  lastPolledAt: number | null;
  lastOkAt: number | null;
  lastError: string | null;
  pausedReason: string | null;
}

export interface NewArticle {
  feedUrl: string | null;
  guid: string | null;
  url: string;
  entryUrl: string;
  title: string | null;
  publishedAt: string | null;
  textHash: string;
  text: string;
  fetchedAt: number;
}

export interface StoredArticle extends NewArticle {
  id: number;
  status: 'new' | 'drafted' | 'failed';
}

/** Why an article was not added: it is already there under this guid, this URL, or the same text. */
export type AddArticleOutcome = { added: true; id: number } | { added: false; duplicateOf: number; by: 'guid' | 'url' | 'text' };

export interface FeedStore {
  /** The feed's state; a feed never polled has the initial one (due now, no failures). */
  state(feedUrl: string): Promise<FeedState>;
  states(): Promise<FeedState[]>;
  /** A good poll: failures and pause cleared; `validators` null (a 304) keeps the stored ETag and Last-Modified. */
  recordSuccess(feedUrl: string, validators: { etag: string | null; lastModified: string | null } | null, now: number, nextPollAt: number): Promise<void>;
  /** A failed poll: one more failure in a row, paused with its reason once there are `pauseAfter`. */
  recordFailure(feedUrl: string, error: string, now: number, nextPollAt: number, pauseAfter: number): Promise<FeedState>;
  /** Polls a paused feed again at the next pass. */
  resume(feedUrl: string): Promise<void>;
  forget(feedUrl: string): Promise<void>;
  /** Whether this entry of this feed was taken already (by guid, or by the URL the feed lists). */
  knowsEntry(feedUrl: string | null, guid: string | null, entryUrl: string): Promise<boolean>;
  /** Adds the article unless it is already there (same guid in the feed, same URL, or the same text), also when two processes add it at once. */
  addArticle(a: NewArticle): Promise<AddArticleOutcome>;
  articles(status?: StoredArticle['status']): Promise<StoredArticle[]>;
  setArticleStatus(id: number, status: StoredArticle['status']): Promise<void>;
}

export const initialFeedState = (feedUrl: string): FeedState => ({
  feedUrl,
  etag: null,
  lastModified: null,
  failures: 0,
  nextPollAt: 0,
  lastPolledAt: null,
  lastOkAt: null,
  lastError: null,
  pausedReason: null,
});

/** The reason a feed is paused after `failures` failed polls in a row, or null while it is not. */
export const pauseReason = (failures: number, pauseAfter: number, lastError: string): string | null =>
  failures >= pauseAfter ? `${failures} failed polls in a row; last: ${lastError}` : null;
