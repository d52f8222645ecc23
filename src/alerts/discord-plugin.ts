import cron, { type ScheduledTask } from 'node-cron';
import type { Client } from 'discord.js';
import { incidentReply } from '../../commands/kit/replies/incident.ts';
import type { Dataset } from '../core/dataset.ts';
import { sharedDatasetWatcher } from '../data/watch-dataset.ts';
import type { Bot, BotPlugin } from '../discord/bot.ts';
import { guildOfChannel, isForumChannel, ownsGuild } from '../discord/channels.ts';
import { discordChannelCheck, type DigestPlugin } from '../digest/discord-plugin.ts';
import type { Incident } from '../schema/index.ts';
import { AlertRunner, DEFAULT_ALERTS_PER_HOUR, restAlertSender, type AlertOutcome, type AlertRunnerOptions } from './alert-runner.ts';
import type { AlertStore } from './alert-store.ts';
import { alertStoreOn } from './open-store.ts';

export interface AlertsPluginOptions {
  /** The digest plugin, listed before this one: alerts share its database, its REST manager and its invalid-request count. */
  digest: DigestPlugin;
  dataset?: () => Dataset;
  /** node-cron expression (with seconds) for ticks; null: no timer (tests call tick()). */
  cron?: string | null;
  maxPerHour?: number;
  runner?: Partial<Pick<AlertRunnerOptions, 'clock' | 'nonceWindowMs' | 'nonceMarginMs'>>;
  /** Told how each pass ended, per outcome (the metrics count them). */
  onPass?: (counts: Record<AlertOutcome, number>) => void;
}

export interface AlertsPlugin extends BotPlugin {
  runner(): AlertRunner | null;
  store(): AlertStore | null;
  /** Queues the alerts newly published incidents call for and sends them now (the review flow calls this). */
  onPublished(incidents: readonly Incident[]): Promise<number>;
  /** One pass over what is due; passes never overlap (a pass under way is returned). */
  tick(): Promise<Record<AlertOutcome, number> | null>;
}

/** The incident as /incident shows it (title, fields, evidence, source credit). */
const composeAlert = (ds: Dataset, inc: Incident) => incidentReply(ds, inc, []).embeds?.[0] ?? { title: inc.summary };

/**
 * Alerts inside the Discord runtime: `/alerts` services for the handlers, and once the client is ready, a
 * runner that sends for guilds on this process's shards, through the digest's REST manager (so a send's
 * rate-limit wait is bounded by its nonce-window deadline) and paused with it on too many invalid requests.
 */
export function createAlertsPlugin(opts: AlertsPluginOptions): AlertsPlugin {
  const maxPerHour = opts.maxPerHour ?? DEFAULT_ALERTS_PER_HOUR;
  let store: AlertStore | null = null;
  let runner: AlertRunner | null = null;
  let dataset: (() => Dataset) | null = null;
  let task: ScheduledTask | null = null;
  let pass: Promise<Record<AlertOutcome, number>> | null = null;
  let logger: Bot['logger'] | null = null;

  const tick = async () => {
    if (!runner) return null;
    if (pass) return pass;
    pass = runner
      .tick()
      .then((counts) => {
        opts.onPass?.(counts);
        return counts;
      })
      .finally(() => (pass = null));
    return pass;
  };

  return {
    name: 'alerts',
    runner: () => runner,
    store: () => store,
    tick,
    async onPublished(incidents) {
      if (!runner) return 0;
      const queued = await runner.onPublished(incidents);
      if (queued) await tick();
      return queued;
    },
    services(bot: Bot) {
      const backend = opts.digest.backend();
      if (!backend) throw new Error('the digest plugin must be listed before the alerts plugin (alerts use its database)');
      store = alertStoreOn(backend);
      dataset = opts.dataset ?? (() => sharedDatasetWatcher(bot.logger).current());
      return { alerts: { store, checkChannel: (g: string, c: string) => discordChannelCheck(bot.client, g, c), maxPerHour } };
    },
    onReady(client: Client<true>, bot: Bot) {
      if (runner || !store || !dataset) return; // a reconnect: already running
      const rest = opts.digest.rest();
      if (!rest) throw new Error('the digest plugin must be ready before the alerts plugin');
      logger = bot.logger.child({ component: 'alerts' });
      runner = new AlertRunner({
        store,
        dataset,
        sender: restAlertSender(rest, { isForum: (id) => isForumChannel(client, id), guildOf: (id) => guildOfChannel(client, id) }, client.user.id),
        compose: composeAlert,
        logger,
        maxPerHour,
        holdsGuild: (g) => ownsGuild(client, g),
        invalidRequests: opts.digest.invalidRequests(),
        ...opts.runner,
      });
      if (opts.cron === null) return;
      const log = logger;
      task = cron.schedule(opts.cron ?? '*/15 * * * * *', () => void tick().catch((err: unknown) => log.error({ err }, 'alert tick failed')), {
        name: 'alerts',
      });
      void tick().catch((err: unknown) => log.error({ err }, 'alert tick failed'));
    },
    async onStop() {
      await task?.stop();
      await task?.destroy();
      task = null;
      await pass?.catch(() => undefined);
    },
  };
}
