/**
 * The living dataset end to end: a feed item served over HTTP on 127.0.0.1 → polled → drafted into the
 * review queue → posted in the review channel → Approve refused without the reviewer role, clicked by a
 * reviewer → answered by the real discord.js client (against testkit/fake-discord.ts)
 * → alerted once, mentioning only the chosen role → listed once by the next morning's digest → a restart
 * changes nothing. Times come from an injected clock; the article is a fixture written for this test.
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import { createAlertsPlugin } from '../src/alerts/discord-plugin.ts';
import { livingDataset } from '../src/data/living-dataset.ts';
import { createDigestPlugin } from '../src/digest/discord-plugin.ts';
import { createReviewPlugin } from '../src/review/discord-plugin.ts';
import { reviewStoreOn } from '../src/review/open-review-store.ts';
import { HostPacer } from '../src/feeds/host-pacer.ts';
import { ALERTED_UNTIL_KEY, createPublishLoopPlugin } from '../src/review/publish-plugin.ts';
import { openDatabase, type Db } from '../src/storage/db.ts';
import { FakeDiscord, snowflake, type FakeGuild } from '../testkit/fake-discord.ts';
import { startBot } from '../testkit/harness.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const ARTICLE = readFileSync(new URL('./fixtures/living/hawija-checkpoint.html', import.meta.url), 'utf8');
const TITLE = 'Gunmen kill four at army checkpoint near Hawija';
const INCIDENT_ID = 'hawijah-2026-12-01';

let web: Server;
let site: string;
const webHits: string[] = [];
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  web = createServer((req, res) => {
    webHits.push(req.url ?? '/');
    if (req.url === '/iraq.rss')
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(
        `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test Wire: Iraq</title><link>${site}/</link><description>Reports written for the tests</description>
<item><title>${TITLE}</title><link>${site}/2026/12/02/hawija-checkpoint.html</link><guid>tw-hawija-1</guid><pubDate>Wed, 02 Dec 2026 09:30:00 GMT</pubDate></item>
</channel></rss>`,
      );
    else if (req.url === '/2026/12/02/hawija-checkpoint.html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE);
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
  });
  web.listen(0, '127.0.0.1');
  await once(web, 'listening');
  site = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  web.closeAllConnections();
  await new Promise((r) => web.close(r));
});

const seed = seedDataset();
const g: FakeGuild & { news: string; alerts: string; review: string; role: string; reviewer: string } = (() => {
  const [id, news, alerts, review, role, reviewer] = [snowflake(), snowflake(), snowflake(), snowflake(), snowflake(), snowflake()];
  return {
    id,
    name: 'Newsroom',
    channels: [
      { id: news, name: 'digest' },
      { id: alerts, name: 'alerts' },
      { id: review, name: 'review' },
    ],
    roles: [
      { id: role, name: 'kirkuk-watch' },
      { id: reviewer, name: 'reviewers' },
    ],
    news,
    alerts,
    review,
    role,
    reviewer,
  };
})();

/** One bot process over the state database: the living dataset, the digest, alerts and the publish loop, as src/app.ts wires them. */
async function bootBot(server: FakeDiscord, db: Db, clock: { t: number }) {
  const now = () => new Date(clock.t);
  const digest = createDigestPlugin({ db, dataset: () => living.current(), clock: now, cron: null });
  const alerts = createAlertsPlugin({ digest, dataset: () => living.current(), cron: null, runner: { clock: () => clock.t } });
  const review = createReviewPlugin({
    channelId: g.review,
    reviewerRoleId: g.reviewer,
    store: () => reviewStoreOn(digest.backend()!),
    dataset: () => living.current(),
    clock: () => clock.t,
    cron: null,
  });
  const loop = createPublishLoopPlugin({
    digest,
    alerts,
    onDrafted: () => review.onDraftsQueued(),
    living: {
      current: () => living.current(),
      refresh: () => living.refresh(),
      onPublished: (l) => living.onPublished(l),
    },
    feeds: () => ({ feeds: [{ url: `${site}/iraq.rss`, name: 'Test Wire', intervalMinutes: 15 }], articles: [] }),
    pollCron: null,
    refreshEveryMs: null,
    clock: () => clock.t,
    poller: { pacer: new HostPacer(1000), random: () => 0.5 },
  });
  const living = livingDataset({
    base: { current: () => seed, onSwap: () => undefined },
    published: () => loop.reviews()?.published() ?? null,
    reportedUntil: async () => Number((await digest.store()?.getMeta(ALERTED_UNTIL_KEY)) ?? 0),
  });
  // As src/app.ts: an approval in the review channel is swapped in at once.
  review.onPublished(async () => void (await loop.published()));
  const started = await startBot(server, { commands, dataset: () => living.current(), now, plugins: [digest, alerts, review, loop] });
  for (let i = 0; i < 200 && !(alerts.runner() && digest.runner()); i++) await new Promise((r) => setTimeout(r, 10));
  return { ...started, digest, alerts, review, loop, living };
}

