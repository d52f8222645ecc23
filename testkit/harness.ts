/** Starts the real discord.js client (src/discord/bot.ts) against a FakeDiscord, in-process. */
import { Writable } from 'node:stream';
import type { CommandModule } from '../commands/kit/command.ts';
import type { Dataset } from '../src/core/dataset.ts';
import { createBot, type Bot, type BotOptions } from '../src/discord/bot.ts';
import type { BotConfig } from '../src/config.ts';
import { createLogger } from '../src/discord/logger.ts';
import type { FakeDiscord } from './fake-discord.ts';

export interface StartedBot {
  bot: Bot;
  /** Every log line the bot wrote (JSON lines). */
  logs: string[];
  logRecords(): Record<string, unknown>[];
}

export function configFor(server: FakeDiscord, extra: Partial<BotConfig> = {}): BotConfig {
  return { token: server.token, applicationId: server.applicationId, apiUrl: server.apiUrl, shardCount: 1, logLevel: 'debug', ...extra };
}

export async function startBot(
  server: FakeDiscord,
  opts: { commands: readonly CommandModule[]; dataset?: () => Dataset; now?: () => Date; services?: Record<string, unknown> } & Partial<
    Pick<BotOptions, 'shards' | 'shardCount' | 'plugins' | 'autoDeferMs'>
  >,
): Promise<StartedBot> {
  const logs: string[] = [];
  const config = configFor(server);
  const logger = createLogger({
    level: 'debug',
    secrets: [config.token],
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    }),
  });
  const bot = createBot({ config, logger, ...opts });
  await bot.start();
  return { bot, logs, logRecords: () => logs.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
