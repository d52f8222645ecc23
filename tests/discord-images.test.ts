/**
 * /map and /chart end to end: the real discord.js client (src/discord) against the local
 * Discord-compatible server (testkit/fake-discord.ts). A picture command is deferred publicly,
 * then its answer is PATCHed to @original as multipart/form-data: payload_json with the embed that
 * points at attachment://<name>, and the PNG as files[0]. Every body is validated against Discord's
 * OpenAPI spec by the server. Data: the fixed picture fixture (tests/render-fixture.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { commands } from '../commands/index.ts';
import { replyTo, type RawOptions } from '../commands/kit/command.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import type { ReplyPayload } from '../commands/kit/payload.ts';
import { decodePng, pngSize } from '../testkit/png.ts';
import { FakeDiscord, type RecordedRequest } from '../testkit/fake-discord.ts';
import { configFor, startBot, type StartedBot } from '../testkit/harness.ts';
import { fixtureContext, fixtureDataset } from './render-fixture.ts';

const ds = fixtureDataset();
const NOW = new Date('2019-10-01T09:00:00Z');
const ctx = fixtureContext(ds, NOW);

let server: FakeDiscord;
let started: StartedBot;

beforeAll(async () => {
  server = await new FakeDiscord().start();
  await deployCommands(configFor(server, { guildId: server.guilds[0]!.id }), commands);
  started = await startBot(server, { commands, dataset: () => ds, now: () => NOW });
  await started.bot.ready();
  await server.waitForSessions(1);
});

let checkedUpTo = 0;
afterEach(() => {
  // Nothing the bot sent during the test may be something Discord would reject.
  const invalid = server.invalidRequests().filter((r) => server.requests.indexOf(r) >= checkedUpTo);
  checkedUpTo = server.requests.length;
  expect(invalid.map((r) => `${r.method} ${r.route}: ${r.validation?.errors.slice(0, 3).join('; ')}`)).toEqual([]);
});

afterAll(async () => {
  await started?.bot.stop();
  await server?.stop();
});

/** What the handler answers by itself, called directly: the bytes Discord must receive. */
async function direct(name: string, options: RawOptions): Promise<ReplyPayload> {
  const cmd = commands.find((c) => c.definition.name === name)!;
  return replyTo(cmd, options, ctx);
}

/** The request that answers a deferred interaction: the edit of @original, or an ephemeral follow-up. */
function answerTo(token: string): Promise<RecordedRequest> {
  return server.waitForRequest(
    (r) => (r.method === 'PATCH' || r.method === 'POST') && r.route.startsWith(`/webhooks/${server.applicationId}/${token}`),
    20_000,
  );
}

describe.each([
  ['map', { place: 'syria' }, 'map.png'],
  ['chart', { place: 'syria', by: 'month' }, 'chart.png'],
] as const)('/%s through Discord', (name, options, file) => {
  test('is deferred publicly, then its PNG is uploaded as a multipart attachment the embed shows', async () => {
    const i = server.chatInput(name, options);
    const cb = await i.callback();
    expect(cb.body).toEqual({ type: 5, data: { flags: 0 } });

    const edit = await answerTo(i.token);
    expect(edit.method, JSON.stringify(edit.body)).toBe('PATCH');
    expect(edit.route).toBe(`/webhooks/${server.applicationId}/${i.token}/messages/@original`);
    expect(edit.status).toBe(200);
    expect(edit.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(edit.parts.map((p) => p.name).sort()).toEqual(['files[0]', 'payload_json']);

    // The file part: our PNG, byte for byte, and a PNG that decodes to the size we drew.
    const want = await direct(name, options);
    const sent = edit.files[0]!;
    expect(sent.filename).toBe(file);
    expect(sent.data.equals(want.files![0]!.data)).toBe(true);
    const { width, height } = pngSize(sent.data);
    expect(width).toBe(1000);
    expect(decodePng(sent.data).rgba.length).toBe(width * height * 4);

    // payload_json: the summary as text, the embed pointing at the attachment, its alt text, no mentions.
    expect(edit.body).toMatchObject({
      content: want.content,
      embeds: [{ title: want.embeds![0]!.title, image: { url: `attachment://${file}` } }],
      attachments: [{ id: '0', description: want.content }],
      allowed_mentions: { parse: [] },
    });
    expect(want.content).toMatch(/^(Map of incidents|Chart of killed and injured) in Syria.*6 incidents: 52 killed, 6 injured/);

    // The message as Discord now holds it: the attachment exists under the name the embed refers to.
    const message = server.originalMessage(i.id) as { attachments: { filename: string; size: number }[]; embeds: { image?: { url: string } }[] };
    expect(message.attachments).toEqual([expect.objectContaining({ filename: file, size: sent.data.length })]);
    expect(message.embeds[0]!.image!.url).toBe(`attachment://${file}`);
  });

  test('an empty selection is answered in words: a JSON edit, no upload', async () => {
    const i = server.chatInput(name, { ...options, from: '2020-01-01' });
    await i.callback();
    const edit = await answerTo(i.token);
    expect(edit.method).toBe('PATCH');
    expect(edit.headers['content-type']).toMatch(/^application\/json/);
    expect(edit.files).toEqual([]);
    expect(edit.body).toMatchObject({ content: expect.stringMatching(/^No incidents in Syria for 1 Jan 2020 – /), embeds: [] });
  });

  test('an unknown place: the public placeholder goes, "did you mean" comes only to the asker', async () => {
    const i = server.chatInput(name, { place: 'alepo x' });
    await i.callback();
    const follow = await answerTo(i.token);
    expect(follow.method).toBe('POST');
    expect(follow.body).toMatchObject({ content: expect.stringContaining('Did you mean'), flags: 64 });
    expect(server.requests.some((r) => r.method === 'DELETE' && r.route === `/webhooks/${server.applicationId}/${i.token}/messages/@original`)).toBe(true);
  });
});
