/**
 * Who may change server state, and what of a user's text comes back, end to end: the real discord.js client with the digest plugin against the
 * local Discord-compatible server, invoked by a member whose permissions are "0" (an admin may have given
 * the whole /digest command to such a role) and by one with Manage Server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attacks } from '../commands/attacks.ts';
import { digest } from '../commands/digest/index.ts';
import { createDigestPlugin, type DigestPlugin } from '../src/digest/discord-plugin.ts';
import { openDatabase } from '../src/storage/db.ts';
import { FakeDiscord, snowflake } from '../testkit/fake-discord.ts';
import { startBot, type StartedBot } from '../testkit/harness.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const NOBODY = '0';
const MANAGE_SERVER = '32';

describe('configuration actions check the member at run time', () => {
  let server: FakeDiscord;
  let bot: StartedBot;
  let plugin: DigestPlugin;
  const guildId = snowflake();
  const news = snowflake();
  const db = openDatabase({ memory: true });

  beforeAll(async () => {
    server = await new FakeDiscord({
      guilds: [
        {
          id: guildId,
          name: 'Guild',
          channels: [
            { id: snowflake(), name: 'general' },
            { id: news, name: 'news' },
          ],
        },
      ],
    }).start();
    const ds = seedDataset();
    const now = () => new Date('2019-08-22T12:00:00Z');
    plugin = createDigestPlugin({ db, dataset: () => ds, clock: now, cron: null });
    bot = await startBot(server, { commands: [attacks, digest], dataset: () => ds, now, plugins: [plugin] });
  });
  afterAll(async () => {
    await bot?.bot.stop();
    await server?.stop();
    if (db.open) db.close();
  });

  const answer = async (sent: { callback: () => Promise<{ body: unknown }> }) =>
    (await sent.callback()).body as { type: number; data?: { content?: string; flags?: number } };
  const set = { subcommand: 'set', channel: news, time: '08:00', timezone: 'UTC' };

  it('/digest set and /digest off from a member with permissions "0" are refused, privately, and change nothing', async () => {
    const r = await answer(server.chatInput('digest', set, { guildId, memberPermissions: NOBODY }));
    expect(r.data?.flags).toBe(64);
    expect(r.data?.content).toContain('needs the Manage Server permission');
    expect(await plugin.store()!.getSubscription(guildId)).toBeNull();

    expect((await answer(server.chatInput('digest', set, { guildId, memberPermissions: MANAGE_SERVER }))).data?.content).toContain(
      'Set up: the daily digest goes to',
    );
    const off = await answer(server.chatInput('digest', { subcommand: 'off' }, { guildId, memberPermissions: NOBODY }));
    expect(off.data?.content).toContain('needs the Manage Server permission');
    expect(await plugin.store()!.getSubscription(guildId)).toMatchObject({ enabled: true, channelId: news });
    // Reading the settings changes nothing: anyone the command is open to may.
    const status = await answer(server.chatInput('digest', { subcommand: 'status' }, { guildId, memberPermissions: NOBODY }));
    expect(status.data?.content).toContain('**State:** on');
  });

  it('a forged page button for /digest is refused, never run', async () => {
    for (const id of ['pg:digest?subcommand=off', `pg:digest?subcommand=set&channel=${news}&time=09:00&timezone=UTC`]) {
      const r = await answer(server.button(id, { guildId, memberPermissions: NOBODY }));
      expect(r.data?.flags).toBe(64);
      expect(r.data?.content).toBe('This button is not one this bot can answer (an old or altered button): nothing was done.');
    }
    expect(await plugin.store()!.getSubscription(guildId)).toMatchObject({ enabled: true, time: '08:00' });
  });

  it('a page button carrying an option its command does not take is refused', async () => {
    const r = await answer(server.button('pg:attacks?p=syria&subcommand=off&n=2', { guildId, memberPermissions: NOBODY }));
    expect(r.data?.content).toBe('This button is not one this bot can answer (an old or altered button): nothing was done.');
  });

  it('what a user typed comes back escaped, capped and only to them', async () => {
    const r = await answer(server.chatInput('attacks', { place: '[Official notice](https://example.org) **now**' }, { guildId, memberPermissions: NOBODY }));
    expect(r.data?.flags).toBe(64);
    expect(r.data?.content).toContain('"\\[Official notice](https://example.org) \\*\\*now\\*\\*"');
    const long = await answer(server.chatInput('x'.repeat(50_000), {}, { guildId }));
    expect(long.data?.flags).toBe(64);
    expect(long.data!.content!.length).toBeLessThanOrEqual(60);
    expect(long.data?.content).toMatch(/^\/x+… is not available any more\.$/);
  });
});
