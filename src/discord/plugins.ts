import type { BotConfig } from './config.ts';
import type { BotPlugin } from './bot.ts';

/**
 * What runs beside the command handlers in every bot process (each shard process when sharded). Add a
 * feature here, e.g. the daily digest: `return [await createDigestPlugin(config)]`. Each plugin gets
 * `services` into the handlers' context, `onReady(client)` and `onStop()`; see BotPlugin in bot.ts.
 */
export async function defaultPlugins(_config: BotConfig): Promise<BotPlugin[]> {
  return [];
}
