/**
 * Feeds: poll BENCH_FEEDS (default 1,000) feeds, each on its own local server (127.0.0.1, its own port:
 * a host of its own to the pacer), each listing BENCH_ARTICLES (default 10) new articles. Measures the
 * time until every article is queued, memory, and the most requests any one host received in any one
 * second (it must stay ≤ 1), measured where the requests arrive.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { FeedPoller } from '../../src/feeds/feed-poller.ts';
import { SqliteFeedStore } from '../../src/feeds/sqlite-feed-store.ts';
import { openDatabase } from '../../src/storage/db.ts';
import { table, type Suite } from '../suite.ts';

const FEEDS = Number(process.env.BENCH_FEEDS ?? 1000);
const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 10);

/** An invented report; the number makes each article's text its own. */
const article = (feed: number, n: number) =>
  `<html><head><title>Report ${feed}-${n}</title></head><body><article><h1>Report ${feed}-${n}</h1><p>KIRKUK, Iraq — Gunmen attacked checkpoint number ${feed * 100 + n} south of the city late on Monday, killing ${n + 1} soldiers, a security official said.</p><p>The official said a search of nearby villages was under way and that no group had claimed the attack.</p></article></body></html>`;

const rss = (base: string, feed: number) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${feed}</title><link>${base}/</link><description>bench</description>${Array.from(
    { length: ARTICLES },
    (_, n) => `<item><title>Report ${feed}-${n}</title><link>${base}/a/${n}</link><guid>f${feed}-a${n}</guid></item>`,
  ).join('')}</channel></rss>`;

const suite: Suite = async () => {
  const arrivals = new Map<string, number[]>();
  const servers: Server[] = [];
  const urls: string[] = [];
  for (let f = 0; f < FEEDS; f++) {
    const times: number[] = [];
    let base = '';
    const server = createServer((req, res) => {
      times.push(performance.now());
      if (req.url === '/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(base, f));
      else if (req.url?.startsWith('/a/')) res.writeHead(200, { 'content-type': 'text/html' }).end(article(f, Number(req.url.slice(3))));
      else res.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    arrivals.set(base, times);
    servers.push(server);
    urls.push(`${base}/feed.xml`);
  }
  const store = new SqliteFeedStore(openDatabase({ memory: true }));
  const poller = new FeedPoller({ store, logger: pino({ level: 'silent' }) });
  const rss0 = process.memoryUsage().rss;
  const started = performance.now();
  let peakRss = rss0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const results = await poller.pollDue(urls.map((url) => ({ url, intervalMinutes: 15 })));
  const ms = performance.now() - started;
  clearInterval(sampler);
  const queued = (await store.articles()).length;
  let maxPerSecond = 0;
  let minGap = Infinity;
  for (const times of arrivals.values()) {
    times.sort((a, b) => a - b);
    let lo = 0;
    for (let hi = 0; hi < times.length; hi++) {
      while (times[hi]! - times[lo]! >= 1000) lo++;
      maxPerSecond = Math.max(maxPerSecond, hi - lo + 1);
      if (hi > 0) minGap = Math.min(minGap, times[hi]! - times[hi - 1]!);
    }
  }
  for (const s of servers) s.close();
  const failed = results.filter((r) => r.outcome !== 'ok').length;
  // Articles that could not be read this time (a timeout on a loaded machine, say) are not stored, so the next poll takes them.
  const unread = results.reduce((n, r) => n + (r.outcome === 'ok' ? r.articleFailures : 0), 0);
  return {
    name: 'feeds',
    lines: [
      ...table([
        ['feeds', 'articles each', 'queued', 'unread (next poll)', 'failed polls', 'time s', 'articles/s', 'peak RSS MB', 'max req/host/s', 'min gap ms'],
        [
          String(FEEDS),
          String(ARTICLES),
          String(queued),
          String(unread),
          String(failed),
          (ms / 1000).toFixed(1),
          (queued / (ms / 1000)).toFixed(0),
          (peakRss / 2 ** 20).toFixed(0),
          String(maxPerSecond),
          minGap.toFixed(0),
        ],
      ]),
      'Each feed is its own host (a port of 127.0.0.1), so the time is bounded below by 1 + articles requests at one a second.',
    ],
    figures: {
      feeds: FEEDS,
      articles_per_feed: ARTICLES,
      queued,
      unread_articles: unread,
      failed_polls: failed,
      time_ms: ms,
      articles_per_s: queued / (ms / 1000),
      peak_rss_mb: peakRss / 2 ** 20,
      max_requests_per_host_per_s: maxPerSecond,
      min_gap_ms: minGap,
    },
  };
};

export default suite;
