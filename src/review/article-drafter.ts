import type { Dataset } from '../core/dataset.ts';
import { perDataset } from '../core/per-dataset.ts';
import { extractArticle } from '../extract/extract-article.ts';
import { extractionData } from '../extract/link.ts';
import { isIsoDay, statedPublicationDate } from '../extract/published-date.ts';
import type { NewArticle } from '../feeds/feed-store.ts';
import { draftsFromExtraction, type TakenIds } from './article-drafts.ts';
import type { Draft, ReviewStore } from './review-store.ts';

export interface DrafterLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ArticleDrafterOptions {
  reviews: ReviewStore;
  /** Where the article's status is kept (the feeds' store). */
  articles: { setArticleStatus(id: number, status: 'new' | 'drafted' | 'failed'): unknown };
  /** The dataset the commands answer from now (data/ and what was published): places, actors, same-event links, ids in use. */
  dataset: () => Dataset;
  logger: DrafterLogger;
  now?: () => number;
  /** The publisher to credit for an article of this feed (the feed's name in the feeds file), if known. */
  publisherOf?: (feedUrl: string | null) => string | null;
  /** Told of the drafts of each article once they are queued (e.g. to post them to the review channel). */
  onDrafted?: (drafts: readonly Draft[]) => void | Promise<void>;
}

export type DraftOutcome = { articleId: number; drafts: Draft[]; reason: null } | { articleId: number; drafts: []; reason: string };

/** A set that also counts ids some other owner holds (the dataset's), without copying them. */
class TakenSet extends Set<string> {
  constructor(private readonly elsewhere: (id: string) => boolean) {
    super();
  }
  override has(id: string): boolean {
    return super.has(id) || this.elsewhere(id);
  }
}

const recordIds = perDataset((ds) => ({ quotes: new Set(ds.quotes.map((q) => q.id)), statistics: new Set(ds.statistics.map((s) => s.id)) }));

/**
 * Each new article (FeedPoller's onArticle) through the extractor into the review queue. Articles are
 * drafted one at a time, so two articles never give two drafts the same id; an article that yields
 * nothing is marked drafted with a log line saying why, and one that fails is marked failed.
 */
export class ArticleDrafter {
  private chain: Promise<unknown> = Promise.resolve();
  /** Ids of drafts queued or published (read from the store once, then kept up to date here). */
  private own: { sources: Set<string>; incidents: Set<string>; quotes: Set<string>; statistics: Set<string> } | null = null;

  constructor(private readonly o: ArticleDrafterOptions) {}

  /**
   * Drafts records from one stored article and queues them; resolves when they are in the store. Articles
   * wait their turn; each turn starts on a fresh event-loop pass, so timers and sockets (the poller's
   * requests, Discord's heartbeats) are served between two extractions.
   */
  draft(articleId: number, article: NewArticle): Promise<DraftOutcome> {
    const run = this.chain.then(() => new Promise<void>((r) => setImmediate(r))).then(() => this.draftNow(articleId, article));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Reads the ids in use from the store again at the next article: drafts another process queued
   * meanwhile (`npm run feeds -- poll`) are then avoided too. The bot calls it at each feed pass.
   */
  rereadIds(): void {
    this.chain = this.chain.then(() => {
      this.own = null;
    });
  }

  /** Resolves once every article handed over so far is drafted. */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  private async ownIds() {
    if (this.own) return this.own;
    const own = { sources: new Set<string>(), incidents: new Set<string>(), quotes: new Set<string>(), statistics: new Set<string>() };
    const plural = { incident: 'incidents', quote: 'quotes', statistic: 'statistics' } as const;
    for (const d of await this.o.reviews.pending()) {
      own[plural[d.kind]].add(d.record.id);
      own.sources.add(d.bundle.source.id);
    }
    for (const r of await this.o.reviews.published()) {
      if (r.kind === 'source') own.sources.add(r.id);
      else if (r.kind in plural) own[plural[r.kind as keyof typeof plural]].add(r.id);
    }
    this.own = own;
    return own;
  }

  private async draftNow(articleId: number, article: NewArticle): Promise<DraftOutcome> {
    const { logger } = this.o;
    const log = { articleId, url: article.url };
    const nothing = async (reason: string): Promise<DraftOutcome> => {
      await this.o.articles.setArticleStatus(articleId, 'drafted');
      logger.info({ ...log, reason }, 'article drafted nothing');
      return { articleId, drafts: [], reason };
    };
    try {
      const fromFeed = article.publishedAt?.slice(0, 10) ?? null;
      const published = fromFeed && isIsoDay(fromFeed) ? fromFeed : statedPublicationDate(article.text);
      if (!published) return await nothing('no publication date: neither the feed nor the text gives one');
      const ds = this.o.dataset();
      const own = await this.ownIds();
      const ids = recordIds(ds);
      const taken: TakenIds = {
        sources: new TakenSet((id) => own.sources.has(id) || ds.sources.has(id)),
        incidents: new TakenSet((id) => own.incidents.has(id) || ds.incidents.get(id) !== undefined),
        quotes: new TakenSet((id) => own.quotes.has(id) || ids.quotes.has(id)),
        statistics: new TakenSet((id) => own.statistics.has(id) || ids.statistics.has(id)),
      };
      const data = extractionData(ds);
      const extraction = extractArticle(
        { text: article.text, published, title: article.title, url: article.url, publisher: this.o.publisherOf?.(article.feedUrl) ?? null },
        // A real set: the extractor copies it (sources are few, unlike incidents).
        { ...data, sourceIds: new Set([...ds.sources.keys(), ...own.sources]) },
      );
      const { drafts, notes } = draftsFromExtraction(extraction, taken, ds.gazetteer);
      for (const note of notes) logger.info({ ...log, note }, 'draft placed in a larger area');
      if (drafts.length === 0) return await nothing('no incident, quote or statistic found in the text');
      const now = this.o.now?.() ?? Date.now();
      const queued: Draft[] = [];
      for (const d of drafts) {
        queued.push(await this.o.reviews.addDraft({ articleId, kind: d.kind, record: d.record, bundle: d.bundle, duplicateOf: d.duplicateOf, now }));
        const plural = d.kind === 'incident' ? 'incidents' : d.kind === 'quote' ? 'quotes' : 'statistics';
        own[plural].add(d.record.id);
      }
      own.sources.add(extraction.source.id);
      await this.o.articles.setArticleStatus(articleId, 'drafted');
      logger.info(
        { ...log, drafts: queued.length, incidents: extraction.incidents.length, quotes: extraction.quotes.length, statistics: extraction.statistics.length },
        'article drafted for review',
      );
      try {
        await this.o.onDrafted?.(queued);
      } catch (err) {
        logger.error({ ...log, err }, 'drafts queued, but telling the review channel failed; they are posted from the queue later');
      }
      return { articleId, drafts: queued, reason: null };
    } catch (err) {
      await Promise.resolve(this.o.articles.setArticleStatus(articleId, 'failed')).catch(() => undefined);
      logger.error({ ...log, err }, 'drafting the article failed; it stays in the feeds store, marked failed');
      return { articleId, drafts: [], reason: `failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
}
