import { describe, expect, it } from 'vitest';
import { commandByName } from '../commands/index.ts';
import { replyTo, type CommandContext, type RawOptions } from '../commands/kit/command.ts';
import { UserError } from '../src/core/user-error.ts';
import { EPHEMERAL } from '../commands/kit/discord-limits.ts';
import { limitViolations, type ReplyPayload } from '../commands/kit/payload.ts';
import { decodePng, pngSize } from '../testkit/png.ts';
import { seedContext } from '../testkit/seed-dataset.ts';
import { fixtureContext } from './render-fixture.ts';

async function run(name: string, options: RawOptions, ctx: CommandContext): Promise<ReplyPayload> {
  const reply = await replyTo(commandByName.get(name)!, options, ctx);
  expect(limitViolations(reply)).toEqual([]);
  return reply;
}

describe.each([
  ['map', 'map.png'],
  ['chart', 'chart.png'],
] as const)('/%s', (name, file) => {
  const ctx = fixtureContext();

  it('is registered, deferred (rendering takes time) and has examples', () => {
    const cmd = commandByName.get(name)!;
    expect(cmd.defer).toBe(true);
    expect(cmd.examples?.length).toBeGreaterThan(0);
    expect(cmd.definition.options!.map((o) => o.name)).toEqual(expect.arrayContaining(['place', 'from', 'to']));
  });

  it('answers with one embed showing the PNG attachment, a one-line summary, and the sources', async () => {
    const r = await run(name, { place: 'syria' }, ctx);
    expect(r.files).toHaveLength(1);
    const f = r.files![0]!;
    expect(f.name).toBe(file);
    expect(pngSize(f.data).width).toBe(1000);
    expect(decodePng(f.data).height).toBeGreaterThan(500);
    expect(r.embeds).toHaveLength(1);
    expect(r.embeds![0]!.image).toEqual({ url: `attachment://${file}` });
    expect(r.embeds![0]!.footer!.text).toContain('Test Source (a fixture for the picture tests)');
    expect(r.content).toMatch(/^(Map of incidents|Chart of killed and injured) in Syria/);
    expect(r.content).toContain('6 incidents: 52 killed, 6 injured (known figures; 3 incidents leave some figures open)');
    expect(r.content).not.toContain('\n');
    expect(f.description).toBe(r.content);
    expect(r.flags).toBeUndefined();
  });

  it('answers an empty selection in words, with no picture', async () => {
    const r = await run(name, { place: 'syria', from: '2020-01-01' }, ctx);
    expect(r.files ?? []).toHaveLength(0);
    expect(r.embeds ?? []).toHaveLength(0);
    expect(r.content).toMatch(/^No incidents in Syria for 1 Jan 2020 – /);
  });

  it('offers "did you mean" for an unknown place, only to the asker', async () => {
    const r = await run(name, { place: 'alepo x' }, ctx);
    expect(r.flags).toBe(EPHEMERAL);
    expect(r.content).toContain('Did you mean');
    expect(r.files).toBeUndefined();
  });

  it('rejects a bad date as a user error', async () => {
    await expect(Promise.resolve().then(() => commandByName.get(name)!.handle({ place: 'syria', from: 'someday' }, ctx))).rejects.toThrow(UserError);
  });

  it('filters by actor', async () => {
    const r = await run(name, { place: 'syria', actor: 'TG' }, ctx);
    expect(r.content).toContain('involving Test Group');
  });
});

describe('/chart options', () => {
  const ctx = fixtureContext();
  it('takes by:week|month|year and says which it used', async () => {
    expect((await run('chart', { place: 'syria', by: 'month' }, ctx)).content).toContain('by month');
    expect((await run('chart', { place: 'syria' }, ctx)).content).toContain('by week'); // Jul–Sep: weeks
    await expect(Promise.resolve().then(() => commandByName.get('chart')!.handle({ place: 'syria', by: 'day' }, ctx))).rejects.toThrow(/Option "by"/);
  });
});

describe('pictures from the seed article (shipped data, seed records only)', () => {
  const ctx = seedContext();
  it('maps Iraq’s three province-level incidents as three area markers', async () => {
    const r = await run('map', { place: 'iraq' }, ctx);
    expect(r.content).toBe(
      'Map of incidents involving the Islamic State in Iraq, 29 Jul 2019 – 22 Aug 2019 (all recorded): 3 incidents: 8 killed, 5 injured (known figures; 2 incidents leave some figures open), at 3 locations (3 known only to an area: a province, district, country, road, river, border or lake); most killed or injured at Diyala (area only).',
    );
  });
  it('charts Syria’s two incidents by week', async () => {
    const r = await run('chart', { place: 'syria', by: 'week' }, ctx);
    expect(r.content).toContain('2 incidents: 13 killed, injured not stated');
    expect(r.content).toContain('most killed in the week of 12 Aug 2019 (7)');
  });
});
