import cron, { type ScheduledTask } from 'node-cron';
import type { Client } from 'discord.js';
import type { AlertsPlugin } from '../alerts/discord-plugin.ts';
import type { LivingDataset, RefreshResult } from '../data/living-dataset.ts';
import type { DigestPlugin } from '../digest/discord-plugin.ts';
import type { Bot, BotPlugin } from '../discord/bot.ts';
import type { FeedsFile } from '../feeds/feed-config.ts';
import { FeedPoller, type FeedPollerOptions, type PollOutcome } from '../feeds/feed-poller.ts';
import type { FeedStore } from '../feeds/feed-store.ts';
import { feedStoreOn } from '../feeds/open-feed-store.ts';
import type { Incident } from '../schema/index.ts';
import { ArticleDrafter } from './article-drafter.ts';
import { reviewStoreOn } from './open-review-store.ts';
import type { ReviewStore } from './review-store.ts';

/** The digest database's meta key: incidents published up to this instant (ms) were handed to alerts. */
export const ALERTED_UNTIL_KEY = 'publish_loop_alerted_until';

export interface PublishLoopPluginOptions {
  /** Listed before this plugin: its database holds the feeds, the review queue and the published records. */
  digest: DigestPlugin;
  /** Listed before this plugin: newly published incidents go to its onPublished. */
  alerts: AlertsPlugin;
  /** The dataset the commands and the digest see (data/ and the published records). */
  living: LivingDataset;
  /** The feeds to follow, read at each pass (so `npm run feeds -- add` needs no restart); absent: no polling. */
  feeds?: () => FeedsFile;
  /** node-cron expression (with seconds allowed) for feed passes; null: none (tests call pollOnce()). */
  pollCron?: string | null;
  /** How often to look for records published by another process (`npm run review`); null: never (tests call published()). */
  refreshEveryMs?: number | null;
  clock?: () => number;
  /** Told when an article's drafts are queued (the review channel posts them at once). */
  onDrafted?: () => unknown;
  poller?: Partial<Omit<FeedPollerOptions, 'store' | 'logger' | 'onArticle'>>;
}

export interface PublishLoopPlugin extends BotPlugin {
  reviews(): ReviewStore | null;
  feedStore(): FeedStore | null;
  drafter(): ArticleDrafter | null;
  /** One pass over the due feeds and the single articles; resolves once each new article is drafted. */
  pollOnce(opts?: { force?: boolean }): Promise<PollOutcome[]>;
  /** After a review decision: swaps in what was published, records it for the digest and sends its alerts. */
  published(): Promise<RefreshResult>;
}

/**
 * The living dataset inside the Discord runtime: feeds are polled (by the process holding shard 0), each
 * new article is drafted into the review queue, and what reviewers approve is swapped into the running
 * bot, recorded as first seen for the next digest and handed to alerts once (a mark in the database says
 * up to when, so a restart neither repeats nor loses an alert).
 */
