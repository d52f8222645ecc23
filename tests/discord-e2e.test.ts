/**
 * End to end: the real discord.js client (src/discord) logs in to a local Discord-compatible server
 * (testkit/fake-discord.ts), receives interactions over its gateway and answers over its REST API.
 * Every body the bot sends is validated against Discord's OpenAPI spec; these tests assert the exact bodies.
 */
import { DiscordAPIError, PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { commands } from '../commands/index.ts';
import { replyTo, type CommandModule, type RawOptions } from '../commands/kit/command.ts';
import { parsePageButtonId } from '../commands/kit/page-button.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import { UserError } from '../src/core/user-error.ts';
import { DIGEST_PERMISSIONS, discordChannelCheck } from '../src/digest/discord-plugin.ts';
import { restSender, type DigestMessageBody } from '../src/digest/sender.ts';
import { checkChannel } from '../src/discord/channels.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import type { ReplyPayload } from '../commands/kit/payload.ts';
import { FakeDiscord, snowflake, type RecordedRequest } from '../testkit/fake-discord.ts';
import { configFor, startBot, type StartedBot } from '../testkit/harness.ts';

const ds = loadDataset();
const NOW = new Date('2019-12-31T12:00:00Z');
const ctx = { dataset: () => ds, now: () => NOW };
const byName = new Map(commands.map((c) => [c.definition.name, c]));
const real = (name: string): CommandModule => {
  const c = byName.get(name);
  if (!c) throw new Error(`no /${name} in commands/index.ts`);
  return c;
};

// ---- commands that exist only in these tests, to drive the runtime's edge cases

/** Lets a test hold a handler until it says so (to expire the interaction meanwhile). */
let release: (() => void) | null = null;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

const testCommands: CommandModule[] = [
  {
    definition: { name: 'boom', description: 'Throws an unexpected error' },
    handle: () => {
      throw new Error('database exploded: internal detail');
    },
  },
  {
    definition: { name: 'picky', description: 'Throws a user error', options: [{ type: 3, name: 'date', description: 'A date' }] },
    handle: (o) => {
      throw new UserError(`"${String(o.date)}" is not a date I understand. Try 2019-08-01.`);
    },
  },
  {
    definition: { name: 'slow', description: 'Waits until the test releases it' },
    handle: async () => {
      await new Promise<void>((r) => (release = r));
      return { content: 'finally', allowed_mentions: { parse: [] } };
    },
  },
  {
    definition: {
      name: 'sluggish',
      description: 'Not marked defer, but slower than the auto-defer threshold',
      options: [{ type: 3, name: 'fail', description: 'user error instead' }],
    },
    handle: async (o) => {
      await new Promise((r) => setTimeout(r, 1_300));
      if (o.fail) throw new UserError('Too slow and wrong.');
      return { content: 'late but here', allowed_mentions: { parse: [] } };
    },
  },
  {
    definition: { name: 'render', description: 'A deferred answer with a PNG', options: [{ type: 3, name: 'fail', description: 'user error instead' }] },
    defer: true,
    handle: async (o) => {
      await new Promise((r) => setTimeout(r, 20));
      if (o.fail) throw new UserError('Nothing to draw for that.');
      return {
        embeds: [{ title: 'A chart', image: { url: 'attachment://chart.png' } }],
        files: [{ name: 'chart.png', data: PNG, description: 'Attacks per month' }],
        allowed_mentions: { parse: [] },
      };
    },
  },
  {
    definition: { name: 'many', description: 'Too many, too long suggestions', options: [{ type: 3, name: 'q', description: 'q', autocomplete: true }] },
    handle: () => ({ content: 'ok', allowed_mentions: { parse: [] } }),
    autocomplete: (focused) =>
      Array.from({ length: 40 }, (_, n) => ({ name: `${focused.value} ${'long name '.repeat(15)} ${n}`, value: n === 3 ? 'v'.repeat(101) : `v${n}` })),
  },
  {
    definition: { name: 'toolong', description: 'Returns content Discord would refuse' },
    handle: (): ReplyPayload => ({ content: 'x'.repeat(2001), allowed_mentions: { parse: [] } }),
  },
  {
    definition: { name: 'ping', description: 'Tries to ping everyone' },
    handle: (): ReplyPayload => ({ content: '@everyone <@123456789012345678> look', allowed_mentions: { parse: [] } }),
  },
];

let server: FakeDiscord;
let started: StartedBot;
let guildId: string;
let channelId: string;
let readOnlyChannelId: string;
let noFilesChannelId: string;
let categoryId: string;

beforeAll(async () => {
  guildId = snowflake();
  channelId = snowflake();
  readOnlyChannelId = snowflake();
  noFilesChannelId = snowflake();
  categoryId = snowflake();
  server = await new FakeDiscord({
    // Short, so the heartbeat test is quick; not shorter: discord.js closes a connection whose ack has not
    // arrived by the next beat, and on two busy cores a 150 ms interval made it reconnect mid-test.
    heartbeatIntervalMs: 1_000,
    guilds: [
      {
        id: guildId,
        name: 'Analysts',
        channels: [
          { id: channelId, name: 'general' },
          // @everyone (the role whose id is the guild's) may not send messages here.
          { id: readOnlyChannelId, name: 'announcements', permission_overwrites: [{ id: guildId, type: 0, allow: '0', deny: '2048' }] },
          // @everyone may not attach files here (Attach Files: 1 << 15).
          { id: noFilesChannelId, name: 'no-files', permission_overwrites: [{ id: guildId, type: 0, allow: '0', deny: '32768' }] },
          { id: categoryId, name: 'Text channels', type: 4 },
        ],
      },
    ],
  }).start();
  // Register first, as `npm run deploy-commands` would: Discord then knows every option's type.
  await deployCommands(configFor(server, { guildId }), [...commands, ...testCommands]);
  started = await startBot(server, { commands: [...commands, ...testCommands], dataset: () => ds, now: () => NOW, autoDeferMs: 1_000 });
});

let checkedUpTo = 0;
afterEach(() => {
  // Nothing the bot sent (during this test) may be something Discord would reject.
  const invalid = server.invalidRequests().filter((r) => server.requests.indexOf(r) >= checkedUpTo);
  checkedUpTo = server.requests.length;
  expect(invalid.map((r) => `${r.method} ${r.route}: ${r.validation?.errors.slice(0, 3).join('; ')}`)).toEqual([]);
});

afterAll(async () => {
  await started?.bot.stop();
  await server?.stop();
});

/** The incident ids an /attacks answer lists (each appears as `id` in the embed). */
function shownIds(body: unknown): string[] {
  const ids = new Set(ds.raw.incidents.map((x) => x.id));
  return [...JSON.stringify(body).matchAll(/`([^`\\]+)`/g)].map((m) => m[1]!).filter((id) => ids.has(id));
}

/** Waits (up to 3 s) until `cond` holds; fails the test otherwise. */
async function eventually(cond: () => boolean, timeoutMs = 3_000): Promise<void> {
  await vi.waitFor(() => expect(cond()).toBe(true), { timeout: timeoutMs, interval: 10 });
}

/** What discord.js sends for a ReplyPayload: exactly the handler's message, never any mentions. */
function messageBody(p: ReplyPayload, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...(p.content !== undefined ? { content: p.content } : {}),
    tts: false,
    enforce_nonce: false,
    embeds: p.embeds ?? [],
    components: p.components ?? [],
    allowed_mentions: { parse: [] },
    ...(p.flags ? { flags: p.flags } : {}),
    attachments: [],
    ...extra,
  };
}

async function expected(name: string, options: RawOptions): Promise<ReplyPayload> {
  return replyTo(real(name), options, { ...ctx, invocation: { guildId, channelId, userId: '123456789012345678', locale: 'en-US' } });
}

describe('login and registration', () => {
  test('the client fetches the gateway from the API it was given, identifies with the token and its shard', () => {
    const gw = server.requestsTo('GET', '/gateway/bot');
    expect(gw.length).toBeGreaterThanOrEqual(1);
    expect(gw[0]!.headers.authorization).toBe(`Bot ${server.token}`);
    const s = server.sessions[0]!;
    expect(s.identify).toMatchObject({ token: server.token, shard: [0, 1], intents: 1 });
    expect(started.bot.client.isReady()).toBe(true);
    expect(started.bot.client.guilds.cache.map((g) => g.id)).toEqual([guildId]);
    expect(started.bot.client.application?.id).toBe(server.applicationId);
  });

  test('heartbeats are sent and acknowledged', async () => {
    const s = server.sessions[0]!;
    await vi.waitFor(() => expect(s.heartbeats).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 50 });
    expect(started.bot.client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  test('deploy-commands PUTs every definition to the guild, and globally without DISCORD_GUILD_ID', async () => {
    const guildPut = server.requestsTo('PUT', `/applications/${server.applicationId}/guilds/${guildId}/commands`)[0]!;
    expect(guildPut.body).toEqual([...commands, ...testCommands].map((c) => c.definition));
    expect(guildPut.headers.authorization).toBe(`Bot ${server.token}`);

    const result = await deployCommands(configFor(server), commands);
    expect(result.scope).toBe('global');
    const globalPut = server.requestsTo('PUT', `/applications/${server.applicationId}/commands`).at(-1)!;
    expect(globalPut.body).toEqual(commands.map((c) => c.definition));
    expect(result.registered.map((c) => c.name)).toEqual(commands.map((c) => c.definition.name));
    for (const c of result.registered) {
      expect(c.id).toMatch(/^\d{17,19}$/);
      expect(c.application_id).toBe(server.applicationId);
      expect(c.version).toMatch(/^\d+$/);
    }
  });
});

describe('gateway reconnect', () => {
  test('asked to reconnect (op 7), the client resumes its session on a new connection and keeps answering', async () => {
    const before = server.sessions.length;
    const current = server.sessions.find((s) => s.ready)!;
    server.requestReconnect(current);
    await eventually(() => server.sessions.length > before && server.sessions.at(-1)!.ready, 10_000);
    const resumed = server.sessions.at(-1)!;
    expect(resumed.resumed).toBe(true);
    expect(resumed.identify).toBe(current.identify);
    expect(current.ready).toBe(false);
    const cb = await server.chatInput('help').callback();
    expect(cb.status).toBe(204);
  });
});

describe('commands', () => {
  test('/attacks syria answers with the incidents in Syria, exactly as the handler built them', async () => {
    const i = server.chatInput('attacks', { place: 'syria' });
    const cb = await i.callback();
    const want = await expected('attacks', { place: 'syria' });
    expect(cb.status).toBe(204);
    expect(cb.body).toEqual({ type: 4, data: messageBody(want) });
    // The right incidents, checked against the raw dataset: all shown are in Syria and involve the dataset's
    // focus actor (the default), they are the newest such, and the totals count every one of them.
    const inSyria = new Set(ds.gazetteer.descendants('syria').concat('syria'));
    const focus = ds.focus!.actorId;
    const syrian = ds.raw.incidents.filter((x) => inSyria.has(x.placeId) && (x.perpetratorId === focus || x.casualties.some((c) => c.actorId === focus)));
    const shown = shownIds(cb.body);
    expect(shown.length).toBeGreaterThan(0);
    const byId = new Map(ds.raw.incidents.map((x) => [x.id, x]));
    for (const id of shown) expect(inSyria.has(byId.get(id)!.placeId), id).toBe(true);
    const oldestShown = shown.map((id) => byId.get(id)!.date.date).sort()[0]!;
    const newerNotShown = syrian.filter((x) => x.date.date > oldestShown && !shown.includes(x.id));
    expect(newerNotShown.map((x) => x.id)).toEqual([]);
    expect(JSON.stringify(cb.body)).toContain(`Totals over ${syrian.length.toLocaleString('en-US')} incident`);
  });

  test('/quote pompeo answers with his quotations', async () => {
    const cb = await server.chatInput('quote', { person: 'pompeo' }).callback();
    const want = await expected('quote', { person: 'pompeo' });
    expect(cb.body).toEqual({ type: 4, data: messageBody(want) });
    const data = (cb.body as { data: { embeds: { title: string }[] } }).data;
    expect(data.embeds[0]!.title).toContain('Mike Pompeo');
  });

  test('an unknown place gets the handler\'s ephemeral "did you mean" reply, sent as given', async () => {
    const cb = await server.chatInput('attacks', { place: 'atlantis' }).callback();
    const want = await expected('attacks', { place: 'atlantis' });
    expect(want.flags).toBe(64);
    expect(cb.body).toEqual({ type: 4, data: messageBody(want) });
  });

  test('a second page via the button carries the query and updates the message in place (type 7)', async () => {
    const first = server.chatInput('attacks', { place: 'syria', limit: 1 });
    const cb = await first.callback();
    const rows = (cb.body as { data: { components: { components: { custom_id: string; disabled?: boolean }[] }[] } }).data.components;
    const next = rows[0]!.components.find((b) => b.custom_id.startsWith('pg:') && !b.disabled)!;
    expect(next.custom_id).toContain('n=2');

    const click = server.button(next.custom_id, { message: server.originalMessage(first.id)! });
    const upd = await click.callback();
    const parsed = parsePageButtonId(next.custom_id, new Map(commands.map((c) => [c.definition.name, c])))!;
    const want = await expected(parsed.command, parsed.options);
    expect(upd.body).toEqual({ type: 7, data: messageBody({ ...want, content: want.content ?? '' }) });
    expect(JSON.stringify(upd.body)).toContain('Page 2 of');
    // Page 2 shows the next incident, not page 1's again.
    const [one, two] = [shownIds(cb.body), shownIds(upd.body)];
    expect(one).toHaveLength(1);
    expect(two).toHaveLength(1);
    expect(two[0]).not.toBe(one[0]);
    const byId = new Map(ds.raw.incidents.map((x) => [x.id, x]));
    expect(byId.get(two[0]!)!.date.date <= byId.get(one[0]!)!.date.date).toBe(true);
  });

  test('a command Discord still lists but this version no longer has gets an ephemeral notice', async () => {
    const cb = await server.chatInput('retired').callback();
    expect(cb.body).toEqual({ type: 4, data: messageBody({ content: '/retired is not available any more.', flags: 64, allowed_mentions: { parse: [] } }) });
  });

  test('a disabled "noop:" label, if clicked anyway, is acknowledged without changing the message', async () => {
    const cb = await server.button('noop:attacks:1').callback();
    expect(cb.body).toEqual({ type: 6 });
  });

  test('nothing the bot says can ping: allowed_mentions has no parse, even for @everyone in content', async () => {
    const cb = await server.chatInput('ping').callback();
    expect((cb.body as { data: { allowed_mentions: unknown } }).data.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('autocomplete', () => {
  test("places: the handler's suggestions, answered with type 8", async () => {
    const cb = await server.autocomplete('attacks', { place: 'sy' }, 'place').callback();
    const want = await real('attacks').autocomplete!({ name: 'place', value: 'sy' }, {}, ctx);
    expect(cb.body).toEqual({ type: 8, data: { choices: want } });
    expect(want).toContainEqual({ name: 'Syria', value: 'syria' });
  });

  test('people and incident ids', async () => {
    const q = await server.autocomplete('quote', { person: 'pom' }, 'person').callback();
    expect((q.body as { data: { choices: { value: string }[] } }).data.choices.map((c) => c.value)).toContain('mike-pompeo');
    const someId = ds.raw.incidents[0]!.id;
    const inc = await server.autocomplete('incident', { id: someId.slice(0, 6) }, 'id').callback();
    const want = await real('incident').autocomplete!({ name: 'id', value: someId.slice(0, 6) }, {}, ctx);
    expect(inc.body).toEqual({ type: 8, data: { choices: want } });
    expect(want.length).toBeGreaterThan(0);
  });

  test('at most 25 choices, names cut to 100 characters, values over 100 dropped', async () => {
    const cb = await server.autocomplete('many', { q: 'x' }, 'q').callback();
    const choices = (cb.body as { data: { choices: { name: string; value: string }[] } }).data.choices;
    expect(choices).toHaveLength(25);
    for (const c of choices) expect(c.name.length).toBeLessThanOrEqual(100);
    expect(choices.map((c) => c.value)).not.toContain('v'.repeat(101));
    expect(choices[0]!.value).toBe('v0');
  });
});

describe('errors', () => {
  test('an unexpected error: logged with the interaction id, the user sees a short ephemeral message quoting it', async () => {
    const i = server.chatInput('boom');
    const cb = await i.callback();
    expect(cb.body).toEqual({
      type: 4,
      data: messageBody({
        content: `Something went wrong on our side and it has been logged. If it keeps happening, report this id: \`${i.id}\``,
        flags: 64,
        allowed_mentions: { parse: [] },
      }),
    });
    expect(JSON.stringify(cb.body)).not.toContain('database exploded');
    await eventually(() => started.logRecords().some((l) => l.interactionId === i.id && l.level === 50));
    const logged = started.logRecords().find((l) => l.interactionId === i.id && l.level === 50);
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toContain('database exploded');
  });

  test('a user error: its plain-language message, ephemeral, and no error logged', async () => {
    const i = server.chatInput('picky', { date: 'yesterday-ish' });
    const cb = await i.callback();
    expect(cb.body).toEqual({
      type: 4,
      data: messageBody({ content: '"yesterday-ish" is not a date I understand. Try 2019-08-01.', flags: 64, allowed_mentions: { parse: [] } }),
    });
    expect(started.logRecords().some((l) => l.interactionId === i.id && (l.level as number) >= 50)).toBe(false);
  });

  test('a reply Discord refuses (400/50035: content over 2000) is logged, and the user gets the short error message instead', async () => {
    const i = server.chatInput('toolong');
    const ok = await server.waitForRequest((r) => r.route === `/interactions/${i.id}/${i.token}/callback` && r.status === 204);
    const attempts = server.requests.filter((r) => r.route === `/interactions/${i.id}/${i.token}/callback`);
    expect(attempts.map((r) => r.status)).toEqual([400, 204]);
    expect(attempts[0]!.validation?.errors.join(' ')).toMatch(/content.*maxLength|must NOT have more than 2000/);
    expect((ok.body as { data: { content: string; flags: number } }).data).toMatchObject({ flags: 64, content: expect.stringContaining(i.id) });
    await eventually(() => started.logRecords().some((l) => l.interactionId === i.id && l.level === 50 && JSON.stringify(l).includes('50035')));
    // The refused body was the point of this test; later checks look at what follows.
    checkedUpTo = server.requests.length;
  });

  test('a 429 on the callback is retried after Retry-After, with the same body', async () => {
    server.injectResponse((r) => r.method === 'POST' && r.route.endsWith('/callback'), {
      status: 429,
      headers: { 'retry-after': '0.3', 'x-ratelimit-scope': 'user', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '0.3' },
      body: { message: 'You are being rate limited.', retry_after: 0.3, global: false },
    });
    const i = server.chatInput('attacks', { place: 'syria' });
    const isCb = (r: RecordedRequest) => r.route === `/interactions/${i.id}/${i.token}/callback`;
    await server.waitForRequest((r) => isCb(r) && r.status === 204);
    const attempts = server.requests.filter(isCb);
    expect(attempts.map((r) => r.status)).toEqual([429, 204]);
    expect(attempts[0]!.body).toEqual({ type: 4, data: messageBody(await expected('attacks', { place: 'syria' })) });
    expect(attempts[1]!.body).toEqual(attempts[0]!.body);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(250);
  });

  test('a 500 on the callback is retried', async () => {
    server.injectResponse((r) => r.method === 'POST' && r.route.endsWith('/callback'), { status: 500 });
    const i = server.chatInput('help');
    const isCb = (r: RecordedRequest) => r.route === `/interactions/${i.id}/${i.token}/callback`;
    await server.waitForRequest((r) => isCb(r) && r.status === 204);
    expect(server.requests.filter(isCb).map((r) => r.status)).toEqual([500, 204]);
  });

  test('an expired interaction (10062) is logged as such, not crashed on, and the bot keeps answering', async () => {
    const i = server.chatInput('slow');
    await vi.waitFor(() => expect(release).not.toBeNull(), { timeout: 10_000, interval: 5 });
    server.expireInteraction(i.id);
    release!();
    release = null;
    const cb = await i.callback();
    expect(cb.status).toBe(404);
    await new Promise((r) => setTimeout(r, 50));
    // The only attempt: no error message sent after the failed answer, nothing logged as an error.
    expect(server.requests.filter((r) => r.route.includes(i.token))).toHaveLength(1);
    await eventually(() => started.logRecords().some((l) => l.interactionId === i.id && l.level === 40 && l.code === 10062));
    expect(started.logRecords().some((l) => l.interactionId === i.id && (l.level as number) >= 50)).toBe(false);
    const after = await server.chatInput('help').callback();
    expect(after.status).toBe(204);
  });

  test('"already acknowledged" (40060, e.g. answered by another process) is not crashed on', async () => {
    server.injectResponse((r) => r.method === 'POST' && r.route.endsWith('/callback'), {
      status: 400,
      body: { message: 'Interaction has already been acknowledged.', code: 40060 },
    });
    const i = server.chatInput('help');
    const cb = await i.callback();
    expect(cb.status).toBe(400);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests.filter((r) => r.route.includes(i.token))).toHaveLength(1);
    await eventually(() => started.logRecords().some((l) => l.interactionId === i.id && l.code === 40060));
    expect(started.bot.client.isReady()).toBe(true);
  });
});

