/**
 * The review channel end to end: the real discord.js client (src/discord/bot.ts) with the review plugin,
 * against the local Discord-compatible server (testkit/fake-discord.ts), on a real SQLite review queue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createReviewPlugin, type ReviewPlugin } from '../src/review/discord-plugin.ts';
import type { Draft } from '../src/review/review-store.ts';
import { SqliteReviewStore } from '../src/review/sqlite-review-store.ts';
import { openDatabase, type Db } from '../src/storage/db.ts';
import { FakeDiscord, snowflake, type FakeGuild, type RecordedRequest } from '../testkit/fake-discord.ts';
import { startBot } from '../testkit/harness.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';
import { INCIDENT, PLACE, SOURCE } from './fixtures/review-draft.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ds = seedDataset();
/** The review queue on a database (every call awaited: the store is becoming asynchronous). */
const openQueue = (db: Db) => new SqliteReviewStore(db);
const T0 = Date.parse('2026-12-03T09:00:00Z');

type Embed = { title: string; url?: string; description: string; fields: { name: string; value: string }[] };
type Message = { id: string; channel_id: string; embeds: Embed[]; components: { components: { custom_id: string; label: string }[] }[] };

function newsroom(): FakeGuild & { review: string; reviewer: string } {
  const review = snowflake();
  const reviewer = snowflake();
  return { id: snowflake(), name: 'Newsroom', channels: [{ id: review, name: 'review' }], roles: [{ id: reviewer, name: 'reviewers' }], review, reviewer };
}

function stateDb(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'review-e2e-'));
  const db = openDatabase({ stateDir: dir });
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, dir };
}

async function boot(
  server: FakeDiscord,
  g: ReturnType<typeof newsroom>,
  db: Db,
  clock: { t: number },
): Promise<{ plugin: ReviewPlugin; published: Draft[]; stop: () => Promise<void>; logRecords: () => Record<string, unknown>[] }> {
  const published: Draft[] = [];
  const plugin = createReviewPlugin({
    channelId: g.review,
    reviewerRoleId: g.reviewer,
    store: openQueue(db),
    dataset: () => ds,
    clock: () => clock.t,
    cron: null,
    onPublished: (drafts) => void published.push(...drafts),
  });
  const { bot, logRecords } = await startBot(server, { commands: [], dataset: () => ds, plugins: [plugin] });
  let stopped = false;
  const stop = async () => {
    if (!stopped) await bot.stop();
    stopped = true;
  };
  cleanups.push(stop);
  for (let i = 0; i < 200 && !(bot.client.isReady() && bot.client.guilds.cache.has(g.id)); i++) await new Promise((r) => setTimeout(r, 10));
  return { plugin, published, stop, logRecords };
}

async function queue(db: Db, n = 1): Promise<Draft[]> {
  const store = openQueue(db);
  const drafts: Draft[] = [];
  for (let i = 0; i < n; i++)
    drafts.push(
      await store.addDraft({
        articleId: i + 1,
        kind: 'incident',
        record: { ...INCIDENT, id: i === 0 ? INCIDENT.id : `${INCIDENT.id}-${i}` },
        bundle: { source: SOURCE, places: [PLACE], actors: [] },
        duplicateOf: i === 0 ? 'diyala-police-2019-08-22' : null,
        now: T0 - 60_000 + i,
      }),
    );
  return drafts;
}

/** The listener is told after the interaction is answered: wait for it (bounded). */
async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
}

const posts = (server: FakeDiscord, channelId: string) => server.requestsTo('POST', `/channels/${channelId}/messages`);
const posted = (server: FakeDiscord, channelId: string) => (server.channelMessages.get(channelId) ?? []) as unknown as Message[];
const customIds = (m: Message) => m.components.flatMap((r) => r.components.map((c) => c.custom_id));
const callbackOf = (r: RecordedRequest) =>
  r.body as { type: number; data?: { content?: string; flags?: number; embeds?: Embed[]; components?: unknown[]; custom_id?: string; title?: string } };

async function setUp(n = 1) {
  const g = newsroom();
  const server = await new FakeDiscord({ guilds: [g] }).start();
  cleanups.push(() => server.stop());
  const { db } = stateDb();
  const drafts = await queue(db, n);
  const clock = { t: T0 };
  const booted = await boot(server, g, db, clock);
  await booted.plugin.tick();
  return { g, server, db, drafts, clock, ...booted, store: openQueue(db) };
}

