/**
 * Alerts and forum posts end to end: the real discord.js client (src/discord/bot.ts) with the digest and
 * alerts plugins, against the local Discord-compatible server (testkit/fake-discord.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alerts } from '../commands/alerts/index.ts';
import { digest } from '../commands/digest/index.ts';
import { createAlertsPlugin, type AlertsPlugin } from '../src/alerts/discord-plugin.ts';
import { createDigestPlugin, type DigestPlugin } from '../src/digest/discord-plugin.ts';
import { openDatabase } from '../src/storage/db.ts';
import { FakeDiscord, snowflake, type FakeGuild } from '../testkit/fake-discord.ts';
import { startBot } from '../testkit/harness.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ds = seedDataset();

const SEND_MESSAGES_IN_THREADS = 1n << 38n;

function guild(): FakeGuild & { text: string; forum: string; category: string; thread: string; closed: string; closedThread: string; role: string } {
  const [text, forum, category, thread, closed, closedThread] = [snowflake(), snowflake(), snowflake(), snowflake(), snowflake(), snowflake()];
  const id = snowflake();
  return {
    id,
    name: 'Newsroom',
    channels: [
      { id: text, name: 'alerts' },
      { id: forum, name: 'digests', type: 15 },
      { id: category, name: 'Reading', type: 4 },
      { id: thread, name: 'diyala-watch', type: 11, parent_id: text },
      // a channel whose threads the bot may not post in (Send Messages in Threads denied to @everyone)
      { id: closed, name: 'closed', permission_overwrites: [{ id, type: 0, allow: '0', deny: String(SEND_MESSAGES_IN_THREADS) }] },
      { id: closedThread, name: 'closed-thread', type: 11, parent_id: closed },
    ],
    text,
    forum,
    category,
    thread,
    closed,
    closedThread,
    role: snowflake(),
  };
}

async function boot(
  g: FakeGuild,
  clock: { t: number },
): Promise<{ server: FakeDiscord; digestPlugin: DigestPlugin; alertsPlugin: AlertsPlugin; passes: Record<string, number>[] }> {
  const server = await new FakeDiscord({ guilds: [g] }).start();
  cleanups.push(() => server.stop());
  const dir = mkdtempSync(join(tmpdir(), 'alerts-e2e-'));
  const db = openDatabase({ stateDir: dir });
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const now = () => new Date(clock.t);
  const digestPlugin = createDigestPlugin({ db, dataset: () => ds, clock: now, cron: null });
  const passes: Record<string, number>[] = [];
  const alertsPlugin = createAlertsPlugin({
    digest: digestPlugin,
    dataset: () => ds,
    cron: null,
    runner: { clock: () => clock.t },
    onPass: (c) => void passes.push(c),
  });
  const { bot } = await startBot(server, { commands: [digest, alerts], dataset: () => ds, now, plugins: [digestPlugin, alertsPlugin] });
  cleanups.push(() => bot.stop());
  // onReady runs right after READY: wait until both runners exist
  for (let i = 0; i < 100 && !alertsPlugin.runner(); i++) await new Promise((r) => setTimeout(r, 10));
  return { server, digestPlugin, alertsPlugin, passes };
}

async function command(
  server: FakeDiscord,
  name: string,
  guildId: string,
  options: Record<string, string | number>,
  memberPermissions = '32',
): Promise<string> {
  const cb = await server.chatInput(name, options, { guildId, memberPermissions }).callback();
  return (cb.body as { data?: { content?: string } }).data?.content ?? '';
}

describe('alerts end to end through the local Discord server', () => {
  it('/alerts set by a member with Manage Server; a published incident is posted once, mentioning only the chosen role', async () => {
    const g = guild();
    const clock = { t: Date.parse('2026-12-03T09:00:00Z') };
    const { server, alertsPlugin, passes } = await boot(g, clock);

    // Refused without Manage Server, and for a category; neither changes anything.
    expect(await command(server, 'alerts', g.id, { subcommand: 'set', channel: g.text, place: 'iraq', role: g.role }, '0')).toContain(
      'needs the Manage Server permission',
    );
    expect(await command(server, 'alerts', g.id, { subcommand: 'set', channel: g.category, place: 'iraq' })).toContain(
      'it is not a text, announcement, thread or forum channel. Nothing was changed.',
    );
    expect(await alertsPlugin.store()!.all()).toEqual([]);

    const reply = await command(server, 'alerts', g.id, { subcommand: 'set', channel: g.text, place: 'iraq', role: g.role });
    expect(reply).toContain(`Set up: each newly published incident is posted to <#${g.text}>`);
    expect(await alertsPlugin.store()!.enabled()).toMatchObject([{ channelId: g.text, placeId: 'iraq', roleId: g.role }]);

    const diyala = ds.incidents.get('diyala-police-2019-08-22')!;
    const daraa = ds.incidents.get('daraa-security-post-2019-07-28')!; // in Syria: filtered out
    expect(await alertsPlugin.onPublished([diyala, daraa])).toBe(1);
    const posts = server.requestsTo('POST', `/channels/${g.text}/messages`);
    expect(posts).toHaveLength(1);
    const body = posts[0]!.body as { content: string; allowed_mentions: unknown; embeds: { title: string }[] };
    expect(body.allowed_mentions).toEqual({ parse: [], roles: [g.role] });
    expect(body.content).toBe(`<@&${g.role}> New incident: ${diyala.summary}`);
    expect(body.embeds[0]!.title).toBe(diyala.summary);
    expect(posts[0]!.validation?.errors).toEqual([]);
    expect(posts[0]!.status).toBe(200);
    // Each pass's outcomes reach the metrics hook: this one sent the alert.
    expect(passes.at(-1)).toMatchObject({ sent: 1 });

    // Published again (another process, a restart): not posted again.
    expect(await alertsPlugin.onPublished([diyala])).toBe(0);
    await alertsPlugin.tick();
    expect(server.requestsTo('POST', `/channels/${g.text}/messages`)).toHaveLength(1);
    expect(await command(server, 'alerts', g.id, { subcommand: 'status' })).toContain(`<#${g.text}> — Iraq`);
  });

  it('a digest to a forum channel creates one post, titled with its day; an alert there is a post of its own', async () => {
    const g = guild();
    const clock = { t: Date.parse('2019-08-22T12:00:00Z') };
    const { server, digestPlugin, alertsPlugin } = await boot(g, clock);

    expect(await command(server, 'digest', g.id, { subcommand: 'set', channel: g.forum, time: '08:00', timezone: 'Asia/Baghdad' })).toContain(
      `Set up: the daily digest goes to <#${g.forum}>`,
    );
    clock.t = Date.parse('2019-08-23T05:00:00Z');
    expect((await digestPlugin.runner()!.tick()).outcomes.sent).toBe(1);
    await digestPlugin.runner()!.tick();
    const created = server.requestsTo('POST', `/channels/${g.forum}/threads`);
    expect(created).toHaveLength(1);
    expect(created[0]!.validation?.operation).toBeTruthy();
    expect(created[0]!.validation?.errors).toEqual([]);
    expect(created[0]!.status).toBe(201);
    expect(server.forumPosts).toHaveLength(1);
    expect(server.forumPosts[0]!.name).toBe('Digest — 23 Aug 2019');
    const message = (created[0]!.body as { message: { allowed_mentions: unknown; embeds: unknown[] } }).message;
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(JSON.stringify(message.embeds)).toContain('diyala-police-2019-08-22');
    expect(server.requestsTo('POST', `/channels/${g.forum}/messages`)).toHaveLength(0);
    expect(await digestPlugin.store()!.lastDelivery(g.id)).toMatchObject({ status: 'sent', messageId: (server.forumPosts[0]!.message as { id: string }).id });

    expect(await command(server, 'alerts', g.id, { subcommand: 'set', channel: g.forum })).toContain('Set up');
    expect(await alertsPlugin.onPublished([ds.incidents.get('diyala-police-2019-08-22')!])).toBe(1);
    expect(server.forumPosts).toHaveLength(2);
    expect(server.forumPosts[1]!.name).toBe(`Alert — ${ds.incidents.get('diyala-police-2019-08-22')!.summary}`.slice(0, 100));
    expect(server.requestsTo('POST', `/channels/${g.forum}/threads`).every((r) => r.validation?.errors.length === 0)).toBe(true);
  });

  it('a thread is posted to like a text channel, once Send Messages in Threads is checked', async () => {
    const g = guild();
    const clock = { t: Date.parse('2026-12-03T09:00:00Z') };
    const { server, alertsPlugin } = await boot(g, clock);
    expect(await command(server, 'alerts', g.id, { subcommand: 'set', channel: g.closedThread })).toContain(
      'the bot lacks Send Messages In Threads there. Nothing was changed.',
    );
    expect(await alertsPlugin.store()!.all()).toEqual([]);
    expect(await command(server, 'alerts', g.id, { subcommand: 'set', channel: g.thread, place: 'diyala' })).toContain('Set up');
    expect(await alertsPlugin.onPublished([ds.incidents.get('diyala-police-2019-08-22')!])).toBe(1);
    const posts = server.requestsTo('POST', `/channels/${g.thread}/messages`);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.validation?.errors).toEqual([]);
    expect((posts[0]!.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [] });
  });
});
