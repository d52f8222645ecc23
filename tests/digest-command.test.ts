import { afterEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../commands/kit/command.ts';
import { digest } from '../commands/digest/index.ts';
import { dueDigests } from '../src/core/digest/due.ts';
import { createConsoleServices } from '../src/digest/console-services.ts';
import type { ChannelCheckResult } from '../commands/kit/services.ts';
import type { SqliteDigestStore } from '../src/digest/sqlite-digest-store.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const GUILD = '111111111111111111';
const CHANNEL = '222222222222222222';
/** Manage Server: what the member running set and off must hold. */
const MANAGE_SERVER = '32';

function ctx(now: string, check?: (g: string, c: string) => ChannelCheckResult, guildId: string | null = GUILD): CommandContext {
  const ds = seedDataset();
  const services = createConsoleServices(check ? { checkChannel: async (g, c) => check(g, c) } : {});
  const c: CommandContext = {
    dataset: () => ds,
    now: () => new Date(now),
    invocation: { guildId, channelId: CHANNEL, userId: '333333333333333333', memberPermissions: MANAGE_SERVER },
    services,
  };
  stores.set(c, services.digest.store);
  return c;
}
/** The SQLite store behind a context (the handlers see it only as DigestServices). */
const stores = new WeakMap<CommandContext, SqliteDigestStore>();
const storeOf = (c: CommandContext) => stores.get(c)!;
const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));
const track = (c: CommandContext) => {
  closers.push(() => storeOf(c).db.close());
  return c;
};