describe('deferred answers and files', () => {
  test('a deferred command: type 5 first, then the answer PATCHed to @original with the PNG as files[0]', async () => {
    const i = server.chatInput('render');
    const cb = await i.callback();
    // Public "thinking…": no ephemeral flag.
    expect(cb.body).toEqual({ type: 5, data: { flags: 0 } });
    const edit = await i.editedOriginal();
    expect(edit.path).toBe(`/api/v10/webhooks/${server.applicationId}/${i.token}/messages/%40original`);
    expect(edit.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]).toMatchObject({ name: 'files[0]', filename: 'chart.png' });
    expect(edit.files[0]!.data.equals(PNG)).toBe(true);
    expect(edit.body).toMatchObject({
      content: '',
      embeds: [{ title: 'A chart', image: { url: 'attachment://chart.png' } }],
      allowed_mentions: { parse: [] },
      attachments: [{ id: '0', description: 'Attacks per month' }],
    });
    expect(edit.status).toBe(200);
  });

  test('the real /map: deferred, then its PNG uploaded as an attachment the embed refers to', async () => {
    const i = server.chatInput('map', { place: 'diyala' });
    expect((await i.callback()).body).toEqual({ type: 5, data: { flags: 0 } });
    // The edit, or (if the handler failed) the ephemeral follow-up, whose text then explains the failure.
    const edit = await server.waitForRequest(
      (r) => (r.method === 'PATCH' || r.method === 'POST') && r.route.startsWith(`/webhooks/${server.applicationId}/${i.token}`),
      20_000,
    );
    expect(edit.method, JSON.stringify(edit.body)).toBe('PATCH');
    const want = await expected('map', { place: 'diyala' });
    expect(want.files?.length).toBeGreaterThan(0);
    expect(edit.status).toBe(200);
    expect(edit.files.map((f) => [f.name, f.filename])).toEqual(want.files!.map((f, n) => [`files[${n}]`, f.name]));
    for (const [n, f] of edit.files.entries()) {
      expect(f.data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // a PNG
      expect(f.data.equals(want.files![n]!.data)).toBe(true);
    }
    expect(edit.body).toMatchObject({ embeds: want.embeds, allowed_mentions: { parse: [] } });
  }, 30_000);

  test('a handler slower than the auto-defer threshold is deferred meanwhile, then its answer edited in', async () => {
    const i = server.chatInput('sluggish');
    const cb = await i.callback();
    expect(cb.body).toEqual({ type: 5, data: { flags: 0 } });
    const edit = await i.editedOriginal();
    expect(edit.body).toMatchObject({ content: 'late but here', allowed_mentions: { parse: [] } });
    expect(edit.at - cb.at).toBeGreaterThanOrEqual(250);
  });

  test('a user error after a public deferral: the placeholder is removed and the message goes ephemeral', async () => {
    const i = server.chatInput('render', { fail: 'yes' });
    await i.callback();
    const follow = await server.waitForRequest((r) => r.method === 'POST' && r.route === `/webhooks/${server.applicationId}/${i.token}`);
    expect(server.requests.some((r) => r.method === 'DELETE' && r.route === `/webhooks/${server.applicationId}/${i.token}/messages/@original`)).toBe(true);
    expect(follow.body).toMatchObject({ content: 'Nothing to draw for that.', flags: 64, allowed_mentions: { parse: [] } });
  });
});

