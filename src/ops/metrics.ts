import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What an operator watches (`GET /metrics`, Prometheus text format through prom-client, the de facto
 * client for Node): interactions and their latency, digests and alerts by outcome, feed polls and queue
 * sizes. One registry per process, so shard processes never mix their counts.
 */
export interface BotMetrics {
  readonly registry: Registry;
  /** A slash command, button or autocomplete answered; `outcome` is ok, user_error or error. */
  readonly interactions: Counter<'kind' | 'command' | 'outcome'>;
  readonly interactionSeconds: Histogram<'kind' | 'command'>;
  /** A digest delivery ended: sent, failed, retry, disabled, unknown. */
  readonly digests: Counter<'outcome'>;
  readonly alerts: Counter<'outcome'>;
  readonly feedPolls: Counter<'outcome'>;
  /** Items waiting: review drafts, alerts due. */
  readonly queueSize: Gauge<'queue'>;
  /** Counts `queue` at every scrape with `count` (a store query); a count that fails is left out of that scrape. */
  watchQueue(queue: string, count: () => Promise<number>): void;
}

export function createBotMetrics(opts: { defaultMetrics?: boolean } = {}): BotMetrics {
  const registry = new Registry();
  const queues = new Map<string, () => Promise<number>>();
  // Process metrics (memory, event-loop lag, GC) unless a test wants a quiet registry.
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'incident_bot_' });
  return {
    registry,
    interactions: new Counter({
      name: 'incident_bot_interactions_total',
      help: 'Interactions answered, by kind, command and outcome',
      labelNames: ['kind', 'command', 'outcome'],
      registers: [registry],
    }),
    interactionSeconds: new Histogram({
      name: 'incident_bot_interaction_seconds',
      help: 'Time a command handler (or an autocomplete) takes to produce its answer',
      labelNames: ['kind', 'command'],
      // Discord allows 3 s before the first response: the buckets resolve that range.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers: [registry],
    }),
    digests: new Counter({ name: 'incident_bot_digests_total', help: 'Digest deliveries ended, by outcome', labelNames: ['outcome'], registers: [registry] }),
    alerts: new Counter({ name: 'incident_bot_alerts_total', help: 'Alert deliveries ended, by outcome', labelNames: ['outcome'], registers: [registry] }),
    feedPolls: new Counter({ name: 'incident_bot_feed_polls_total', help: 'Feed polls, by outcome', labelNames: ['outcome'], registers: [registry] }),
    queueSize: new Gauge({
      name: 'incident_bot_queue_size',
      help: 'Items waiting, by queue',
      labelNames: ['queue'],
      registers: [registry],
      // Read when scraped, so the figure is the store's now, whichever process changed it.
      async collect() {
        for (const [queue, count] of queues) {
          const n = await count().catch(() => null);
          if (n === null) this.remove({ queue });
          else this.set({ queue }, n);
        }
      },
    }),
    watchQueue: (queue, count) => void queues.set(queue, count),
  };
}