describe('/digest', () => {
  it('is registered for servers only and needs Manage Server', () => {
    const d = digest.definition as unknown as Record<string, unknown>;
    expect(d.default_member_permissions).toBe('32');
    expect(d.dm_permission).toBe(false);
    expect(d.contexts).toEqual([0]);
    expect((d.options as { name: string }[]).map((o) => o.name)).toEqual(['set', 'status', 'preview', 'off']);
  });

  it('set checks the channel at once and says what is missing, changing nothing', async () => {
    const c = track(ctx('2019-08-22T12:00:00Z', () => ({ ok: false, problem: 'the bot lacks Embed Links' })));
    const r = await digest.handle({ subcommand: 'set', channel: CHANNEL, time: '08:00', timezone: 'Asia/Baghdad' }, c);
    expect(r.flags).toBe(64);
    expect(r.content).toContain('lacks Embed Links');
    expect(await storeOf(c).getSubscription(GUILD)).toBeNull();
  });

  it('set, status, off and set again', async () => {
    const c = track(ctx('2019-08-22T12:00:00Z'));
    const r = await digest.handle({ subcommand: 'set', channel: CHANNEL, time: '8:00', timezone: 'Asia/Baghdad', place: 'syria' }, c);
    expect(r.content).toContain(`<#${CHANNEL}> every day at 08:00 (Asia/Baghdad)`);
    expect(r.content).toContain('Syria');
    // 08:00 Baghdad on the 23rd is 05:00Z
    expect(r.content).toContain(`<t:${Date.parse('2019-08-23T05:00:00Z') / 1000}:f>`);
    const st = await digest.handle({ subcommand: 'status' }, c);
    expect(st.content).toMatch(/\*\*State:\*\* on/);
    expect(st.content).toContain('**Last delivery:** none yet');
    const off = await digest.handle({ subcommand: 'off' }, c);
    expect(off.content).toContain('is off');
    const st2 = await digest.handle({ subcommand: 'status' }, c);
    expect(st2.content).toMatch(/\*\*State:\*\* off — Turned off with \/digest off/);
    const sub = (await storeOf(c).getSubscription(GUILD))!;
    expect(sub).toMatchObject({ enabled: false, time: '08:00', placeId: 'syria' });
    await digest.handle({ subcommand: 'set', channel: CHANNEL, time: '09:15', timezone: 'Europe/London' }, c);
    expect(await storeOf(c).getSubscription(GUILD)).toMatchObject({
      enabled: true,
      time: '09:15',
      timeZone: 'Europe/London',
      placeId: null,
      disabledReason: null,
    });
  });

  it("set after a failure today (permissions fixed): today's digest goes out after all, to the channel now set", async () => {
    const c = track(ctx('2019-08-23T06:00:00Z'));
    await digest.handle({ subcommand: 'set', channel: CHANNEL, time: '08:00', timezone: 'Asia/Baghdad' }, c);
    const store = storeOf(c);
    const compose = () => ({ body: '{}', nonce: 'n', digestDay: '2019-08-22', recordedUntil: 0 });
    await store.claim({ guildId: GUILD, localDate: '2019-08-23' }, 'p', Date.parse('2019-08-23T05:00:00Z'), 60_000, compose);
    await store.markEnded(
      GUILD,
      '2019-08-23',
      'failed',
      'HTTP 403 (code 50013): Missing Permissions',
      Date.parse('2019-08-23T05:00:00Z'),
      'Turned off: the bot lacks permissions',
    );
    expect((await store.getSubscription(GUILD))!.enabled).toBe(false);
    const other = '444444444444444444';
    const r = await digest.handle({ subcommand: 'set', channel: other, time: '08:00', timezone: 'Asia/Baghdad' }, c);
    expect(r.content).toContain("Today's digest, which had failed, goes out within a minute.");
    expect(await store.getDelivery(GUILD, '2019-08-23')).toMatchObject({
      status: 'retry',
      channelId: other,
      nextAttemptAt: Date.parse('2019-08-23T06:00:00Z'),
    });
    const due = dueDigests(await store.enabledSubscriptions(), new Date('2019-08-23T06:00:00Z'), await store.deliveriesFrom('2019-08-22'), {
      owner: 'x',
      staleAfterMs: 60_000,
    });
    expect(due).toMatchObject([{ guildId: GUILD, localDate: '2019-08-23', kind: 'retry' }]);
  });

  it('rejects a bad time or zone in plain words', async () => {
    const c = track(ctx('2019-08-22T12:00:00Z'));
    await expect(digest.handle({ subcommand: 'set', channel: CHANNEL, time: '25:00', timezone: 'UTC' }, c)).rejects.toThrow(/not a time of day/);
    await expect(digest.handle({ subcommand: 'set', channel: CHANNEL, time: '08:00', timezone: 'Baghdad' }, c)).rejects.toThrow(/Asia\/Baghdad/);
  });

  it('preview works without a guild (console) and records nothing', async () => {
    const c = track(ctx('2019-08-23T06:00:00Z', undefined, null));
    const r = await digest.handle({ subcommand: 'preview', timezone: 'Asia/Baghdad' }, c);
    expect(r.flags).toBe(64);
    expect(r.embeds![0]!.description).toContain('diyala-police-2019-08-22');
    expect(r.allowed_mentions).toEqual({ parse: [] });
    const store = storeOf(c);
    expect(await store.lastDelivery('-')).toBeNull();
    expect(Object.keys(c.services!)).toEqual(['digest', 'alerts']);
  });

  it('set keeps a place and an actor filter, status shows both, preview uses them', async () => {
    const c = track(ctx('2019-08-23T06:00:00Z'));
    const r = await digest.handle(
      { subcommand: 'set', channel: CHANNEL, time: '08:00', timezone: 'Asia/Baghdad', place: 'iraq', actor: 'Kurdish security forces' },
      c,
    );
    expect(r.content).toContain('covering Iraq · incidents involving Kurdish security forces');
    expect(await storeOf(c).getSubscription(GUILD)).toMatchObject({ placeId: 'iraq', actorId: 'kurdish-security-forces' });
    const st = await digest.handle({ subcommand: 'status' }, c);
    expect(st.content).toContain('**Filter:** Iraq · incidents involving Kurdish security forces');
    // the preview (no place or actor given) takes the stored filter: of the seed's Iraqi attacks, only the one on Kurdish forces
    const p = await digest.handle({ subcommand: 'preview' }, track(ctx('2019-08-23T06:00:00Z')));
    expect(p.embeds![0]!.description).toContain('diyala-police-2019-08-22'); // another context: no filter stored
    const filtered = await digest.handle({ subcommand: 'preview' }, c);
    expect(filtered.embeds![0]!.description).not.toContain('diyala-police-2019-08-22');
    expect(filtered.embeds![0]!.description).toMatch(/^No source covers \*\*Thursday 22 August 2019\*\* .* in Iraq yet/); // the seed has no systematic source
    // actor:any widens to all recorded violence; no actor is the default (the focus actor)
    await digest.handle({ subcommand: 'set', channel: CHANNEL, time: '08:00', timezone: 'Asia/Baghdad', actor: 'any' }, c);
    expect(await storeOf(c).getSubscription(GUILD)).toMatchObject({ placeId: null, actorId: 'any' });
    expect((await digest.handle({ subcommand: 'status' }, c)).content).toContain('**Filter:** everywhere · all recorded violence');
    await digest.handle({ subcommand: 'set', channel: CHANNEL, time: '08:00', timezone: 'Asia/Baghdad' }, c);
    expect((await digest.handle({ subcommand: 'status' }, c)).content).toContain(
      '**Filter:** everywhere · incidents involving the Islamic State (the default)',
    );
  });

  it('an unknown place or actor is refused in plain words and changes nothing', async () => {
    const c = track(ctx('2019-08-22T12:00:00Z'));
    await digest.handle({ subcommand: 'set', channel: CHANNEL, time: '08:00', timezone: 'Asia/Baghdad', place: 'syria', actor: 'IS' }, c);
    const before = await storeOf(c).getSubscription(GUILD);
    await expect(
      digest.handle({ subcommand: 'set', channel: CHANNEL, time: '09:00', timezone: 'UTC', place: 'iraq', actor: 'Zorblax Brigade' }, c),
    ).rejects.toThrow(/^I don't know the actor "Zorblax Brigade"/);
    await expect(digest.handle({ subcommand: 'set', channel: CHANNEL, time: '09:00', timezone: 'UTC', place: 'atlantis', actor: 'IS' }, c)).rejects.toThrow(
      /^I don't know the place "atlantis"/,
    );
    expect(await storeOf(c).getSubscription(GUILD)).toEqual(before);
    expect(before).toMatchObject({ placeId: 'syria', actorId: 'islamic-state', time: '08:00' });
  });

  it('autocompletes actors and places like the other commands', async () => {
    const c = track(ctx('2019-08-22T12:00:00Z'));
    const actors = await digest.autocomplete!({ name: 'actor', value: 'kurd' }, {}, c);
    expect(actors.map((x) => x.value)).toContain('kurdish-security-forces');
    const places = await digest.autocomplete!({ name: 'place', value: 'diya' }, {}, c);
    expect(places[0]!.value).toBe('diyala-province');
  });

  it('autocompletes IANA zones', async () => {
    const c = track(ctx('2019-08-22T12:00:00Z'));
    const r = await digest.autocomplete!({ name: 'timezone', value: 'bagh' }, {}, c);
    expect(r.map((x) => x.value)).toContain('Asia/Baghdad');
    const ny = await digest.autocomplete!({ name: 'timezone', value: 'new y' }, {}, c);
    expect(ny[0]!.value).toBe('America/New_York');
  });
});
