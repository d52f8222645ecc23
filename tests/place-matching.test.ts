import { describe, expect, it } from 'vitest';
import { commandByName } from '../commands/index.ts';
import { type CommandContext, type RawOptions, replyTo } from '../commands/kit/command.ts';
import { parsePageButtonId } from '../commands/kit/page-button.ts';
import { runCommandLine } from '../src/cli/run-command.ts';
import { shippedDataset } from '../testkit/shipped-dataset.ts';
import type { ReplyPayload } from '../commands/kit/payload.ts';
import { seedContext } from '../testkit/seed-dataset.ts';

const ctx = seedContext();
const run = (name: string, options: RawOptions, c: CommandContext = ctx): Promise<ReplyPayload> => replyTo(commandByName.get(name)!, options, c);
const title = (r: ReplyPayload) => r.embeds?.[0]?.title ?? '';

/**
 * Places as English-language wire services commonly spell them (our own list), with the name of the
 * place of the dataset each means ("a|b": a city and its province of the same name, either is right).
 * Names, not ids: a re-import may renumber ids, not GED's names.
 */
const NEWS_SPELLINGS: [string, string][] = [
  ['fallujah', 'Al Fallūjah'],
  ['falluja', 'Al Fallūjah'],
  ['tal afar', 'Tall ‘Afar'],
  ['tel afar', 'Tall ‘Afar'],
  ['kobani', 'Kobane/Ayn al Arab'],
  ['ramadi', 'Ramādī'],
  ['tikrit', 'Tikrīt'],
  ['samarra', 'Sāmarrā’'],
  ['baiji', 'Bayjī'],
  ['mosul', 'Mosul'],
  ['qayyara', 'Al Qayyārah'],
  ['hawija', 'Ḩawījah'],
  ['baquba', 'Ba‘qūbah'],
  ['muqdadiya', 'Miqdādīyah'],
  ['khanaqin', 'Khānaqīn'],
  ['jalawla', 'Jalawlā’'],
  ['tuz khurmatu', 'Ţūzkhūrmātū'],
  ['haditha', 'Haditha'],
  ['heet', 'Hīt'],
  ['rutba', 'Ar Ruţbah'],
  ['al-qaim', 'Al Qā’im'],
  ['rawa', 'Rāwah'],
  ['anah', '‘Ānah'],
  ['abu ghraib', 'Abū Ghurayb'],
  ['tarmiyah', 'Tārmīya'],
  ['sinjar', 'Sinjār'],
  ['bashiqa', 'Ba‘shīqah'],
  ['halabja', 'Ḩalabchah'],
  ['shirqat', 'Al-Shirqat'],
  ['makhmour', 'Makhmūr'],
  ['raqqa city', 'Ar Raqqah'],
  ['tabqa', 'Tabqa'],
  ['manbij', 'Manbij'],
  ['al-bab', 'Al Bab'],
  ['jarablus', 'Jarabulus'],
  ['palmyra', 'Tadmur/Palmyra'],
  ['sukhna', 'As Sukhnah'],
  ['deir ez-zor', 'Deir ez Zor'],
  ['deir al-zour', 'Deir ez Zor'],
  ['mayadeen', 'Al Mayadin'],
  ['abu kamal', 'Albu Kamal'],
  ['boukamal', 'Albu Kamal'],
  ['hajin', 'Hajin'],
  ['shaddadi', 'Ash Shaddadah'],
  ['qamishli', 'Al Qamishli'],
  ['hasakeh', 'Al Hasakah town|Al-Hasakah Governorate'],
  ['al-hol', 'al Hol camp'],
  ['tal abyad', 'Tall Abyad'],
  ['ras al-ain', 'Ras al Ayn'],
  ['qaryatain', 'Al Qaryatayn'],
  ['sweida', 'As Suwayda|As-Suwayda Governorate'],
  ['jisr al-shughour', 'Jisr ash Shughur'],
  ['salamiyeh', 'As Salamiyah'],
  ['qusair', 'Al Qusayr'],
  ['douma', 'Douma'],
  ['tanf', 'At Tanf'],
  ['maskana', 'Maskanah'],
  ['busra al-harir', 'Busra al Hariri'],
];