async function ask(server: FakeDiscord, name: string, options: Record<string, string | number>, memberPermissions = '32') {
  const sent = server.chatInput(name, options, { guildId: g.id, memberPermissions });
  const cb = await sent.callback();
  const type = (cb.body as { type: number }).type;
  // Deferred answers (maps, charts) arrive as an edit of the original response.
  const final = type === 5 ? await sent.editedOriginal() : cb;
  return JSON.stringify(final.body);
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('a feed item becomes a published record, an alert and a digest line, once', () => {
  it('polled → drafted → approved → answered, alerted once, in the next digest once; a restart changes nothing', async () => {
    const server = await new FakeDiscord({ guilds: [g] }).start();
    cleanups.push(() => server.stop());
    const dir = mkdtempSync(join(tmpdir(), 'living-loop-'));
    const db = openDatabase({ stateDir: dir });
    cleanups.push(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    // Thursday 3 December 2026, 09:00 in Baghdad.
    const clock = { t: Date.parse('2026-12-03T06:00:00Z') };
    let bot = await bootBot(server, db, clock);

    expect(await ask(server, 'digest', { subcommand: 'set', channel: g.news, time: '08:00', timezone: 'Asia/Baghdad' })).toContain('Set up');
    expect(await ask(server, 'alerts', { subcommand: 'set', channel: g.alerts, place: 'kirkuk-governorate', role: g.role })).toContain('Set up');
    // Before anything is published the bot does not know the incident.
    expect(await ask(server, 'incident', { id: INCIDENT_ID })).toContain(`There is no incident`);

    // Polled: the feed, then its article (one host: a second apart), drafted into the queue at once.
    clock.t += 60_000;
    const [outcome] = await bot.loop.pollOnce({ force: true });
    expect(outcome).toMatchObject({ outcome: 'ok', entries: 1, duplicates: 0, articleFailures: 0 });
    expect(webHits).toEqual(['/iraq.rss', '/2026/12/02/hawija-checkpoint.html']);
    const reviews = bot.loop.reviews()!;
    const pending = await reviews.pending();
    const draft = pending.find((d) => d.kind === 'incident')!;
    expect(draft.record).toMatchObject({ id: INCIDENT_ID, placeId: expect.any(String), perpetratorId: 'islamic-state', date: { date: '2026-12-01' } });
    expect(draft.record).not.toHaveProperty('confidence');
    expect(draft.bundle.source).toMatchObject({
      title: TITLE,
      publisher: 'Test Wire',
      url: `${site}/2026/12/02/hawija-checkpoint.html`,
      published: { date: '2026-12-02' },
    });
    expect((await bot.loop.feedStore()!.articles('drafted')).map((a) => a.title)).toEqual([TITLE]);
    // A draft is not published: the commands still do not know it, and no alert went out.
    expect(await ask(server, 'incident', { id: INCIDENT_ID })).toContain('There is no incident');

    // Each draft was posted to the review channel as it was queued, with Approve / Edit / Reject.
    type Posted = { id: string; embeds: unknown[]; components: { components: { custom_id: string }[] }[] };
    const reviewPosts = (server.channelMessages.get(g.review) ?? []) as unknown as Posted[];
    expect(reviewPosts).toHaveLength(pending.length);
    const message = reviewPosts.find((m) => JSON.stringify(m.embeds).includes(INCIDENT_ID))!;
    const [approve] = message.components.flatMap((r) => r.components.map((c) => c.custom_id));
    // A member without the reviewer role is refused, privately; nothing is published.
    const where = { guildId: g.id, channelId: g.review, message: message as never };
    const refused = await server.button(approve!, { ...where, memberRoles: [], username: 'sam' }).callback();
    expect(JSON.stringify(refused.body)).toContain('Only members with the reviewer role');
    expect(await reviews.draft(draft.id)).toMatchObject({ status: 'pending' });
    expect(await ask(server, 'incident', { id: INCIDENT_ID })).toContain('There is no incident');
    // A reviewer approves: the record is published and swapped into the running bot, without a restart.
    clock.t += 60_000;
    const approved = await server.button(approve!, { ...where, memberRoles: [g.reviewer], username: 'dana' }).callback();
    expect((approved.body as { type: number }).type).toBe(7);
    for (let i = 0; i < 500 && !bot.living.current().incident(INCIDENT_ID); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await reviews.draft(draft.id)).toMatchObject({ status: 'approved', decidedBy: '@dana' });
    expect(bot.living.current().incident(INCIDENT_ID)).toBeTruthy();

    const attacks = await ask(server, 'attacks', { place: 'kirkuk-governorate', from: '2026-11-01' });
    expect(attacks).toContain(INCIDENT_ID);
    expect(attacks).toContain('Test Wire');
    const incident = await ask(server, 'incident', { id: INCIDENT_ID });
    expect(incident).toContain(`[${TITLE}](${site}/2026/12/02/hawija-checkpoint.html) — Test Wire — 2 Dec 2026`);
    expect(incident).toContain('Reviewed by @dana on 3 Dec 2026');
    expect(incident).toContain('Islamic State gunmen killed four Iraqi soldiers');
    const stats = await ask(server, 'stats', { place: 'kirkuk-governorate', from: '2026-11-01' });
    expect(stats).toMatch(/Killed\D{0,20}4/);
    expect(await ask(server, 'map', { place: 'kirkuk-governorate', from: '2026-11-01' })).toContain('attachment://');
    expect(await ask(server, 'chart', { place: 'kirkuk-governorate', from: '2026-11-01' })).toContain('attachment://');

    // The alert: posted once, mentioning only the chosen role.
    const alertPosts = () => server.requestsTo('POST', `/channels/${g.alerts}/messages`);
    expect(alertPosts()).toHaveLength(1);
    const alert = alertPosts()[0]!.body as { content: string; allowed_mentions: unknown };
    expect(alert.allowed_mentions).toEqual({ parse: [], roles: [g.role] });
    expect(alert.content).toMatch(new RegExp(`^<@&${g.role}> New incident: `));
    expect(alertPosts()[0]!.validation?.errors).toEqual([]);
    await bot.alerts.tick();
    expect((await bot.loop.published()).ok).toBe(true);
    expect(alertPosts()).toHaveLength(1);

    // The next morning's digest (Friday 08:00 in Baghdad) lists it once, as a late report, with its source.
    clock.t = Date.parse('2026-12-04T05:00:00Z');
    expect((await bot.digest.runner()!.tick()).outcomes.sent).toBe(1);
    const digests = () => server.requestsTo('POST', `/channels/${g.news}/messages`);
    expect(digests()).toHaveLength(1);
    const friday = JSON.stringify(digests()[0]!.body);
    expect(count(friday, `\`${INCIDENT_ID}\``)).toBe(1);
    expect(friday).toContain('Reported late');
    expect(friday).toContain(TITLE);
    expect(friday).toContain(`[${TITLE}](${site}/2026/12/02/hawija-checkpoint.html) — Test Wire`);

    // A restart: the same database, a new process. Nothing is alerted or posted again; the record stays.
    await bot.bot.stop();
    bot = await bootBot(server, db, clock);
    expect((await bot.loop.published()).ok).toBe(true);
    await bot.alerts.tick();
    expect(alertPosts()).toHaveLength(1);
    expect((await bot.digest.runner()!.tick()).outcomes.sent).toBe(0);
    expect(await ask(server, 'incident', { id: INCIDENT_ID })).toContain('Reviewed by @dana');
    // Polling again takes nothing new (the feed's item is known).
    clock.t += 20 * 60_000;
    expect(await bot.loop.pollOnce({ force: true })).toMatchObject([{ outcome: 'ok', added: [] }]);
    expect(await reviews.pending()).toHaveLength(pending.length - 1);

    // Saturday's digest does not list it again.
    clock.t = Date.parse('2026-12-05T05:00:00Z');
    expect((await bot.digest.runner()!.tick()).outcomes.sent).toBe(1);
    expect(digests()).toHaveLength(2);
    expect(count(JSON.stringify(digests()[1]!.body), INCIDENT_ID)).toBe(0);
    await bot.bot.stop();
  });
});