describe('posting to channels (for the digest)', () => {
  const body: DigestMessageBody = {
    content: 'Daily digest',
    embeds: [{ title: 'Yesterday' }],
    allowed_mentions: { parse: [] },
    nonce: 'digest-2019-12-30',
    enforce_nonce: true,
  };

  test("checkChannel reads the channel; the digest's sender posts the body as it is, no mentions", async () => {
    const client = await started.bot.ready();
    const check = await checkChannel(client, channelId, { guildId, permissions: DIGEST_PERMISSIONS });
    expect(check.ok).toBe(true);
    const sent = await restSender(client.rest).send(channelId, body);
    expect(sent.id).toMatch(/^\d{17,19}$/);
    const post = server.requestsTo('POST', `/channels/${channelId}/messages`).at(-1)!;
    expect(post.body).toEqual(body);
    expect(server.channelMessages.get(channelId)?.at(-1)?.id).toBe(sent.id);
  });

  test('enforce_nonce: the same nonce posted twice (a retried digest) yields the first message, not a second one', async () => {
    const client = await started.bot.ready();
    const body = { content: 'once only', allowed_mentions: { parse: [] }, nonce: 'digest-2019-12-31', enforce_nonce: true };
    const a = (await client.rest.post(`/channels/${channelId}/messages`, { body })) as { id: string };
    const b = (await client.rest.post(`/channels/${channelId}/messages`, { body })) as { id: string };
    expect(b.id).toBe(a.id);
    expect(server.channelMessages.get(channelId)!.filter((m) => m.content === 'once only')).toHaveLength(1);
  });

  test('checkChannel reads permission overwrites: a channel where @everyone may not send is refused, naming the permission', async () => {
    const client = await started.bot.ready();
    const check = await checkChannel(client, readOnlyChannelId, { permissions: DIGEST_PERMISSIONS });
    // Only that one: the bot's other permissions come through from its role.
    expect(check).toMatchObject({ ok: false, reason: 'missing-permissions', missing: ['Send Messages'], detail: 'the bot lacks Send Messages there' });
    expect(await discordChannelCheck(client, guildId, readOnlyChannelId)).toEqual({ ok: false, problem: 'the bot lacks Send Messages there' });
  });

  test("the permissions checked are the caller's: the digest (embeds, no files) may post where Attach Files is denied", async () => {
    const client = await started.bot.ready();
    expect(await discordChannelCheck(client, guildId, noFilesChannelId)).toEqual({ ok: true });
    const withFiles = await checkChannel(client, noFilesChannelId, { permissions: [...DIGEST_PERMISSIONS, PermissionFlagsBits.AttachFiles] });
    expect(withFiles).toMatchObject({ ok: false, reason: 'missing-permissions', missing: ['Attach Files'] });
  });

  test('a channel of another server, and one that is not a text channel, are refused in plain words', async () => {
    const client = await started.bot.ready();
    expect(await discordChannelCheck(client, snowflake(), channelId)).toEqual({ ok: false, problem: 'that channel is not in this server' });
    expect(await checkChannel(client, categoryId, { guildId, permissions: DIGEST_PERMISSIONS })).toMatchObject({ ok: false, reason: 'not-text' });
    expect(await discordChannelCheck(client, guildId, categoryId)).toEqual({ ok: false, problem: 'it is not a text, announcement, thread or forum channel' });
  });

  test('an unknown channel is reported by checkChannel and rejects the send with 10003', async () => {
    const client = await started.bot.ready();
    const unknown = snowflake();
    expect(await checkChannel(client, unknown, { permissions: DIGEST_PERMISSIONS })).toMatchObject({ ok: false, reason: 'unknown-channel' });
    await expect(restSender(client.rest).send(unknown, body)).rejects.toMatchObject({ code: 10003, status: 404 });
  });

  test('403 Missing Permissions (50013) surfaces as a DiscordAPIError the caller can act on', async () => {
    const client = await started.bot.ready();
    server.injectResponse({ method: 'POST', route: `/channels/${channelId}/messages` }, { status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    const err = await restSender(client.rest)
      .send(channelId, body)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).code).toBe(50013);
  });

  test('rate-limit headers are obeyed: an exhausted bucket delays the next request until its reset', async () => {
    const client = await started.bot.ready();
    server.injectResponse(
      { method: 'POST', route: `/channels/${channelId}/messages` },
      {
        status: 200,
        body: server.message(channelId, { content: 'x' }),
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': '0.4',
          'x-ratelimit-reset': String(Date.now() / 1000 + 0.4),
          'x-ratelimit-limit': '5',
        },
      },
    );
    const sender = restSender(client.rest);
    await sender.send(channelId, { ...body, content: 'one', nonce: 'rate-1' });
    await sender.send(channelId, { ...body, content: 'two', nonce: 'rate-2' });
    const posts = server.requestsTo('POST', `/channels/${channelId}/messages`).slice(-2);
    expect((posts[0]!.body as { content: string }).content).toBe('one');
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(300);
  });
});