describe('places as English-language news spells them', () => {
  it(`answers every one of ${NEWS_SPELLINGS.length} news spellings with the place meant`, async () => {
    const wrong: string[] = [];
    for (const [typed, want] of NEWS_SPELLINGS) {
      const r = await run('attacks', { place: typed });
      const shown = /^(?:No incidents found: )?(?:Incidents involving the Islamic State|All recorded violence) in ([^,]+)/.exec(title(r))?.[1];
      if (!shown || !want.split('|').includes(shown)) wrong.push(`${typed}: ${title(r) || r.content}`);
    }
    expect(wrong).toEqual([]);
  });

  it('says which place it shows when the name was another spelling', async () => {
    const r = await run('attacks', { place: 'tal afar' });
    expect(r.content).toMatch(/^Showing \*\*Tall ‘Afar, Tall ‘Afar District, Nineveh, Iraq\*\* for "tal afar"\./);
    expect(title(r)).toBe('No incidents found: Incidents involving the Islamic State in Tall ‘Afar, Tall ‘Afar District, Nineveh, Iraq');
    // Typed as one of its own names: nothing to explain.
    expect((await run('attacks', { place: 'diyala' })).content).toBeUndefined();
  });

  it('answers the city for "raqqa city" and the province for "raqqa province"', async () => {
    expect(title(await run('attacks', { place: 'raqqa city' }))).toContain(' in Ar Raqqah, Ar Raqqah district, Raqqa Governorate, Syria');
    expect(title(await run('attacks', { place: 'raqqa province' }))).toContain(' in Raqqa Governorate, Syria');
  });

  it('answers a city and offers the province of the same name in one click, or one command line', async () => {
    const r = await run('attacks', { place: 'homs' });
    expect(title(r)).toBe('Incidents involving the Islamic State in Homs, Homs District, Homs Governorate, Syria');
    expect(r.content).toContain('`/attacks place:homs-governorate`');
    const buttons = r.components!.flatMap((row: { components: unknown[] }) => row.components) as { custom_id: string; label: string }[];
    const offer = buttons.find((b) => b.label.startsWith('Homs Governorate'))!;
    const click = parsePageButtonId(offer.custom_id, commandByName)!;
    expect(click).toEqual({ command: 'attacks', options: { place: 'homs-governorate', page: 1 } });
    expect(title(await run(click.command, click.options))).toBe('Incidents involving the Islamic State in Homs Governorate, Syria');
  });

  it('gives a true answer for a country or a well-known place outside the coverage', async () => {
    expect((await run('attacks', { place: 'lebanon' })).content).toBe('Lebanon: no incidents in the dataset, which covers Iraq and Syria.');
    const beirut = await run('stats', { place: 'Beirut' });
    expect(beirut.content).toMatch(/^Beirut, Lebanon: no incidents in the dataset, which covers Iraq and Syria\.\nPlace names: GeoNames/);
    expect(beirut.content).not.toContain("I don't know");
    expect((await run('map', { place: 'turkey' })).content).toBe('Türkiye ("turkey"): no incidents in the dataset, which covers Iraq and Syria.');
  });

  it('points an actor typed as a place to actor:', async () => {
    const r = await runCommandLine('/attacks daesh', commandByName, ctx);
    expect(r.flags).toBe(64);
    expect(r.content).toBe('"daesh" is a name of Islamic State, an actor, not a place. Give a place and the actor, e.g. place:iraq actor:islamic-state.');
  });

  it('lists who can be quoted when the person is unknown', async () => {
    const r = await run('quote', { person: 'Obama' });
    expect(r.content).toContain('People and reports that can be quoted: ');
    expect(r.content).toContain('Mike Pompeo (US Secretary of State)');
  });

  it('suggests the command meant for an unknown command or option name', async () => {
    await expect(runCommandLine('/atacks syria', commandByName, ctx)).rejects.toThrow(/^Unknown command \/atacks\. Did you mean \/attacks\?/);
    await expect(runCommandLine('/attacks syria plce:iraq', commandByName, ctx)).rejects.toThrow(/Did you mean place:\?/);
  });

  it('offers places by their news spellings in autocomplete, as ids', async () => {
    const choices = await commandByName.get('attacks')!.autocomplete!({ name: 'place', value: 'fallujah' }, {}, ctx);
    expect(choices[0]).toEqual({ name: 'Al Fallūjah, al Fallūjah District, Anbar, Iraq', value: 'al-fallujah' });
  });
});

describe('over the whole dataset', () => {
  const full = shippedDataset();
  const fullCtx: CommandContext = { ...ctx, dataset: () => full };

  it('offers the city beside the province for "raqqa"', async () => {
    const r = await run('attacks', { place: 'raqqa' }, fullCtx);
    expect(title(r)).toBe('Incidents involving the Islamic State in Raqqa Governorate, Syria');
    expect(r.content).toContain('`/attacks place:ar-raqqah`');
  });

  it('says a town it has no record of is not a place incidents are placed at, and what lies near', async () => {
    const r = await run('attacks', { place: 'qaraqosh' }, fullCtx);
    expect(r.content).toMatch(
      /^Al-Hamdaniya, Iraq \("qaraqosh"\): no incident in the dataset is placed there by name\. Nearby places with incidents: .*\*\*Barţalah\*\* \(place:bartalah, \d+ incidents?\)/,
    );
    expect(r.content).toContain('The whole district: place:al-hamdaniyah-district');
  });
});
