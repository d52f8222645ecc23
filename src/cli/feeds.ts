/**
 * `npm run feeds -- add <url> [--name N] [--interval MIN] | list | remove <url> | resume <url> | poll [--all] [--json]`
 * The feeds the bot follows (FEEDS_FILE, default ./feeds.json) and their state (PostgreSQL with DATABASE_URL,
 * else the bot's database in the state folder). `poll` polls the due feeds once (every feed with --all) and queues their new articles.
 */
import './exit-on-closed-pipe.ts';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadAppConfigOrExit, type AppConfig } from '../config.ts';
import { FeedsFileError, FeedSchema, readFeedsFile, writeFeedsFile, type FeedsFile } from '../feeds/feed-config.ts';
import { FeedPoller } from '../feeds/feed-poller.ts';
import type { FeedStore } from '../feeds/feed-store.ts';
import { feedStoreOn } from '../feeds/open-feed-store.ts';
import { closeStoreBackend, type StoreBackend } from '../storage/backend.ts';
import { openStateOrExit, reportStoreFailure } from './open-state.ts';

const USAGE = 'usage: npm run feeds -- add <url> [--name N] [--interval MINUTES] | list | remove <url> | resume <url> | poll [--all] [--json]';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const options = { name: { type: 'string' }, interval: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } } as const;
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const [verb, arg] = parsed.positionals;
  const config = loadAppConfigOrExit();
  const path = config.feedsFile;
  let file: FeedsFile;
  try {
    file = readFeedsFile(path);
  } catch (err) {
    if (err instanceof FeedsFileError) fail(err.message);
    throw err;
  }
  // Opened only by the verbs that need it (PostgreSQL with DATABASE_URL, else SQLite in the state folder).
  let backend: StoreBackend | undefined;
  const store = async (): Promise<FeedStore> => feedStoreOn((backend ??= await openStateOrExit(config)));
  try {
    await run(verb, arg, parsed.values, { file, path, config }, store);
  } catch (err) {
    reportStoreFailure(err);
  } finally {
    if (backend) await closeStoreBackend(backend);
  }
}

async function run(
  verb: string | undefined,
  arg: string | undefined,
  values: { name?: string; interval?: string; all?: boolean; json?: boolean },
  { file, path, config }: { file: FeedsFile; path: string; config: AppConfig },
  store: () => Promise<FeedStore>,
): Promise<void> {
  switch (verb) {
    case 'add': {
      if (!arg) fail(`add needs a feed URL\n${USAGE}`);
      const feed = FeedSchema.safeParse({
        url: arg,
        ...(values.name ? { name: values.name } : {}),
        ...(values.interval ? { intervalMinutes: Number(values.interval) } : {}),
      });
      if (!feed.success) fail(`Not added: ${feed.error.issues.map((i) => `${i.path.join('.') || 'url'} ${i.message}`).join('; ')}`);
      if (file.feeds.some((f) => f.url === feed.data.url)) {
        // Adding a feed again also resumes it if it was paused.
        await (await store()).resume(feed.data.url);
        process.stdout.write(`Already following ${feed.data.url}; resumed if it was paused.\n`);
        return;
      }
      writeFeedsFile({ ...file, feeds: [...file.feeds, feed.data] }, path);
      process.stdout.write(`Following ${feed.data.url} every ${feed.data.intervalMinutes} minutes (${path}).\n`);
      return;
    }
    case 'remove': {
      if (!arg) fail(`remove needs a feed URL\n${USAGE}`);
      if (!file.feeds.some((f) => f.url === arg)) fail(`Not following ${arg}; \`npm run feeds -- list\` shows the feeds.`);
      writeFeedsFile({ ...file, feeds: file.feeds.filter((f) => f.url !== arg) }, path);
      await (await store()).forget(arg);
      process.stdout.write(`No longer following ${arg}. Articles already taken from it stay in the queue.\n`);
      return;
    }
    case 'resume': {
      if (!arg || !file.feeds.some((f) => f.url === arg)) fail(`Not following ${arg ?? '(no URL given)'}.`);
      await (await store()).resume(arg);
      process.stdout.write(`Resumed ${arg}: it is polled at the next pass.\n`);
      return;
    }
    case 'list': {
      if (file.feeds.length === 0) {
        process.stdout.write(`No feeds yet (${path}). Add one: npm run feeds -- add https://example.org/feed.xml\n`);
        return;
      }
      const s = await store();
      for (const f of file.feeds) {
        const st = await s.state(f.url);
        const status = st.pausedReason
          ? `PAUSED: ${st.pausedReason}`
          : st.lastError
            ? `failing (${st.failures}): ${st.lastError}`
            : st.lastOkAt
              ? `ok, last polled ${new Date(st.lastOkAt).toISOString()}`
              : 'not polled yet';
        process.stdout.write(`${f.url}${f.name ? ` (${f.name})` : ''} · every ${f.intervalMinutes} min · ${status}\n`);
      }
      return;
    }
    case 'poll': {
      const s = await store();
      const poller = new FeedPoller({
        store: s,
        logger: pino(
          { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
          pino.destination(2),
        ) /* this command's output is its answer: progress lines only from warn, unless asked for more */,
      });
      const results = await poller.pollDue(file.feeds, { force: values.all ?? false });
      const articles = [];
      for (const url of file.articles) {
        if (await s.knowsEntry(null, null, url)) continue;
        articles.push({ url, result: await poller.takeArticle(null, null, url, null, null) });
      }
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ feeds: results, articles })}\n`);
        return;
      }
      if (results.length === 0 && articles.length === 0) process.stdout.write('Nothing due (use --all to poll every feed now).\n');
      for (const r of results) {
        const line =
          r.outcome === 'ok'
            ? `${r.added.length} new article(s), ${r.duplicates} duplicate(s), ${r.articleFailures} unreadable`
            : r.outcome === 'failed'
              ? `failed: ${r.reason}${r.pausedNow ? ' (now paused)' : ''}`
              : r.outcome === 'paused'
                ? `paused: ${r.reason}`
                : 'not modified';
        process.stdout.write(`${r.feedUrl}: ${line}\n`);
      }
      for (const a of articles) process.stdout.write(`${a.url}: ${typeof a.result === 'number' ? 'queued' : a.result}\n`);
      return;
    }
    default:
      fail(USAGE);
  }
}

await main(process.argv.slice(2));