export function createPublishLoopPlugin(opts: PublishLoopPluginOptions): PublishLoopPlugin {
  let reviews: ReviewStore | null = null;
  let feedStore: FeedStore | null = null;
  let drafter: ArticleDrafter | null = null;
  let poller: FeedPoller | null = null;
  let task: ScheduledTask | null = null;
  let timer: NodeJS.Timeout | null = null;
  let pass: Promise<PollOutcome[]> | null = null;
  let logger: Bot['logger'] | null = null;
  /** Published incidents waiting for the alerts runner (it starts once the client is ready). */
  const waiting: Incident[] = [];
  const clock = opts.clock ?? Date.now;
  /** Each feed's name (its publisher), as the feeds file said at the last pass. */
  let feedNames = new Map<string, string | null>();

  const handToAlerts = async () => {
    if (!opts.alerts.runner() || waiting.length === 0) return;
    const incidents = waiting.splice(0);
    await opts.alerts.onPublished(incidents);
    const store = opts.digest.store();
    const published = (await reviews?.published()) ?? [];
    const until = Math.max(0, ...published.filter((r) => r.kind === 'incident' && incidents.some((i) => i.id === r.id)).map((r) => r.publishedAt));
    if (store && until > Number((await store.getMeta(ALERTED_UNTIL_KEY)) ?? 0)) await store.setMeta(ALERTED_UNTIL_KEY, String(until));
  };

  const pollOnce = async (o: { force?: boolean } = {}): Promise<PollOutcome[]> => {
    if (!poller || !opts.feeds || !feedStore) return [];
    if (pass) return pass;
    const run = async () => {
      let file: FeedsFile;
      try {
        file = opts.feeds!();
      } catch (err) {
        logger?.error({ err }, 'the feeds file cannot be read; no feeds polled this pass');
        return [];
      }
      feedNames = new Map(file.feeds.map((f) => [f.url, f.name ?? null]));
      drafter!.rereadIds();
      // Articles taken but never drafted (taken by `npm run feeds -- poll`, or a process that stopped meanwhile).
      for (const a of await feedStore!.articles('new')) await drafter!.draft(a.id, a);
      const results = await poller!.pollDue(file.feeds, o);
      for (const url of file.articles) if (!(await feedStore!.knowsEntry(null, null, url))) await poller!.takeArticle(null, null, url, null, null);
      await drafter!.idle();
      return results;
    };
    pass = run().finally(() => (pass = null));
    return pass;
  };

  return {
    name: 'publish-loop',
    reviews: () => reviews,
    feedStore: () => feedStore,
    drafter: () => drafter,
    pollOnce,
    published: () => opts.living.refresh(),
    async services(bot: Bot) {
      const backend = opts.digest.backend();
      if (!backend) throw new Error('the digest plugin must be listed before the publish-loop plugin (it uses the digest database)');
      logger = bot.logger.child({ component: 'publish-loop' });
      const reviewStore = reviewStoreOn(backend);
      const articles = feedStoreOn(backend);
      reviews = reviewStore;
      feedStore = articles;
      drafter = new ArticleDrafter({
        reviews: reviewStore,
        articles,
        dataset: opts.living.current,
        logger,
        now: clock,
        publisherOf: (feedUrl) => (feedUrl ? (feedNames.get(feedUrl) ?? null) : null),
        ...(opts.onDrafted ? { onDrafted: async () => void (await opts.onDrafted!()) } : {}),
      });
      const d = drafter;
      // Drafting does not hold the poll up: articles are drafted in turn while other feeds wait for their hosts.
      poller = new FeedPoller({ store: articles, logger, now: clock, ...opts.poller, onArticle: (id, article) => void d.draft(id, article) });
      const log = logger;
      opts.living.onPublished(async (incidents) => {
        // First seen now: the next digest lists them (as the day's incidents or as late reports), once.
        await opts.digest.runner()?.recordDataset();
        waiting.push(...incidents);
        await handToAlerts();
        log.info({ incidents: incidents.map((i) => i.id) }, 'published incidents handed to the digest and alerts');
      });
      await opts.living.refresh();
      return {};
    },
    async onReady(client: Client<true>) {
      await handToAlerts();
      const log = logger!;
      // One process polls: the one holding shard 0 (every process shares the database).
      const pollsHere = !client.shard || client.shard.ids.includes(0);
      if (pollsHere && opts.feeds && opts.pollCron !== null && !task)
        task = cron.schedule(opts.pollCron ?? '0 * * * * *', () => void pollOnce().catch((err: unknown) => log.error({ err }, 'feed pass failed')), {
          name: 'feeds',
        });
      if (opts.refreshEveryMs !== null && !timer) {
        timer = setInterval(
          () => void opts.living.refresh().catch((err: unknown) => log.error({ err }, 'looking for published records failed')),
          opts.refreshEveryMs ?? 5_000,
        );
        timer.unref();
      }
    },
    async onStop() {
      await task?.stop();
      await task?.destroy();
      task = null;
      if (timer) clearInterval(timer);
      timer = null;
      await pass?.catch(() => undefined);
    },
  };
}
