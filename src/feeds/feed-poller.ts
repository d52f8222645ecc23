import type { Logger } from 'pino';
import { articleTextFromHtml, normalisedTextHash } from './article-text.ts';
import type { FeedConfig } from './feed-config.ts';
import type { FeedStore } from './feed-store.ts';
import { ARTICLE_LIMITS, FEED_LIMITS, FetchProblem, fetchLimited, type FetchLimits } from './fetch-limited.ts';
import { HostPacer } from './host-pacer.ts';
import { FeedParseError, parseFeedEntries } from './parse-feed.ts';
import { StoreError } from '../storage/postgres.ts';

/** How one feed's poll ended: the named outcomes an operator sees in logs, `feeds list` and metrics. */
export type PollOutcome =
  | { feedUrl: string; outcome: 'ok'; entries: number; added: number[]; duplicates: number; articleFailures: number }
  | { feedUrl: string; outcome: 'not-modified' }
  | { feedUrl: string; outcome: 'paused'; reason: string }
  | { feedUrl: string; outcome: 'failed'; reason: string; pausedNow: boolean };

export interface FeedPollerOptions {
  store: FeedStore;
  logger: Logger;
  /** Wall-clock ms, for the schedule kept in the database. */
  now?: () => number;
  pacer?: HostPacer;
  fetchImpl?: typeof fetch;
  feedLimits?: FetchLimits;
  articleLimits?: FetchLimits;
  /** A feed is paused, with its reason, after this many failed polls in a row. */
  pauseAfter?: number;
  /** Longest wait between polls of a failing feed. */
  maxBackoffMs?: number;
  /** Feeds polled at the same time (default 256: most of a poll is waiting for its host's turn; the pacer keeps each host to one request a second). */
  concurrency?: number;
  random?: () => number;
  /** Told of each new article, e.g. to draft records from it. */
  onArticle?: (articleId: number) => void | Promise<void>;
}

/**
 * Polls feeds: a conditional GET of each due feed, then each entry not seen before is fetched, reduced to
 * its main text and stored once (by guid, URL and a hash of its normalised text). A failing feed waits
 * longer each time (exponential backoff with jitter) and is paused, with its reason, after `pauseAfter`.
 */
export class FeedPoller {
  private readonly o: Required<Omit<FeedPollerOptions, 'onArticle'>> & Pick<FeedPollerOptions, 'onArticle'>;

  constructor(opts: FeedPollerOptions) {
    this.o = {
      now: Date.now,
      pacer: new HostPacer(1000),
      fetchImpl: fetch,
      feedLimits: FEED_LIMITS,
      articleLimits: ARTICLE_LIMITS,
      pauseAfter: 5,
      maxBackoffMs: 6 * 3600_000,
      concurrency: 256,
      random: Math.random,
      ...opts,
    };
  }

  /** The next poll after `now`: the interval, give or take 10 %, so feeds drift apart instead of firing together. */
  private nextPoll(now: number, feed: FeedConfig, failures: number): number {
    const base = Math.min(feed.intervalMinutes * 60_000 * 2 ** failures, Math.max(this.o.maxBackoffMs, feed.intervalMinutes * 60_000));
    return now + Math.round(base * (0.9 + 0.2 * this.o.random()));
  }

