import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_KINDS, testBackends } from '../testkit/state-backends.ts';

let server: Server;
let base: string;
let dir: string;
const backends = testBackends();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feeds-cli-'));
  server = createServer((req, res) => {
    if (req.url === '/feed.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>One</title><link>${base}/one</link><guid>one</guid></item></channel></rss>`,
      );
    } else if (req.url === '/one') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        '<html><body><article><p>MOSUL, Iraq — A patrol found an abandoned weapons cache west of the city on Sunday, an army spokesman said. Nobody was hurt.</p></article></body></html>',
      );
    } else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
  await backends.close();
}, 60_000);

/** Runs the CLI as a child process, asynchronously: the feed server answers from this process meanwhile. */
function runFeeds(sub: string, databaseUrl: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/feeds.ts', ...args],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          FEEDS_FILE: join(dir, sub, 'feeds.json'),
          DATA_DIR: join(dir, sub, 'state'),
          STATE_DIR: join(dir, sub, 'state'),
          DATABASE_URL: databaseUrl,
        },
      },
      (err, out, errOut) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out, err: errOut });
      },
    );
  });
}

describe.each(BACKEND_KINDS)('npm run feeds (state: %s)', (kind) => {
  it('adds, lists, polls once, and removes a feed; refuses bad input with exit 2 and changes nothing', { timeout: 180_000 }, async () => {
    // SQLite in the state folder, or PostgreSQL (DATABASE_URL); FEEDS_FILE in a folder of its own either way.
    const databaseUrl = kind === 'postgres' ? await backends.postgresUrl() : '';
    mkdirSync(join(dir, kind));
    const feeds = (...args: string[]) => runFeeds(kind, databaseUrl, ...args);
    expect(await feeds('add', `${base}/feed.xml`, '--interval', '10')).toMatchObject({ code: 0 });
    expect(JSON.parse(readFileSync(join(dir, kind, 'feeds.json'), 'utf8'))).toEqual({
      feeds: [{ url: `${base}/feed.xml`, intervalMinutes: 10 }],
      articles: [],
    });
    expect((await feeds('list')).out).toContain('not polled yet');

    const bad = await feeds('add', 'ftp://example.org/feed', '--interval', '10');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Not added: url must be an http\(s\) URL/);
    expect((await feeds('add', `${base}/other.xml`, '--interval', '1')).err).toMatch(/intervalMinutes must be at least 5/);
    expect(JSON.parse(readFileSync(join(dir, kind, 'feeds.json'), 'utf8')).feeds).toHaveLength(1);

    const poll = await feeds('poll', '--json');
    expect(poll.code).toBe(0);
    const result = JSON.parse(poll.out) as { feeds: { outcome: string; added: number[] }[] };
    expect(result.feeds).toMatchObject([{ outcome: 'ok', added: [1] }]);
    // Not due again for ten minutes.
    expect((await feeds('poll')).out).toContain('Nothing due');
    expect((await feeds('list')).out).toMatch(/every 10 min · ok, last polled/);

    expect((await feeds('remove', `${base}/feed.xml`)).code).toBe(0);
    expect((await feeds('list')).out).toContain('No feeds yet');
    expect((await feeds('remove', `${base}/feed.xml`)).code).toBe(2);
    expect(existsSync(join(dir, kind, 'state'))).toBe(kind === 'sqlite');
  });
});
