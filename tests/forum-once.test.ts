/**
 * A forum post carries no nonce, so Discord cannot deduplicate a resend: after a request that got no clear
 * answer, or a process that died between the request and recording it, the bot looks for its post in the
 * forum (by title and the marker in its footer) before creating another. Real discord.js client against
 * testkit/fake-discord.ts; injected clocks and injected answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alerts } from '../commands/alerts/index.ts';
import { digest } from '../commands/digest/index.ts';
import { createAlertsPlugin } from '../src/alerts/discord-plugin.ts';
import { createDigestPlugin } from '../src/digest/discord-plugin.ts';
import { openDatabase, type Db } from '../src/storage/db.ts';
import { FakeDiscord, snowflake, type FakeGuild } from '../testkit/fake-discord.ts';
import { startBot } from '../testkit/harness.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const ds = seedDataset();
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function guild(): FakeGuild & { forum: string } {
  const [id, forum] = [snowflake(), snowflake()];
  return { id, name: 'Newsroom', channels: [{ id: forum, name: 'desk', type: 15 }], forum };
}

async function boot(server: FakeDiscord, db: Db, clock: { t: number }) {
  const now = () => new Date(clock.t);
  const digestPlugin = createDigestPlugin({
    db,
    dataset: () => ds,
    clock: now,
    cron: null,
    runner: { stopGraceMs: 200, retry: { requests: 1, baseDelayMs: 10 } },
  });
  const alertsPlugin = createAlertsPlugin({ digest: digestPlugin, dataset: () => ds, cron: null, runner: { clock: () => clock.t } });
  const { bot } = await startBot(server, { commands: [digest, alerts], dataset: () => ds, now, plugins: [digestPlugin, alertsPlugin] });
  for (let i = 0; i < 200 && !(alertsPlugin.runner() && digestPlugin.runner()); i++) await new Promise((r) => setTimeout(r, 10));
  return { bot, digestPlugin, alertsPlugin };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'forum-once-'));
  const db = openDatabase({ stateDir: dir });
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

const createPost = (forum: string) => (r: { method: string; route: string }) => r.method === 'POST' && r.route === `/channels/${forum}/threads`;

describe('forum posts are not doubled', () => {
  it('an alert whose forum post got a 502 after Discord made it: the retry finds the post and records it, no second post', async () => {
    const g = guild();
    const server = await new FakeDiscord({ guilds: [g] }).start();
    cleanups.push(() => server.stop());
    const db = setup();
    const clock = { t: Date.parse('2026-12-03T09:00:00Z') };
    const a = await boot(server, db, clock);
    cleanups.push(() => a.bot.stop());
    const set = await server.chatInput('alerts', { subcommand: 'set', channel: g.forum, place: 'iraq' }, { guildId: g.id, memberPermissions: '32' }).callback();
    expect(JSON.stringify(set.body)).toContain('Set up');

    // Discord makes the post but answers 502; a request after it would succeed, so a blind resend (discord.js
    // resends a 5xx by itself unless told not to) would make a second post: no nonce guards a forum post.
    server.injectResponse(createPost(g.forum), { status: 502, afterEffect: true });
    const diyala = ds.incidents.get('diyala-police-2019-08-22')!;
    expect(await a.alertsPlugin.onPublished([diyala])).toBe(1);
    expect(server.requestsTo('POST', `/channels/${g.forum}/threads`)).toHaveLength(1);
    expect(server.forumPosts).toHaveLength(1);
    const row = (await a.alertsPlugin.store()!.get(g.forum, diyala.id))!;
    expect(row).toMatchObject({ status: 'queued', maybePosted: true });

    // The retry, inside the nonce window: it looks first, finds its post (title and footer marker), records it.
    const before = server.requestsTo('POST', `/channels/${g.forum}/threads`).length;
    clock.t = row.nextAttemptAt + 1;
    expect((await a.alertsPlugin.tick())!.sent).toBe(1);
    expect(server.requestsTo('POST', `/channels/${g.forum}/threads`)).toHaveLength(before);
    expect(server.forumPosts).toHaveLength(1);
    const post = server.forumPosts[0]!;
    expect(await a.alertsPlugin.store()!.get(g.forum, diyala.id)).toMatchObject({ status: 'sent', messageId: post.message.id });
    expect(server.requestsTo('GET', `/guilds/${g.id}/threads/active`).length).toBeGreaterThan(0);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('a digest whose process died between creating the forum post and recording it: the next process finds the post, posts nothing more', async () => {
    const g = guild();
    const clock = { t: Date.parse('2019-08-22T12:00:00Z') };
    const server = await new FakeDiscord({ guilds: [g], now: () => clock.t }).start();
    cleanups.push(() => server.stop());
    const db = setup();
    const a = await boot(server, db, clock);
    const set = await server
      .chatInput('digest', { subcommand: 'set', channel: g.forum, time: '08:00', timezone: 'Asia/Baghdad' }, { guildId: g.id, memberPermissions: '32' })
      .callback();
    expect(JSON.stringify(set.body)).toContain('Set up');

    // The post is made, but the answer never reaches the bot: the process is killed while it waits.
    let answer!: () => void;
    server.holdResponses(createPost(g.forum), new Promise<void>((r) => (answer = r)));
    clock.t = Date.parse('2019-08-23T05:00:00Z');
    const tick = a.digestPlugin.runner()!.tick();
    await server.waitForRequest(createPost(g.forum), 10_000, { includePast: false }).catch(() => undefined);
    for (let i = 0; i < 200 && server.forumPosts.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.forumPosts).toHaveLength(1);
    await a.digestPlugin.runner()!.kill();
    expect((await tick).outcomes.interrupted).toBe(1);
    answer();
    await a.bot.stop();
    expect(await a.digestPlugin.store()!.getDelivery(g.id, '2019-08-23')).toMatchObject({ status: 'sending' });

    // A new process, after the attempt went stale: it looks in the forum first and records the post it finds.
    clock.t += 90_000;
    const b = await boot(server, db, clock);
    cleanups.push(() => b.bot.stop());
    expect((await b.digestPlugin.runner()!.tick()).outcomes.sent).toBe(1);
    expect(server.forumPosts).toHaveLength(1);
    expect(server.requestsTo('POST', `/channels/${g.forum}/threads`)).toHaveLength(1);
    expect(await b.digestPlugin.store()!.getDelivery(g.id, '2019-08-23')).toMatchObject({ status: 'sent', messageId: server.forumPosts[0]!.message.id });
  });
});