describe('the review channel through the local Discord server', () => {
  it('posts each pending draft once, with its article, evidence, fields, possible duplicate and buttons; a restart posts nothing again', async () => {
    const { g, server, db, drafts, clock, plugin, stop, store } = await setUp();
    expect(posts(server, g.review)).toHaveLength(1);
    const req = posts(server, g.review)[0]!;
    expect(req.validation?.errors).toEqual([]);
    expect(req.status).toBe(200);
    const body = req.body as Message & { nonce: string; enforce_nonce: boolean; allowed_mentions: unknown };
    expect(body).toMatchObject({ enforce_nonce: true, allowed_mentions: { parse: [] } });
    const embed = body.embeds[0]!;
    expect(embed.title).toBe(`Draft #${drafts[0]!.id} · incident · ${INCIDENT.summary}`);
    expect(embed.url).toBe(SOURCE.url);
    expect(embed.description).toContain(`[${SOURCE.title}](${SOURCE.url}) — Test Wire, 2026-12-01`);
    expect(embed.description).toContain(`> ${INCIDENT.evidence[0]}`);
    const fields = Object.fromEntries(embed.fields.map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({
      Day: '2026-12-01',
      Place: 'Baqubah market (new place) [exact] — a vegetable market',
      Perpetrator: 'not stated',
      'Killed / injured per group': 'civilians [civilians]: killed 3, injured 7',
      'Possible duplicate': `diyala-police-2019-08-22 — ${ds.incidents.get('diyala-police-2019-08-22')!.summary}`,
      'Published with it (new)': 'place Baqubah market',
    });
    expect(body.components[0]!.components.map((c) => c.label)).toEqual(['Approve', 'Edit', 'Reject']);
    expect(await store.draft(drafts[0]!.id)).toMatchObject({ reviewChannelId: g.review, reviewMessageId: posted(server, g.review)[0]!.id });

    // More ticks, and a draft queued later, told through onDraftsQueued: only the new one is posted.
    await plugin.tick();
    expect(posts(server, g.review)).toHaveLength(1);
    await store.addDraft({
      articleId: 9,
      kind: 'incident',
      record: { ...INCIDENT, id: 'baqubah-market-2026-12-01-b' },
      bundle: { source: SOURCE, places: [], actors: [] },
      now: T0,
    });
    expect(await plugin.onDraftsQueued()).toBe(1);
    expect(posts(server, g.review)).toHaveLength(2);

    // A restart on the same database posts nothing again.
    await stop();
    const again = await boot(server, g, db, clock);
    expect(await again.plugin.tick()).toBe(0);
    expect(posts(server, g.review)).toHaveLength(2);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('a post Discord made but answered with a 500 is resent with its nonce and appears once', async () => {
    const g = newsroom();
    const server = await new FakeDiscord({ guilds: [g] }).start();
    cleanups.push(() => server.stop());
    const { db } = stateDb();
    const [draft] = await queue(db);
    server.injectResponse({ method: 'POST', route: `/channels/${g.review}/messages` }, { status: 500, afterEffect: true });
    const { plugin } = await boot(server, g, db, { t: T0 });
    await plugin.tick();
    if (!(await openQueue(db).draft(draft!.id))!.reviewMessageId) await plugin.tick(); // discord.js may leave the retry to the next pass
    expect(posts(server, g.review).length).toBeGreaterThanOrEqual(2);
    expect(posted(server, g.review)).toHaveLength(1);
    expect((await openQueue(db).draft(draft!.id))!.reviewMessageId).toBe(posted(server, g.review)[0]!.id);
  });

  it('a post a crash left unrecorded, found after the nonce window in the channel, is recorded and not posted again', async () => {
    const g = newsroom();
    const now = { t: T0 };
    const server = await new FakeDiscord({ guilds: [g], now: () => now.t }).start();
    cleanups.push(() => server.stop());
    const { db } = stateDb();
    const [draft] = await queue(db);
    const first = await boot(server, g, db, now);
    await first.plugin.tick();
    await first.stop();
    // The crash: the message was posted, its id never recorded; the restart comes after Discord forgot the nonce.
    db.prepare('UPDATE review_drafts SET review_channel_id = NULL, review_message_id = NULL WHERE id = ?').run(draft!.id);
    now.t += 60 * 60_000;
    const second = await boot(server, g, db, now);
    expect(await second.plugin.tick()).toBe(0);
    expect(posted(server, g.review)).toHaveLength(1);
    expect((await openQueue(db).draft(draft!.id))!.reviewMessageId).toBe(posted(server, g.review)[0]!.id);
  });

  it('a review channel the bot cannot find is logged as an error, and nothing is posted or lost', async () => {
    const g = newsroom();
    const server = await new FakeDiscord({ guilds: [g] }).start();
    cleanups.push(() => server.stop());
    const { db } = stateDb();
    await queue(db);
    const { plugin, logRecords } = await boot(server, { ...g, review: snowflake() }, db, { t: T0 });
    expect(await plugin.tick()).toBe(0);
    expect(server.requestsTo('POST', /\/messages$/)).toEqual([]);
    expect(await openQueue(db).unposted()).toHaveLength(1);
    expect(logRecords().find((l) => l.level === 50 && String(l.msg).startsWith('the review channel (REVIEW_CHANNEL_ID) is in no server'))).toBeTruthy();
  });

  it('a member without the reviewer role is refused, privately, and nothing changes', async () => {
    const { g, server, drafts, store, published } = await setUp();
    const message = posted(server, g.review)[0]!;
    for (const id of customIds(message)) {
      const cb = callbackOf(await server.button(id, { guildId: g.id, channelId: g.review, message: message as never, memberRoles: [] }).callback());
      expect(cb.type).toBe(4);
      expect(cb.data?.flags).toBe(64);
      expect(cb.data?.content).toBe(`Only members with the reviewer role <@&${g.reviewer}> may review drafts. Nothing was changed.`);
    }
    // A modal submitted without the role (a form kept open after the role was taken away): refused too.
    const form = callbackOf(
      await server
        .modalSubmit(customIds(message)[0]!.replace(/^rv:a:/, 'rv:m:'), { killed: '9' }, { guildId: g.id, channelId: g.review, message: message as never })
        .callback(),
    );
    expect(form).toMatchObject({
      type: 4,
      data: { flags: 64, content: `Only members with the reviewer role <@&${g.reviewer}> may review drafts. Nothing was changed.` },
    });
    expect(await store.draft(drafts[0]!.id)).toMatchObject({ status: 'pending', decidedBy: null });
    expect(await store.published()).toEqual([]);
    expect(published).toEqual([]);
    expect(customIds(posted(server, g.review)[0]!)).toHaveLength(3);
  });

  it('a reviewer approves: the record is published, and the message shows who and when, without buttons', async () => {
    const { g, server, drafts, store, published, clock } = await setUp();
    const message = posted(server, g.review)[0]!;
    clock.t = Date.parse('2026-12-03T09:41:00Z');
    const approve = customIds(message)[0]!;
    const cb = await server
      .button(approve, { guildId: g.id, channelId: g.review, message: message as never, memberRoles: [g.reviewer], username: 'dana' })
      .callback();
    expect(cb.validation?.errors).toEqual([]);
    expect(callbackOf(cb).type).toBe(7);
    const now = posted(server, g.review)[0]!;
    expect(now.id).toBe(message.id);
    expect(now.components).toEqual([]);
    expect(now.embeds[0]!.fields.find((f) => f.name === 'Decision')?.value).toBe('Approved by @dana on 2026-12-03 09:41 UTC');
    expect(await store.draft(drafts[0]!.id)).toMatchObject({ status: 'approved', decidedBy: '@dana', decidedAt: clock.t });
    expect((await store.publishedDataset()).incidents).toEqual([INCIDENT]);
    await until(() => published.length > 0);
    expect(published.map((d) => d.id)).toEqual([drafts[0]!.id]);
  });

  it('an approval whose answer Discord refuses (expired) is still published and told; the next click shows the decision', async () => {
    const { g, server, drafts, store, published } = await setUp();
    const message = posted(server, g.review)[0]!;
    const where = { guildId: g.id, channelId: g.review, message: message as never, memberRoles: [g.reviewer] };
    server.injectResponse({ method: 'POST', route: /\/callback$/ }, { status: 404, body: { message: 'Unknown interaction', code: 10062 } });
    await server.button(customIds(message)[0]!, { ...where, username: 'dana' }).callback();
    await until(() => published.length > 0);
    expect(await store.draft(drafts[0]!.id)).toMatchObject({ status: 'approved', decidedBy: '@dana' });
    expect(published.map((d) => d.id)).toEqual([drafts[0]!.id]);
    expect(customIds(posted(server, g.review)[0]!)).toHaveLength(3); // the update never reached Discord

    const late = callbackOf(await server.button(customIds(message)[2]!, { ...where, username: 'lee', userId: '323456789012345678' }).callback());
    expect(late.data?.content).toBe(`Draft #${drafts[0]!.id} was already approved by @dana at 2026-12-03 09:00 UTC. Nothing was changed.`);
    await server.waitForRequest((r) => r.method === 'PATCH' && r.route === `/channels/${g.review}/messages/${message.id}`);
    await until(() => posted(server, g.review)[0]!.components.length === 0);
    expect(posted(server, g.review)[0]!.embeds[0]!.fields.find((f) => f.name === 'Decision')?.value).toBe('Approved by @dana on 2026-12-03 09:00 UTC');
    expect(published).toHaveLength(1);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('two reviewers clicking at the same moment: one decision; the other is told who decided and when', async () => {
    const { g, server, drafts, store, published } = await setUp();
    const message = posted(server, g.review)[0]!;
    const [approve, , reject] = customIds(message);
    const where = { guildId: g.id, channelId: g.review, message: message as never };
    // Both interactions are on the wire before either is answered.
    const a = server.button(approve!, { ...where, memberRoles: [g.reviewer], username: 'dana', userId: '223456789012345678' });
    const b = server.button(reject!, { ...where, memberRoles: [g.reviewer], username: 'lee', userId: '323456789012345678' });
    const [ca, cb] = (await Promise.all([a.callback(), b.callback()])).map(callbackOf);
    const winner = (await store.draft(drafts[0]!.id))!;
    expect(['approved', 'rejected']).toContain(winner.status);
    const [won, lost] = winner.decidedBy === '@dana' ? [ca!, cb!] : [cb!, ca!];
    expect(won.type).toBe(7);
    expect(lost).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(lost.data?.content).toBe(`Draft #${winner.id} was already ${winner.status} by ${winner.decidedBy} at 2026-12-03 09:00 UTC. Nothing was changed.`);
    expect((await store.published()).filter((r) => r.kind === 'incident')).toHaveLength(winner.status === 'approved' ? 1 : 0);
    if (winner.status === 'approved') await until(() => published.length > 0);
    expect(published).toHaveLength(winner.status === 'approved' ? 1 : 0);
    expect(posted(server, g.review)[0]!.components).toEqual([]);
    expect(server.invalidRequests()).toEqual([]);
  });

  it('Edit opens a modal with the draft’s fields; a bad value is refused naming the field; a good one publishes the edited record', async () => {
    const { g, server, drafts, store, published } = await setUp();
    const message = posted(server, g.review)[0]!;
    const where = { guildId: g.id, channelId: g.review, message: message as never, memberRoles: [g.reviewer], username: 'dana' };
    const edit = server.button(customIds(message)[1]!, where);
    const opened = await edit.callback();
    expect(opened.validation?.errors).toEqual([]);
    const modal = server.modalOf(edit.id) as { custom_id: string; components: { components: { custom_id: string; label: string; value: string }[] }[] };
    const inputs = modal.components.map((r) => r.components[0]!);
    expect(inputs.map((i) => [i.custom_id, i.label, i.value])).toEqual([
      ['day', 'Day (YYYY-MM-DD)', '2026-12-01'],
      ['place', 'Place (a name or place id)', 'baqubah-market-test'],
      ['killed', 'Killed (civilians)', '3'],
      ['injured', 'Injured (civilians)', '7'],
      ['summary', 'Summary (one line, our own words)', INCIDENT.summary],
    ]);
    const values = Object.fromEntries(inputs.map((i) => [i.custom_id, i.value]));

    // A value that does not read: refused, naming the field; nothing changes.
    const bad = callbackOf(await server.modalSubmit(modal.custom_id, { ...values, killed: 'three' }, where).callback());
    expect(bad).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(bad.data?.content).toBe('Not approved: Killed (civilians): "three" is not a whole number of people (or "not stated"). Nothing was changed.');
    const badDay = callbackOf(await server.modalSubmit(modal.custom_id, { ...values, day: '2026-02-30' }, where).callback());
    expect(badDay.data?.content).toContain('Not approved: Day (YYYY-MM-DD): "2026-02-30" is not a calendar day');
    // Readable but not a valid record (neither figure stated): the schema's check, naming the field.
    const empty = callbackOf(await server.modalSubmit(modal.custom_id, { ...values, killed: 'not stated', injured: 'not stated' }, where).callback());
    expect(empty.data?.content).toMatch(/^Not approved: edited incident: casualties\.0\.killed a casualty entry needs a killed or an injured figure/);
    expect((await store.draft(drafts[0]!.id))!.status).toBe('pending');
    expect(await store.published()).toEqual([]);
    expect(customIds(posted(server, g.review)[0]!)).toHaveLength(3);

    // Good values: approved with the edited record, the message updated.
    const good = await server.modalSubmit(modal.custom_id, { ...values, killed: '4', injured: 'not stated', place: 'Diyala' }, where).callback();
    expect(good.validation?.errors).toEqual([]);
    expect(callbackOf(good).type).toBe(7);
    const record = (await store.publishedDataset()).incidents[0]!;
    expect(record.casualties[0]).toMatchObject({ killed: 4, injured: null });
    expect(record.placeId).toBe('diyala-province');
    expect(await store.draft(drafts[0]!.id)).toMatchObject({ status: 'approved', edited: true, decidedBy: '@dana' });
    await until(() => published.length > 0);
    expect(published[0]!.record).toEqual(record);
    const shown = posted(server, g.review)[0]!;
    expect(shown.components).toEqual([]);
    expect(shown.embeds[0]!.fields.find((f) => f.name === 'Decision')?.value).toBe('Approved (edited) by @dana on 2026-12-03 09:00 UTC');
    expect(shown.embeds[0]!.fields.find((f) => f.name === 'Killed / injured per group')?.value).toBe('civilians [civilians]: killed 4, injured not stated');
    expect(server.invalidRequests()).toEqual([]);
  });
});
