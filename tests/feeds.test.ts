import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedConfig } from '../src/feeds/feed-config.ts';
import { FeedPoller } from '../src/feeds/feed-poller.ts';
import type { FeedStore, NewArticle } from '../src/feeds/feed-store.ts';
import { feedStoreOn } from '../src/feeds/open-feed-store.ts';
import { FEED_LIMITS } from '../src/feeds/fetch-limited.ts';
import { HostPacer, type PacerClock } from '../src/feeds/host-pacer.ts';
import { BACKEND_KINDS, testBackends, type BackendKind } from '../testkit/state-backends.ts';

/** Invented reports in our own words. */
const ARTICLE_A = `<html><head><title>Bomb hits market in Baqubah</title></head><body><nav>Home | World</nav><article><h1>Bomb hits market in Baqubah</h1>
<p>BAQUBAH, Iraq — A roadside bomb exploded near a vegetable market in Baqubah on Tuesday morning, killing three civilians and wounding seven others, a local police officer said.</p>
<p>No group immediately claimed responsibility for the blast, which happened as shoppers gathered before noon.</p>
<p>Security forces closed the roads around the market and began searching nearby orchards.</p></article><footer>Copyright</footer></body></html>`;
const ARTICLE_B = `<html><head><title>Checkpoint attacked near Kirkuk</title></head><body><article><h1>Checkpoint attacked near Kirkuk</h1>
<p>KIRKUK, Iraq — Gunmen attacked an army checkpoint south-west of Kirkuk late on Monday, killing two soldiers, the security media cell said in a statement.</p>
<p>The statement said the attackers fled towards the Hamrin hills and that a search was under way.</p></article></body></html>`;

