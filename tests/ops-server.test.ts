import { afterEach, describe, expect, it } from 'vitest';
import { createBotMetrics } from '../src/ops/metrics.ts';
import { startOpsServer, type OpsServer } from '../src/ops/ops-server.ts';

let server: OpsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('the operations server (HTTP_PORT)', () => {
  it('answers /healthz 200 when every check passes and 503 naming the failing one otherwise', async () => {
    let gatewayReady = false;
    const metrics = createBotMetrics({ defaultMetrics: false });
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registry: metrics.registry,
      checks: [
        { name: 'gateway', check: () => ({ ok: gatewayReady, detail: gatewayReady ? undefined : 'not connected yet' }) },
        { name: 'store', check: async () => ({ ok: true }) },
      ],
    });
    const before = await fetch(`${server.url}/healthz`);
    expect(before.status).toBe(503);
    const body = (await before.json()) as { status: string; checks: { name: string; ok: boolean; detail?: string }[] };
    expect(body.status).toBe('not ready');
    expect(body.checks.find((c) => c.name === 'gateway')).toMatchObject({ ok: false, detail: 'not connected yet' });
    gatewayReady = true;
    const after = await fetch(`${server.url}/healthz`);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { status: string }).status).toBe('ready');
  });

  it('counts a check that hangs or throws as failing instead of hanging /healthz', async () => {
    const metrics = createBotMetrics({ defaultMetrics: false });
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registry: metrics.registry,
      checkTimeoutMs: 100,
      checks: [
        { name: 'store', check: () => new Promise(() => undefined) },
        {
          name: 'broken',
          check: () => {
            throw new Error('database is locked');
          },
        },
      ],
    });
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: { name: string; ok: boolean; detail?: string }[] };
    expect(body.checks).toEqual([
      { name: 'store', ok: false, detail: 'no answer within 100 ms' },
      { name: 'broken', ok: false, detail: 'database is locked' },
    ]);
  });

  it('serves the metrics in Prometheus text format, with what was counted', async () => {
    const metrics = createBotMetrics({ defaultMetrics: false });
    server = await startOpsServer({ port: 0, host: '127.0.0.1', registry: metrics.registry, checks: [] });
    metrics.interactions.inc({ kind: 'command', command: 'attacks', outcome: 'ok' });
    metrics.interactions.inc({ kind: 'command', command: 'attacks', outcome: 'ok' });
    metrics.digests.inc({ outcome: 'sent' });
    metrics.interactionSeconds.observe({ kind: 'command', command: 'attacks' }, 0.02);
    metrics.queueSize.set({ queue: 'review' }, 3);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('incident_bot_interactions_total{kind="command",command="attacks",outcome="ok"} 2');
    expect(text).toContain('incident_bot_digests_total{outcome="sent"} 1');
    expect(text).toContain('incident_bot_interaction_seconds_bucket{le="0.025",kind="command",command="attacks"} 1');
    expect(text).toContain('incident_bot_queue_size{queue="review"} 3');
  });

  it('reads each watched queue from its store at every scrape, and leaves out a queue whose count fails', async () => {
    const metrics = createBotMetrics({ defaultMetrics: false });
    server = await startOpsServer({ port: 0, host: '127.0.0.1', registry: metrics.registry, checks: [] });
    let pending = 4;
    let broken = false;
    metrics.watchQueue('review_pending', async () => pending);
    metrics.watchQueue('alerts_due', async () => {
      if (broken) throw new Error('database is locked');
      return 2;
    });
    const scrape = async () => (await fetch(`${server!.url}/metrics`)).text();
    let text = await scrape();
    expect(text).toContain('incident_bot_queue_size{queue="review_pending"} 4');
    expect(text).toContain('incident_bot_queue_size{queue="alerts_due"} 2');
    pending = 1;
    broken = true;
    text = await scrape();
    expect(text).toContain('incident_bot_queue_size{queue="review_pending"} 1');
    expect(text).not.toContain('queue="alerts_due"');
  });

  it('serves nothing else', async () => {
    const metrics = createBotMetrics({ defaultMetrics: false });
    server = await startOpsServer({ port: 0, host: '127.0.0.1', registry: metrics.registry, checks: [] });
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