  /** Polls every feed that is due (all of them with `force`), a few at a time. */
  async pollDue(feeds: readonly FeedConfig[], opts: { force?: boolean } = {}): Promise<PollOutcome[]> {
    const now = this.o.now();
    // One read of every state (a round trip to PostgreSQL), not one per feed.
    const states = new Map((await this.o.store.states()).map((s) => [s.feedUrl, s]));
    const due = feeds.filter((f) => {
      const s = states.get(f.url);
      return opts.force || s === undefined || (s.pausedReason === null && s.nextPollAt <= now);
    });
    const results: PollOutcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const feed = due[next++]!;
        results.push(await this.pollFeed(feed));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, due.length) }, worker));
    return results;
  }

  async pollFeed(feed: FeedConfig): Promise<PollOutcome> {
    const { store, logger } = this.o;
    const state = await store.state(feed.url);
    if (state.pausedReason !== null) return { feedUrl: feed.url, outcome: 'paused', reason: state.pausedReason };
    try {
      const res = await this.o.pacer.run(feed.url, () => fetchLimited(feed.url, this.o.feedLimits, state, this.o.fetchImpl));
      if (res.kind === 'not-modified') {
        await store.recordSuccess(feed.url, null, this.o.now(), this.nextPoll(this.o.now(), feed, 0));
        logger.debug({ feed: feed.url }, 'feed not modified');
        return { feedUrl: feed.url, outcome: 'not-modified' };
      }
      const { entries, wellFormed } = parseFeedEntries(res.body, res.url);
      if (!wellFormed) logger.warn({ feed: feed.url }, 'feed is not well-formed XML; read leniently');
      const added: number[] = [];
      let duplicates = 0;
      let articleFailures = 0;
      for (const entry of entries) {
        if (await store.knowsEntry(feed.url, entry.guid, entry.url)) continue;
        const outcome = await this.takeArticle(feed.url, entry.guid, entry.url, entry.title, entry.published);
        if (outcome === 'failed') articleFailures++;
        else if (outcome === 'duplicate') duplicates++;
        else added.push(outcome);
      }
      await store.recordSuccess(feed.url, { etag: res.etag, lastModified: res.lastModified }, this.o.now(), this.nextPoll(this.o.now(), feed, 0));
      logger.info({ feed: feed.url, entries: entries.length, added: added.length, duplicates, articleFailures }, 'feed polled');
      return { feedUrl: feed.url, outcome: 'ok', entries: entries.length, added, duplicates, articleFailures };
    } catch (err) {
      // The database not answering (after its retries) is no fault of the feed: the pass stops, nothing is counted against it.
      if (err instanceof StoreError) throw err;
      const reason =
        err instanceof FetchProblem
          ? `${err.reason}: ${err.message}`
          : err instanceof FeedParseError
            ? `malformed: ${err.message}`
            : `error: ${err instanceof Error ? err.message : String(err)}`;
      const now = this.o.now();
      const s = await store.recordFailure(feed.url, reason, now, this.nextPoll(now, feed, state.failures + 1), this.o.pauseAfter);
      const pausedNow = s.pausedReason !== null;
      logger.warn({ feed: feed.url, reason, failures: s.failures, paused: pausedNow }, pausedNow ? 'feed paused after repeated failures' : 'feed poll failed');
      return { feedUrl: feed.url, outcome: 'failed', reason, pausedNow };
    }
  }

  /** Fetches one article page and stores its text once; a single article URL outside a feed too (feedUrl null). */
  async takeArticle(
    feedUrl: string | null,
    guid: string | null,
    entryUrl: string,
    title: string | null,
    publishedAt: string | null,
  ): Promise<number | 'duplicate' | 'failed'> {
    const { store, logger } = this.o;
    try {
      const res = await this.o.pacer.run(entryUrl, () => fetchLimited(entryUrl, this.o.articleLimits, {}, this.o.fetchImpl));
      if (res.kind !== 'ok') return 'failed';
      const page = res.contentType === 'text/plain' ? { title: null, text: res.body.trim() } : articleTextFromHtml(res.body, res.url);
      if (!page.text) {
        logger.warn({ feed: feedUrl, url: entryUrl }, 'article has no readable text; skipped');
        return 'failed';
      }
      const outcome = await store.addArticle({
        feedUrl,
        guid,
        url: res.url,
        entryUrl,
        title: title ?? page.title,
        publishedAt,
        textHash: normalisedTextHash(page.text),
        text: page.text,
        fetchedAt: this.o.now(),
      });
      if (!outcome.added) {
        logger.info({ feed: feedUrl, url: entryUrl, duplicateOf: outcome.duplicateOf, by: outcome.by }, 'article already taken');
        return 'duplicate';
      }
      await this.o.onArticle?.(outcome.id);
      return outcome.id;
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const reason = err instanceof FetchProblem ? `${err.reason}: ${err.message}` : String(err);
      logger.warn({ feed: feedUrl, url: entryUrl, reason }, 'article could not be read; it is tried again at the next poll');
      return 'failed';
    }
  }
}