function rss(items: { guid: string; link: string; title: string }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test wire</title><link>http://example.test/</link><description>Invented reports</description>
${items.map((i) => `<item><title>${i.title}</title><link>${i.link}</link><guid>${i.guid}</guid><pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item>`).join('\n')}
</channel></rss>`;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
let routes: Map<string, Handler>;
let hits: { path: string; at: number; headers: IncomingMessage['headers'] }[];

beforeEach(async () => {
  routes = new Map();
  hits = [];
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push({ path, at: performance.now(), headers: req.headers });
    const h = routes.get(path);
    if (h) h(req, res);
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

// The feed store's tests run against both backends: SQLite, and one PostgreSQL server for this file (a fresh database per store).
const backends = testBackends();
afterAll(() => backends.close(), 60_000);
const newStore = async (kind: BackendKind): Promise<FeedStore> => feedStoreOn(await backends.open(kind));

async function setup(kind: BackendKind, opts: { now?: () => number; pauseAfter?: number; timeoutMs?: number; maxBytes?: number } = {}) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    }),
  );
  const store = await newStore(kind);
  const poller = new FeedPoller({
    store,
    logger,
    now: opts.now ?? (() => Date.parse('2026-12-01T09:00:00Z')),
    pacer: new HostPacer(0),
    pauseAfter: opts.pauseAfter ?? 5,
    random: () => 0.5,
    feedLimits: { ...FEED_LIMITS, timeoutMs: opts.timeoutMs ?? 2000, maxBytes: opts.maxBytes ?? FEED_LIMITS.maxBytes },
  });
  return { store, poller, lines };
}

const feed = (path: string, intervalMinutes = 15): FeedConfig => ({ url: `${base}${path}`, intervalMinutes });
const serve =
  (body: string, type: string, headers: Record<string, string> = {}): Handler =>
  (_req, res) =>
    res.writeHead(200, { 'content-type': type, ...headers }).end(body);

describe.each(BACKEND_KINDS)('feed polling over real HTTP (store: %s)', (kind) => {
  it('takes each new article once, as its main text, and asks again with a conditional GET', async () => {
    const etag = '"v1"';
    routes.set('/feed.xml', (req, res) => {
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(
        rss([
          { guid: 'a-1', link: `${base}/a`, title: 'Bomb hits market in Baqubah' },
          { guid: 'b-1', link: `${base}/b`, title: 'Checkpoint attacked near Kirkuk' },
        ]),
      );
    });
    routes.set('/a', serve(ARTICLE_A, 'text/html; charset=utf-8'));
    routes.set('/b', serve(ARTICLE_B, 'text/html'));
    const { store, poller } = await setup(kind);
    const first = await poller.pollFeed(feed('/feed.xml'));
    expect(first).toMatchObject({ outcome: 'ok', entries: 2, duplicates: 0, articleFailures: 0 });
    const articles = await store.articles();
    expect(articles.map((a) => a.title)).toEqual(['Bomb hits market in Baqubah', 'Checkpoint attacked near Kirkuk']);
    expect(articles[0]!.text).toContain('killing three civilians and wounding seven others');
    expect(articles[0]!.text).not.toContain('Home | World');
    expect(await store.state(feed('/feed.xml').url)).toMatchObject({ etag, failures: 0, pausedReason: null });

    const second = await poller.pollFeed(feed('/feed.xml'));
    expect(second.outcome).toBe('not-modified');
    expect(hits.filter((h) => h.path === '/feed.xml').at(-1)!.headers['if-none-match']).toBe(etag);
    expect(hits.filter((h) => h.path === '/a')).toHaveLength(1);
    expect(await store.articles()).toHaveLength(2);
  });

  it('takes an article served under two URLs once (by the hash of its text), and a redirect to a known URL once', async () => {
    routes.set(
      '/feed.xml',
      serve(
        rss([
          { guid: 'x-1', link: `${base}/story?id=1`, title: 'Bomb hits market' },
          { guid: 'x-2', link: `${base}/amp/story-1`, title: 'Bomb hits market (AMP)' },
          { guid: 'x-3', link: `${base}/short/1`, title: 'Bomb hits market (short link)' },
        ]),
        'application/rss+xml',
      ),
    );
    routes.set('/story?id=1', serve(ARTICLE_A, 'text/html'));
    // The same words with other markup and spacing.
    routes.set('/amp/story-1', serve(ARTICLE_A.replace('<article>', '<article class="amp">').replaceAll('\n', '\n\n'), 'text/html'));
    routes.set('/short/1', (_req, res) => res.writeHead(301, { location: '/story?id=1' }).end());
    const { store, poller, lines } = await setup(kind);
    const r = await poller.pollFeed(feed('/feed.xml'));
    expect(r).toMatchObject({ outcome: 'ok', entries: 3, duplicates: 2 });
    expect(await store.articles()).toHaveLength(1);
    const dupLogs = lines.filter((l) => l.msg === 'article already taken');
    expect(dupLogs.map((l) => l.by).sort()).toEqual(['text', 'url']);
  });

  const badCases: [string, () => void, RegExp, { timeoutMs?: number; maxBytes?: number }?][] = [
    ['malformed XML', () => routes.set('/feed.xml', serve('<rss><channel><item><title>Cut off', 'application/rss+xml')), /^malformed: /],
    [
      'an HTML error page with status 200',
      () => routes.set('/feed.xml', serve('<html><body>Service unavailable, try later</body></html>', 'text/html')),
      /^content-type: .* is text\/html/,
    ],
    [
      'an HTML error page with status 503',
      () => routes.set('/feed.xml', (_q, s) => s.writeHead(503, { 'content-type': 'text/html' }).end('<h1>503</h1>')),
      /^http-status: .*HTTP 503/,
    ],
    [
      'a redirect loop',
      () => {
        routes.set('/feed.xml', (_q, s) => s.writeHead(302, { location: '/other.xml' }).end());
        routes.set('/other.xml', (_q, s) => s.writeHead(302, { location: '/feed.xml' }).end());
      },
      /^redirect-loop: /,
    ],
    [
      'a 50 MB body',
      () =>
        routes.set('/feed.xml', (_q, s) => {
          s.writeHead(200, { 'content-type': 'application/rss+xml' });
          const chunk = Buffer.alloc(1024 * 1024, 'a');
          let sent = 0;
          const pump = () => {
            while (sent < 50 && s.write(chunk)) sent++;
            if (sent >= 50) s.end();
            else
              s.once('drain', () => {
                sent++;
                pump();
              });
          };
          s.on('error', () => undefined);
          pump();
        }),
      /^too-large: .*limit of 5242880/,
    ],
    ['no answer (timeout)', () => routes.set('/feed.xml', () => undefined), /^timeout: .*within 300 ms/, { timeoutMs: 300 }],
  ];

  for (const [name, arrange, reason, limits] of badCases) {
    it(`records ${name} as a failed poll with its reason and leaves the queue as it was`, async () => {
      arrange();
      const { store, poller, lines } = await setup(kind, limits);
      const r = await poller.pollFeed(feed('/feed.xml'));
      expect(r.outcome).toBe('failed');
      expect(r.outcome === 'failed' && r.reason).toMatch(reason);
      expect(await store.articles()).toEqual([]);
      const s = await store.state(feed('/feed.xml').url);
      expect(s.failures).toBe(1);
      expect(s.lastError).toMatch(reason);
      expect(lines.some((l) => l.msg === 'feed poll failed' && typeof l.reason === 'string' && reason.test(l.reason))).toBe(true);
    });
  }

  it('waits longer after each failure and pauses the feed with its reason after five', async () => {
    routes.set('/feed.xml', (_q, s) => s.writeHead(500, { 'content-type': 'text/plain' }).end('boom'));
    let now = Date.parse('2026-12-01T09:00:00Z');
    const { store, poller } = await setup(kind, { now: () => now });
    const f = feed('/feed.xml', 10);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await poller.pollDue([f]);
      expect(r).toHaveLength(1);
      const s = await store.state(f.url);
      waits.push(s.nextPollAt - now);
      // Not due before its time: a pass in between polls nothing.
      expect(await poller.pollDue([f])).toEqual([]);
      now = s.nextPollAt;
    }
    // 10 minutes doubled with each failure (random() = 0.5: no jitter either way).
    expect(waits).toEqual([20, 40, 80, 160, 320].map((m) => m * 60_000));
    const paused = await store.state(f.url);
    expect(paused.pausedReason).toMatch(/^5 failed polls in a row; last: http-status: .*HTTP 500/);
    expect(await poller.pollDue([f])).toEqual([]);
    expect((await poller.pollFeed(f)).outcome).toBe('paused');
    expect(hits.filter((h) => h.path === '/feed.xml')).toHaveLength(5);
    await store.resume(f.url);
    routes.set('/feed.xml', serve(rss([]), 'application/rss+xml'));
    expect((await poller.pollDue([f]))[0]!.outcome).toBe('ok');
  });
});

describe('per-host pacing', () => {
  it('runs one request at a time per host, each an interval after the previous one finished', async () => {
    let t = 0;
    const sleeps: number[] = [];
    const clock: PacerClock = {
      now: () => t,
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
    };
    const pacer = new HostPacer(1000, clock);
    const log: string[] = [];
    // Each request takes 300 ms.
    const req = (name: string) => async () => {
      log.push(`${name} starts at ${t}`);
      t += 300;
      return name;
    };
    const results = await Promise.all([
      pacer.run('http://a.test/1', req('a1')),
      pacer.run('http://a.test/2', req('a2')),
      pacer.run('http://a.test/3', req('a3')),
    ]);
    expect(results).toEqual(['a1', 'a2', 'a3']);
    expect(log).toEqual(['a1 starts at 0', 'a2 starts at 1300', 'a3 starts at 2600']);
    // Another host is not held up by a.test's queue: b1 goes while a4 still waits its turn.
    await Promise.all([pacer.run('http://a.test/4', req('a4')), pacer.run('http://b.test/1', req('b1'))]);
    expect(log.slice(3).map((l) => l.split(' ')[0])).toEqual(['b1', 'a4']);
    // A failed request still holds the host for the interval.
    await expect(pacer.run('http://c.test/', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const before = t;
    await pacer.run('http://c.test/', req('c2'));
    expect(log.at(-1)).toBe(`c2 starts at ${before + 1000}`);
  });

  it.each(BACKEND_KINDS)('keeps a real poll of one host to one request per interval (store: %s)', async (kind) => {
    routes.set('/feed.xml', serve(rss([1, 2, 3].map((n) => ({ guid: `g${n}`, link: `${base}/s${n}`, title: `Story ${n}` }))), 'application/rss+xml'));
    for (const n of [1, 2, 3]) routes.set(`/s${n}`, serve(ARTICLE_A.replace('three civilians', `${n + 2} civilians`), 'text/html'));
    const store = await newStore(kind);
    const poller = new FeedPoller({ store, logger: pino({ level: 'silent' }), pacer: new HostPacer(150) });
    await poller.pollFeed(feed('/feed.xml'));
    const times = hits.map((h) => h.at);
    expect(times).toHaveLength(4);
    // Measured where the requests arrive: counted from the previous response, the gap holds there too.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(150);
  });
});

describe.each(BACKEND_KINDS)('the feed store (%s)', (kind) => {
  const article = (over: Partial<NewArticle> = {}): NewArticle => ({
    feedUrl: 'http://wire.test/feed.xml',
    guid: 'g-1',
    url: 'http://wire.test/story-1',
    entryUrl: 'http://wire.test/story-1',
    title: 'Bomb hits market in Baqubah',
    publishedAt: '2026-12-01T08:00:00.000Z',
    textHash: 'hash-1',
    text: 'A roadside bomb exploded near a market.',
    fetchedAt: 1_764_576_000_000,
    ...over,
  });

  it('keeps an article once: by guid in its feed, then by URL, then by the hash of its text', async () => {
    const store = await newStore(kind);
    const first = await store.addArticle(article());
    expect(first).toEqual({ added: true, id: expect.any(Number) });
    const id = first.added ? first.id : -1;
    expect(await store.addArticle(article({ url: 'http://wire.test/other', textHash: 'other' }))).toEqual({ added: false, duplicateOf: id, by: 'guid' });
    expect(await store.addArticle(article({ guid: 'g-2', textHash: 'other' }))).toEqual({ added: false, duplicateOf: id, by: 'url' });
    expect(await store.addArticle(article({ guid: 'g-2', url: 'http://wire.test/amp/1' }))).toEqual({ added: false, duplicateOf: id, by: 'text' });
    // The same guid in another feed is another article.
    const other = await store.addArticle(article({ feedUrl: 'http://other.test/rss', url: 'http://other.test/1', textHash: 'hash-2' }));
    expect(other.added).toBe(true);
    // A single article URL (no feed, no guid).
    expect((await store.addArticle(article({ feedUrl: null, guid: null, url: 'http://x.test/a', entryUrl: 'http://x.test/a', textHash: 'h3' }))).added).toBe(
      true,
    );
    const stored = await store.articles();
    expect(stored).toHaveLength(3);
    expect(stored[0]).toEqual({ ...article(), id, status: 'new' });
    expect(await store.knowsEntry('http://wire.test/feed.xml', 'g-1', 'http://elsewhere.test/')).toBe(true);
    expect(await store.knowsEntry(null, null, 'http://wire.test/story-1')).toBe(true);
    expect(await store.knowsEntry('http://wire.test/feed.xml', 'g-9', 'http://wire.test/story-9')).toBe(false);
    await store.setArticleStatus(id, 'drafted');
    expect((await store.articles('drafted')).map((a) => a.id)).toEqual([id]);
    expect(await store.articles('new')).toHaveLength(2);
  });

  it('stores an article once when it is added twice at the same moment', async () => {
    const store = await newStore(kind);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => store.addArticle(article())));
    expect(outcomes.filter((o) => o.added)).toHaveLength(1);
    expect(await store.articles()).toHaveLength(1);
  });

  it('counts failures in a row, pauses with the reason, and a good poll or resume clears them; a 304 keeps the validators', async () => {
    const store = await newStore(kind);
    const url = 'http://wire.test/feed.xml';
    expect(await store.state(url)).toEqual({
      feedUrl: url,
      etag: null,
      lastModified: null,
      failures: 0,
      nextPollAt: 0,
      lastPolledAt: null,
      lastOkAt: null,
      lastError: null,
      pausedReason: null,
    });
    await store.recordSuccess(url, { etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 08:00:00 GMT' }, 1000, 2000);
    await store.recordSuccess(url, null, 3000, 4000);
    expect(await store.state(url)).toMatchObject({ etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 08:00:00 GMT', lastOkAt: 3000, nextPollAt: 4000 });
    expect(await store.recordFailure(url, 'timeout: no answer', 5000, 6000, 2)).toMatchObject({
      failures: 1,
      pausedReason: null,
      lastError: 'timeout: no answer',
    });
    expect(await store.recordFailure(url, 'http-status: HTTP 500', 7000, 8000, 2)).toEqual({
      feedUrl: url,
      etag: '"v1"',
      lastModified: 'Tue, 01 Dec 2026 08:00:00 GMT',
      failures: 2,
      nextPollAt: 8000,
      lastPolledAt: 7000,
      lastOkAt: 3000,
      lastError: 'http-status: HTTP 500',
      pausedReason: '2 failed polls in a row; last: http-status: HTTP 500',
    });
    await store.resume(url);
    expect(await store.state(url)).toMatchObject({ failures: 0, pausedReason: null, nextPollAt: 0 });
    // A feed failing at its first poll, paused at once (pauseAfter 1).
    expect(await store.recordFailure('http://b.test/rss', 'network: refused', 1, 2, 1)).toMatchObject({
      failures: 1,
      pausedReason: '1 failed polls in a row; last: network: refused',
    });
    await store.recordSuccess('http://b.test/rss', { etag: null, lastModified: null }, 10, 20);
    expect(await store.state('http://b.test/rss')).toMatchObject({ failures: 0, lastError: null, pausedReason: null, lastOkAt: 10 });
    expect((await store.states()).map((s) => s.feedUrl)).toEqual(['http://b.test/rss', url]);
    await store.forget(url);
    expect((await store.states()).map((s) => s.feedUrl)).toEqual(['http://b.test/rss']);
  });
});
