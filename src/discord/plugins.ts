import { createAlertsPlugin } from '../alerts/discord-plugin.ts';
import { createDigestPlugin } from '../digest/discord-plugin.ts';
import type { BotPlugin } from './bot.ts';
import type { BotConfig } from './config.ts';

/**
 * What runs beside the command handlers in every bot process (each shard process when sharded). Each
 * plugin adds `services` to the handlers' context and is told `onReady(client)` and `onStop()`; see
 * BotPlugin in bot.ts.
 */
export async function defaultPlugins(config: BotConfig): Promise<BotPlugin[]> {
  // The daily digest: /digest's storage and permission check, and the scheduler that posts (only for
  // guilds on this process's shards). Its database lives in $DATA_DIR (default ./var).
  const digest = createDigestPlugin();
  // Alerts: /alerts, and a runner that posts newly published incidents; after the digest, whose database,
  // REST manager and invalid-request count it shares.
  return [digest, createAlertsPlugin({ digest, ...(config.alertsPerHour ? { maxPerHour: config.alertsPerHour } : {}) })];
}
