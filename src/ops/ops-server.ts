import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** One check behind /healthz: its name, and whether it passes (with a reason when it does not). */
export interface HealthCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }> | { ok: boolean; detail?: string };
}

export interface OpsServerOptions {
  port: number;
  /** Default 0.0.0.0, so a container's health check and a Prometheus scraper can reach it. */
  host?: string;
  checks: readonly HealthCheck[];
  registry: Registry;
  /** A check that has not answered by then counts as failing (a hung database must not hang /healthz). */
  checkTimeoutMs?: number;
}

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

async function runCheck(c: HealthCheck, timeoutMs: number): Promise<{ name: string; ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: false; detail: string }>((r) => {
    timer = setTimeout(() => r({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    const r = await Promise.race([Promise.resolve().then(() => c.check()), timeout]);
    return { name: c.name, ...r };
  } catch (err) {
    return { name: c.name, ok: false, detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /healthz` (200 when every check passes, else 503, with each check's result as JSON) and
 * `GET /metrics` (Prometheus text). Off unless HTTP_PORT is set; nothing else is served.
 */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const timeoutMs = opts.checkTimeoutMs ?? 2000;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      void Promise.all(opts.checks.map((c) => runCheck(c, timeoutMs))).then((results) => {
        const ok = results.every((r) => r.ok);
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ready' : 'not ready', checks: results }));
      });
      return;
    }
    if (path === '/metrics') {
      void opts.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': opts.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
  });
  server.listen(opts.port, opts.host ?? '0.0.0.0');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
