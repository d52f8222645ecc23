/** /alerts handlers: the same handler the Discord runtime and the console call, with the console's services (in-memory SQLite). */
import { beforeEach, describe, expect, it } from 'vitest';
import { alerts } from '../commands/alerts/index.ts';
import { replyTo } from '../commands/kit/command.ts';
import type { CommandContext, RawOptions } from '../commands/kit/context.ts';
import type { ChannelCheckResult } from '../commands/kit/services.ts';
import { UserError } from '../src/core/user-error.ts';
import { createConsoleServices } from '../src/digest/console-services.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const GUILD = '900000000000000001';
const CHANNEL = '900000000000000002';
const ROLE = '900000000000000003';
const MANAGE_SERVER = '32';
const ds = seedDataset();

let services: ReturnType<typeof createConsoleServices>;
let channelAnswer: ChannelCheckResult;
const checked: string[] = [];

beforeEach(() => {
  channelAnswer = { ok: true };
  checked.length = 0;
  services = createConsoleServices({
    checkChannel: async (_g, c) => {
      checked.push(c);
      return channelAnswer;
    },
  });
});

const ctx = (memberPermissions: string | null = MANAGE_SERVER): CommandContext => ({
  dataset: () => ds,
  now: () => new Date('2026-12-03T09:00:00Z'),
  invocation: { guildId: GUILD, channelId: CHANNEL, userId: '900000000000000009', memberPermissions },
  services,
});
const run = async (options: RawOptions, c = ctx()) => (await replyTo(alerts, options, c)).content ?? '';

describe('/alerts', () => {
  it('a misspelt place is read as /attacks reads it', async () => {
    expect(await run({ subcommand: 'set', channel: CHANNEL, place: 'diyalla' })).toContain('Diyala');
    expect(await services.alerts.store.forGuild(GUILD)).toMatchObject([{ placeId: 'diyala-province' }]);
  });

  it('set stores the filter with the place resolved and only the chosen role; status shows it; off turns it off', async () => {
    const reply = await run({ subcommand: 'set', channel: CHANNEL, place: 'diyala', min_casualties: 3, role: ROLE });
    expect(reply).toContain(`Set up: each newly published incident is posted to <#${CHANNEL}>`);
    expect(reply).toContain('Diyala');
    expect(reply).toContain(`mentioning <@&${ROLE}> (only that role)`);
    expect(checked).toEqual([CHANNEL]);
    expect(await services.alerts.store.forGuild(GUILD)).toEqual([
      { guildId: GUILD, channelId: CHANNEL, placeId: 'diyala-province', minCasualties: 3, roleId: ROLE, enabled: true, disabledReason: null },
    ]);

    const status = await run({ subcommand: 'status' });
    expect(status).toContain(`<#${CHANNEL}> — Diyala`);
    expect(status).toContain('at least 3 killed or injured');
    expect(status).toMatch(/— on$/m);

    expect(await run({ subcommand: 'off', channel: `<#${CHANNEL}>` })).toContain(`Alerts in <#${CHANNEL}> are off`);
    expect(await services.alerts.store.enabled()).toEqual([]);
    expect(await run({ subcommand: 'status' })).toContain('off: Turned off with /alerts off by <@900000000000000009>');
    expect(await run({ subcommand: 'off', channel: CHANNEL })).toContain('already off');

    // set again turns it back on, as an update
    expect(await run({ subcommand: 'set', channel: CHANNEL })).toContain('Updated');
    expect(await services.alerts.store.enabled()).toMatchObject([{ placeId: null, minCasualties: 0, roleId: null }]);
  });

  it('replies privately', async () => {
    const r = await replyTo(alerts, { subcommand: 'status' }, ctx());
    expect(r.flags).toBe(64);
  });

  it('refuses set and off to a member without Manage Server, whatever Discord let through; status is allowed', async () => {
    for (const perms of ['0', '2048', null, 'not-a-bitfield']) {
      await expect(replyTo(alerts, { subcommand: 'set', channel: CHANNEL }, ctx(perms))).rejects.toThrow(/needs the Manage Server permission/);
      await expect(replyTo(alerts, { subcommand: 'off', channel: CHANNEL }, ctx(perms))).rejects.toThrow(/needs the Manage Server permission/);
    }
    expect(await services.alerts.store.all()).toEqual([]);
    expect(checked).toEqual([]);
    expect(await run({ subcommand: 'status' }, ctx('0'))).toContain('No alerts are set up in this server');
    // Administrator (8) implies Manage Server
    expect(await run({ subcommand: 'set', channel: CHANNEL }, ctx('8'))).toContain('Set up');
  });

  it('an unknown place gets "did you mean" and changes nothing', async () => {
    const reply = await run({ subcommand: 'set', channel: CHANNEL, place: 'atlantis' });
    expect(reply).toMatch(/^I don't know the place "atlantis"\. Did you mean \*\*/);
    expect(await services.alerts.store.all()).toEqual([]);
  });

  it('a channel the bot cannot post in is refused with the reason, and nothing changes', async () => {
    await run({ subcommand: 'set', channel: CHANNEL, place: 'iraq' });
    channelAnswer = { ok: false, problem: 'it is not a text, announcement, thread or forum channel' };
    const reply = await run({ subcommand: 'set', channel: CHANNEL, place: 'syria', role: ROLE });
    expect(reply).toBe(`I can't post alerts in <#${CHANNEL}>: it is not a text, announcement, thread or forum channel. Nothing was changed.`);
    expect(await services.alerts.store.forGuild(GUILD)).toMatchObject([{ placeId: 'iraq', roleId: null, enabled: true }]);
  });

  it('never mentions @everyone, refuses bad numbers, and wants a server', async () => {
    await expect(replyTo(alerts, { subcommand: 'set', channel: CHANNEL, role: GUILD }, ctx())).rejects.toThrow(/never mention @everyone/);
    await expect(replyTo(alerts, { subcommand: 'set', channel: CHANNEL, min_casualties: 0 }, ctx())).rejects.toThrow(UserError);
    await expect(replyTo(alerts, { subcommand: 'set', channel: 'general' }, ctx())).rejects.toThrow(/Pick a channel/);
    const noGuild = { ...ctx(), invocation: { guildId: null, channelId: null, userId: null } };
    await expect(replyTo(alerts, { subcommand: 'set', channel: CHANNEL }, noGuild)).rejects.toThrow(/run \/alerts in a server/);
    expect(await services.alerts.store.all()).toEqual([]);
    // the console (no server) lists every server's alerts in its store
    await services.alerts.store.set({ guildId: GUILD, channelId: CHANNEL, placeId: null, minCasualties: 0, roleId: null }, null, 0);
    expect(await run({ subcommand: 'status' }, noGuild)).toContain(`**Alerts in this store (all servers)**`);
  });

  it('registers channel types a digest or alert can go to (threads and forums too) and an optional role', () => {
    const set = (
      alerts.definition.options as { name: string; options?: { name: string; type: number; channel_types?: number[]; required?: boolean }[] }[]
    ).find((o) => o.name === 'set')!;
    expect(set.options!.find((o) => o.name === 'channel')!.channel_types).toEqual([0, 5, 10, 11, 12, 15]);
    expect(set.options!.find((o) => o.name === 'role')).toMatchObject({ type: 8 });
    expect(set.options!.find((o) => o.name === 'role')!.required).toBeUndefined();
  });
});