describe('over the whole run', () => {
  test('every message body and callback carries allowed_mentions with no parse', () => {
    const messageBodies = server.requests.filter(
      (r) => (r.method === 'POST' || r.method === 'PATCH') && /\/(callback|messages(\/@original)?|webhooks\/\d+\/[^/]+)$/.test(r.route),
    );
    expect(messageBodies.length).toBeGreaterThan(10);
    for (const r of messageBodies) {
      const body = r.body as { type?: number; data?: { allowed_mentions?: unknown }; allowed_mentions?: unknown };
      if (body.type === 8 || body.type === 6 || body.type === 5) continue; // no message in these
      const am = r.route.endsWith('/callback') ? body.data?.allowed_mentions : body.allowed_mentions;
      expect(am, `${r.method} ${r.route}`).toEqual({ parse: [] });
    }
  });

  test('the logs never contain the bot token, nor any interaction token', () => {
    expect(started.logs.length).toBeGreaterThan(5);
    const all = started.logs.join('\n');
    expect(all).not.toContain(server.token);
    const interactionTokens = [...new Set(server.requests.map((r) => /^\/interactions\/\d+\/([^/]+)\//.exec(r.route)?.[1]).filter(Boolean))];
    expect(interactionTokens.length).toBeGreaterThan(10);
    for (const t of interactionTokens) expect(all).not.toContain(t!);
    // The errors were logged, though, with what matters: the route and Discord's code.
    expect(all).toContain('/interactions/');
    expect(all).toContain('[token]');
  });
});
