import type { Bot, BotPlugin } from '../discord/bot.ts';
import type { BotMetrics } from './metrics.ts';
import { startOpsServer, type HealthCheck, type OpsServer } from './ops-server.ts';

/**
 * `GET /healthz` and `GET /metrics` on HTTP_PORT beside the bot: started before login, so an orchestrator
 * sees "not ready" until the gateway is connected, and "ready" only while the gateway is ready and every
 * store answers.
 */
export function createOpsPlugin(opts: {
  port: number;
  host?: string;
  metrics: BotMetrics;
  stores: readonly HealthCheck[];
}): BotPlugin & { url(): string | null } {
  let server: OpsServer | null = null;
  return {
    name: 'ops-http',
    url: () => server?.url ?? null,
    async services(bot: Bot) {
      const gateway: HealthCheck = {
        name: 'gateway',
        check: () => (bot.client.isReady() ? { ok: true } : { ok: false, detail: 'not connected to the Discord gateway yet' }),
      };
      server = await startOpsServer({
        port: opts.port,
        ...(opts.host ? { host: opts.host } : {}),
        registry: opts.metrics.registry,
        checks: [gateway, ...opts.stores],
      });
      bot.logger.info({ url: server.url }, 'health and metrics served (/healthz, /metrics)');
      return {};
    },
    async onStop() {
      await server?.close();
    },
  };
}
