import { describe, expect, it } from 'vitest';
import { commandByName, commands } from '../commands/index.ts';
import { replyTo, type RawOptions } from '../commands/kit/command.ts';
import { parsePageButtonId } from '../commands/kit/page-button.ts';
import { UserError } from '../src/core/user-error.ts';
import { Dataset } from '../src/core/dataset.ts';
import { limitViolations, type ReplyPayload } from '../commands/kit/payload.ts';
import { seedContext } from '../testkit/seed-dataset.ts';

const ctx = seedContext();

async function run(name: string, options: RawOptions = {}): Promise<ReplyPayload> {
  const reply = await replyTo(commandByName.get(name)!, options, ctx);
  // Every reply of every command must be one Discord accepts, and must not ping anyone.
  expect(limitViolations(reply)).toEqual([]);
  expect(reply.allowed_mentions).toEqual({ parse: [] });
  return reply;
}

const text = (r: ReplyPayload) => JSON.stringify(r);
const description = (r: ReplyPayload) => r.embeds?.[0]?.description ?? '';
const field = (r: ReplyPayload, name: RegExp) => r.embeds?.[0]?.fields?.find((f) => name.test(f.name))?.value ?? '';

describe('/attacks', () => {
  it('lists the attacks in Syria newest first with date, place, casualties, summary and source', async () => {
    const r = await run('attacks', { place: 'syria' });
    expect(r.embeds![0]!.title).toBe('Incidents involving the Islamic State in Syria');
    const d = description(r);
    expect(d.indexOf('homs-army-2019-08-18')).toBeGreaterThan(-1);
    expect(d.indexOf('homs-army-2019-08-18')).toBeLessThan(d.indexOf('daraa-security-post-2019-07-28'));
    expect(d).toContain('**18 Aug 2019** · Homs, Homs District, Homs Governorate, Syria · Islamic State');
    expect(d).toContain('7 killed · injured not stated — IS killed seven Syrian army troops in the city of Homs.');
    expect(d).toContain('IS Probably Making A Comeback In Iraq And Syria');
    expect(d).not.toContain('Diyala');
    expect(field(r, /^Totals over 2 incidents$/)).toBe(
      'Killed: 13, none recorded as IS militants (13 security forces)\nInjured: not stated for any of these 2',
    );
    expect(field(r, /Statistics/)).toContain('147 troops killed by IS in Syria, 24 Mar 2019 – 17 Jun 2019 (Syrian Observatory for Human Rights)');
    expect(r.flags).toBeUndefined();
  });

  it("shows the source's words where it gives no casualty figure, never 'no casualties' by itself", async () => {
    const r = await run('attacks', { place: 'saladin' });
    expect(description(r)).toContain('An Iraqi security official said the blast did not cause any human casualties;');
    expect(description(r)).not.toContain('no casualties reported');
  });

  it('pages long answers with buttons whose custom ids carry the query', async () => {
    const first = await run('attacks', { place: 'iraq', limit: 1 });
    expect(first.embeds![0]!.footer!.text).toMatch(/^Page 1 of 3 · newest first · next: \/attacks place:iraq limit:1 page:2/);
    const buttons = first.components![0]!.components as { custom_id: string; label: string; disabled: boolean }[];
    expect(buttons.map((b) => [b.label, b.disabled])).toEqual([
      ['◀ Previous', true],
      ['Page 1 of 3', true],
      ['Next ▶', false],
    ]);
    const next = parsePageButtonId(buttons[2]!.custom_id, commandByName)!;
    expect(next).toEqual({ command: 'attacks', options: { place: 'iraq', limit: 1, page: 2 } });
    const second = await run(next.command, next.options);
    expect(description(second)).toContain('sulaymaniyah-security-post-2019-07-31');
    expect(description(first)).toContain('diyala-police-2019-08-22');
    // Totals cover every page, not just the one shown.
    expect(field(second, /^Totals/)).toBe(field(first, /^Totals/));
  });

  it('freezes relative dates into the page buttons so page 2 means what page 1 meant', async () => {
    const r = await run('attacks', { place: 'iraq', from: 'last 30 days', limit: 1 });
    const next = parsePageButtonId((r.components![0]!.components[2] as { custom_id: string }).custom_id, commandByName)!;
    expect(next.options).toMatchObject({ from: '2019-07-27', page: 2 });
  });

  it('answers an unknown place privately with suggestions', async () => {
    const r = await run('attacks', { place: 'alepo x' });
    expect(r.flags).toBe(64);
    expect(r.content).toMatch(/^I don't know the place "alepo x"\. Did you mean \*\*Aleppo, /);
  });

  it('answers a clear misspelling at once, saying which place it shows', async () => {
    const r = await run('attacks', { place: 'Diyalla' });
    expect(r.flags).toBeUndefined();
    expect(r.content).toBe('Showing **Diyala, Iraq** for "Diyalla".');
    expect(r.embeds![0]!.title).toBe('Incidents involving the Islamic State in Diyala, Iraq');
  });

  it('says when nothing matches, and still shows what is known about the area', async () => {
    const r = await run('attacks', { place: 'syria', from: '2019-08-20' });
    expect(r.embeds![0]!.title).toBe('No incidents found: Incidents involving the Islamic State in Syria');
    expect(field(r, /Statistics/)).toContain('al Hol');
  });

  it('rejects malformed options with a UserError', async () => {
    const h = commandByName.get('attacks')!;
    await expect(async () => h.handle({ place: 'syria', from: '31/07/2019' }, ctx)).rejects.toThrow(UserError);
    await expect(async () => h.handle({ place: 'syria', limit: 50 }, ctx)).rejects.toThrow('Option "limit": must be at most 10.');
    await expect(async () => h.handle({ place: '' }, ctx)).rejects.toThrow(/Option "place"/);
  });

  it('filters by actor name and offers autocomplete for places and actors', async () => {
    const r = await run('attacks', { place: 'iraq', actor: 'Kurdish soldiers' });
    expect(description(r)).toContain('sulaymaniyah-security-post-2019-07-31');
    expect(description(r)).not.toContain('diyala');
    const places = await commandByName.get('attacks')!.autocomplete!({ name: 'place', value: 'sal' }, {}, ctx);
    expect(places[0]).toEqual({ name: 'Saladin, Iraq', value: 'saladin-province' });
    const empty = await commandByName.get('attacks')!.autocomplete!({ name: 'place', value: '' }, {}, ctx);
    // Before anything is typed: countries, then the places with the most incidents (Iraq has 3 seed attacks, Syria 2).
    expect(empty.map((c) => c.value).slice(0, 2)).toEqual(['iraq', 'syria']);
    expect(empty.map((c) => c.value)).toContain('kurdistan-region');
    expect(empty.map((c) => c.value)).not.toContain('nineveh-province');
    const actors = await commandByName.get('attacks')!.autocomplete!({ name: 'actor', value: 'daesh' }, {}, ctx);
    expect(actors[0]).toEqual({ name: 'Islamic State', value: 'islamic-state' });
  });
});

describe('/incident', () => {
  it('shows one incident in full, with its source sentences and precision notes', async () => {
    const r = await run('incident', { id: 'sulaymaniyah-security-post-2019-07-31' });
    const e = r.embeds![0]!;
    expect(e.title).toBe('IS militants attacked a security post, killing two Kurdish soldiers and injuring two others.');
    const f = Object.fromEntries(e.fields!.map((x) => [x.name, x.value]));
    expect(f.Date).toBe('31 Jul 2019 (derived: 2 days after 29 Jul 2019)');
    expect(f.Place).toContain('Location known to: the province only');
    expect(f['Killed and injured']).toContain('2 killed, 2 injured (Kurdish soldiers)');
    expect(f['Source sentence']).toBe(
      '> This attack came two days before IS militants killed two Kurdish soldiers and injured two others when they attacked a security post in Sulaymaniyah province in the Kurdistan region.',
    );
    expect(f.Claimed).toBe('Not stated');
  });

  it('says "no casualties" only where the source says so', async () => {
    const r = await run('incident', { id: 'saladin-oilfields-2019-07-29' });
    expect(text(r)).toContain('An Iraqi security official said the blast did not cause any human casualties');
    const daraa = await run('incident', { id: 'daraa-security-post-2019-07-28' });
    expect(text(daraa)).toContain('6 killed, injured not stated (Syrian troops)');
    expect(text(daraa)).toContain('Yes, the perpetrator claimed it');
  });

  it('mentions a record from another source that likely describes the same event', async () => {
    const seed = seedContext().dataset();
    const homs = seed.incident('homs-army-2019-08-18')!;
    const other = {
      ...homs,
      id: 'other-homs-2019-08-19',
      sourceId: 'other-source',
      date: { date: '2019-08-19', precision: 'exact' as const },
      summary: 'Another report of IS killing Syrian troops in Homs.',
      evidence: ['A sentence of the other source.'],
    };
    const source = { ...seed.sources.get('is-comeback-2019')!, id: 'other-source', title: 'Another source' };
    const ds = new Dataset({ ...seed.raw, sources: [...seed.raw.sources, source], incidents: [...seed.raw.incidents, other] });
    const r = await commandByName.get('incident')!.handle({ id: 'homs-army-2019-08-18' }, { ...ctx, dataset: () => ds });
    const f = r.embeds![0]!.fields!.find((x) => x.name === 'Possibly the same event, in another source');
    expect(f?.value).toBe('`other-homs-2019-08-19` · 19 Aug 2019 · Homs, Homs District, Homs Governorate, Syria · Another source');
    // The seed data alone has no such pair, and then the field is absent.
    const alone = await run('incident', { id: 'homs-army-2019-08-18' });
    expect(alone.embeds![0]!.fields!.some((x) => x.name.startsWith('Possibly'))).toBe(false);
  });

  it('answers an unknown id privately, with close matches', async () => {
    const r = await run('incident', { id: 'diyala' });
    expect(r.flags).toBe(64);
    expect(r.content).toContain('`diyala-police-2019-08-22`');
  });
});

describe('/quote', () => {
  it("gives Pompeo's words verbatim, in quotation marks, with date and venue, and the paraphrase apart", async () => {
    const r = await run('quote', { person: 'pompeo' });
    const d = description(r);
    expect(r.embeds![0]!.title).toBe('Mike Pompeo — US Secretary of State');
    expect(d).toContain(
      '> “We’ve taken down significant risk — not all of it, but a significant amount.”\n— 20 Aug 2019 (inferred: the article dates only his acknowledgment to August 20, not these words) · CBS This Morning',
    );
    expect(d).toContain('> “It’s complicated”');
    expect(d).toContain('**Paraphrase (ours)**, not a quotation: Acknowledged that there are places where IS is more powerful');
    expect(d).not.toMatch(/“Acknowledged/);
  });

  it('finds people by role and filters by topic', async () => {
    const r = await run('quote', { person: 'Secretary of State', topic: 'caliphate' });
    expect(description(r)).toContain('2 direct quotations about "caliphate".');
    expect(description(r)).not.toContain('It’s complicated');
  });

  it('says so when the dataset only paraphrases a person, and never uses quotation marks for them', async () => {
    const r = await run('quote', { person: 'trump' });
    expect(description(r)).toContain('The dataset only paraphrases Donald Trump: there is no direct quotation');
    expect(description(r)).not.toContain('“');
  });

  it('keeps attributions to a report as a report, and says who is cited through it', async () => {
    const r = await run('quote', { person: 'IG report' });
    expect(r.embeds![0]!.title).toBe('Pentagon Inspector General report — report');
    const un = await run('quote', { person: 'United Nations' });
    expect(description(un)).toContain(
      '“humanitarian relief needs are particularly acute”\n— date not given · venue not given · as cited by the Pentagon Inspector General report',
    );
  });

  it('suggests names for an unknown person', async () => {
    const r = await run('quote', { person: 'pompei' });
    expect(r.flags).toBe(64);
    expect(r.content).toContain('Mike Pompeo');
  });
});

describe('/stats, /sources, /help', () => {
  it('/stats gives totals and a breakdown by country and province', async () => {
    const r = await run('stats', {});
    expect(field(r, /^Totals over 5 incidents$/)).toBe(
      'Killed: 21, of whom 4 IS militants and 17 others (17 security forces) — figure given for 4 of 5\nInjured: 5, none recorded as IS militants (5 security forces) — figure given for 2 of 5',
    );
    // The seed data has no systematic source: each country's line says so, and what its figures come from.
    expect(field(r, /By country/)).toBe(
      'Iraq: 3 incidents · 8 killed · 5 injured — no systematic source covers this period; 3 incidents from the article only\n' +
        'Syria: 2 incidents · 13 killed · injured not stated — no systematic source covers this period; 2 incidents from the article only',
    );
    expect(field(r, /By province/).split('\n')).toHaveLength(5);
    const syria = await run('stats', { place: 'syria', from: '2019-08', to: '2019-08' });
    expect(field(syria, /^Totals/)).toContain('Killed: 7');
  });

  it('/sources names the article, its date precision and how it is used', async () => {
    const r = await run('sources');
    const all = text(r);
    expect(all).toContain('IS Probably Making A Comeback In Iraq And Syria');
    expect(all).toContain('between 23 Aug 2019 and 31 Aug 2019');
    expect(all).toContain('5 incidents, 6 statistics, 14 statements');
    expect(all).toContain('Cairo');
  });

  it('/help lists every command with an example', async () => {
    const r = await run('help');
    expect(r.embeds![0]!.fields!.map((f) => f.name)).toEqual(commands.map((c) => `/${c.definition.name}`));
    for (const f of r.embeds![0]!.fields!) expect(f.value).toMatch(/`\/\w+/);
  });
});

describe('command definitions', () => {
  it('stay within Discord limits for names and descriptions', () => {
    for (const c of commands) {
      expect(c.definition.name).toMatch(/^[a-z0-9_-]{1,32}$/);
      expect(c.definition.description!.length).toBeLessThanOrEqual(100);
      for (const o of c.definition.options ?? []) {
        expect(o.name).toMatch(/^[a-z0-9_-]{1,32}$/);
        expect(o.description.length, `${c.definition.name}.${o.name}`).toBeLessThanOrEqual(100);
      }
    }
  });
});
