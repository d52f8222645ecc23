import { describe, expect, it } from 'vitest';
import { Dataset } from '../src/core/dataset.ts';
import { composeDigest, composeDigestWithSummary } from '../commands/kit/digest-message.ts';
import type { DigestWindow } from '../src/core/digest/window.ts';
import { addDays, localNoon, unixSeconds } from '../src/core/local-time.ts';
import { embedLength } from '../commands/kit/payload.ts';
import { DISCORD_LIMITS } from '../commands/kit/discord-limits.ts';
import { CASUALTY_GROUPS, type Incident, type RawDataset, type Source } from '../src/schema/index.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const at = new Date('2019-08-23T05:00:00Z');
const win = (day: string, extra: Partial<DigestWindow> = {}): DigestWindow => ({ day, previousDay: addDays(day, -1), recordedIds: [], at, ...extra });
const text = (p: ReturnType<typeof composeDigest>) => JSON.stringify(p);
const idsIn = (s: string | undefined) => [...(s ?? '').matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!);

/** Oracle: killed/injured in [from, to], straight from the raw records. */
function oracle(ds: Dataset, from: string, to: string) {
  let n = 0;
  let killed = 0;
  let injured = 0;
  for (const i of ds.raw.incidents) {
    if (i.date.date < from || i.date.date > to || i.sourceId === 'fixture-systematic') continue;
    n++;
    for (const c of i.casualties) {
      killed += c.killed ?? 0;
      injured += c.injured ?? 0;
    }
  }
  return { n, killed, injured };
}

/**
 * The seed records plus a fixture source that counts systematically (a dataset) from 2018 to 2020 in
 * both countries: two records at its ends, with no casualties and no actor, so no digest window here
 * lists or counts them. Without it no period would be covered and no change could be shown.
 */
function covered(raw: RawDataset): Dataset {
  const src: Source = {
    ...raw.sources[0]!,
    id: 'fixture-systematic',
    kind: 'dataset',
    title: 'Fixture systematic source',
    attribution: 'Fixture systematic source',
  };
  const bookend = (id: string, date: string, placeId: string): Incident => ({
    ...raw.incidents.find((i) => i.id === 'diyala-police-2019-08-22')!,
    id,
    sourceId: src.id,
    date: { date, precision: 'exact' },
    placeId,
    perpetratorId: null,
    casualties: [],
  });
  const ends = ['iraq', 'syria'].flatMap((c) => [bookend(`${c}-start`, '2018-01-01', c), bookend(`${c}-end`, '2020-12-31', c)]);
  return new Dataset({ ...raw, sources: [...raw.sources, src], incidents: [...raw.incidents, ...ends] });
}

/** Test fixtures: copies of a seed incident at other days/places (never shown to users). */
function withSynthetic(extra: { id: string; date: string; placeId?: string }[]): Dataset {
  const seed = seedDataset();
  const base = seed.raw.incidents.find((i) => i.id === 'diyala-police-2019-08-22')!;
  const made: Incident[] = extra.map((e) => ({ ...base, id: e.id, date: { date: e.date, precision: 'exact' }, placeId: e.placeId ?? base.placeId }));
  return covered({ ...seed.raw, incidents: [...seed.raw.incidents, ...made] });
}

describe('composeDigest', () => {
  const ds = covered(seedDataset().raw);

  it("lists the day's incidents with the day as a Discord timestamp in the server's zone, and never pings", () => {
    const p = composeDigest(ds, win('2019-08-22'), { placeId: null }, 'Asia/Baghdad');
    expect(p.allowed_mentions).toEqual({ parse: [] });
    const e = p.embeds![0]!;
    expect(idsIn(e.description)).toEqual(['diyala-police-2019-08-22']);
    expect(e.description).toContain('Thursday 22 August 2019');
    expect(e.description).toContain(`<t:${unixSeconds(localNoon('2019-08-22', 'Asia/Baghdad'))}:D>`);
    expect(unixSeconds(localNoon('2019-08-22', 'Asia/Baghdad'))).toBe(Date.parse('2019-08-22T09:00:00Z') / 1000);
    expect(e.footer!.text).toContain('Compiled 23 Aug 2019 08:00 Asia/Baghdad');
    expect(e.footer!.text).toContain(ds.sources.get('is-comeback-2019')!.attribution);
  });

  it('shows 7- and 30-day totals with the change against the period before, matching the raw records', () => {
    const p = composeDigest(ds, win('2019-08-22'), { placeId: null }, 'UTC');
    const [f7, f30] = p.embeds![0]!.fields!;
    for (const [field, n] of [
      [f7!, 7],
      [f30!, 30],
    ] as const) {
      const cur = oracle(ds, addDays('2019-08-22', -(n - 1)), '2019-08-22');
      const prev = oracle(ds, addDays('2019-08-22', -(2 * n - 1)), addDays('2019-08-22', -n));
      const sign = (x: number) => (x > 0 ? `+${x}` : x < 0 ? `−${-x}` : '±0');
      expect(field.value).toContain(`Incidents: ${cur.n} (${sign(cur.n - prev.n)})`);
      expect(field.value).toContain(`Killed: ${cur.killed} (${sign(cur.killed - prev.killed)})`);
      expect(field.value).toContain(`Injured: ${cur.injured} (${sign(cur.injured - prev.injured)})`);
    }
    expect(oracle(ds, '2019-07-24', '2019-08-22').n).toBe(5); // the seed's five incidents all fall in these 30 days
  });

  it('has a line per country and one dated quotation from the period', () => {
    const p = composeDigest(ds, win('2019-08-22'), { placeId: null }, 'UTC');
    const fields = p.embeds![0]!.fields!;
    const countries = fields.find((f) => f.name.startsWith('By country'))!.value;
    expect(countries).toMatch(/\*\*Iraq\*\*: 3 incidents/);
    expect(countries).toMatch(/\*\*Syria\*\*: 2 incidents/);
    const q = fields.find((f) => f.name === 'Quotation from the period')!.value;
    const quote = ds.quotes.find((x) => q.includes(x.text.slice(0, 40)))!;
    expect(quote.kind).toBe('direct');
    expect(quote.date!.date >= '2019-07-24' && quote.date!.date <= '2019-08-22').toBe(true);
  });

  it('says so on a day with nothing new, and still shows the 30-day picture', () => {
    const p = composeDigest(ds, win('2019-08-25'), { placeId: null }, 'Europe/London');
    const e = p.embeds![0]!;
    expect(e.description).toMatch(/^Nothing new: no incidents involving the Islamic State recorded on \*\*Sunday 25 August 2019\*\*/);
    expect(e.fields![1]!.value).toContain(`Incidents: ${oracle(ds, '2019-07-27', '2019-08-25').n}`);
    // inside the covered span but far from any incident: nothing, and it says that too
    const empty = composeDigest(ds, win('2020-11-23'), { placeId: null }, 'UTC').embeds![0]!;
    expect(empty.description).toContain('Nothing new');
    expect(empty.fields!.find((f) => f.name.startsWith('By country'))!.value).toBe('No incidents recorded in either period.');
    expect(empty.footer!.text).toContain('No sources');
    // years later, where no source covers the day: no data, not a calm day
    const uncovered = composeDigest(ds, win('2026-11-23'), { placeId: null }, 'UTC').embeds![0]!;
    expect(uncovered.description).toMatch(/^No source covers \*\*Monday 23 November 2026\*\*.*the newest data is from 31 Dec 2020/);
    expect(JSON.stringify(uncovered.fields)).not.toMatch(/Incidents: 0|Killed: 0/);
  });

  it('lists incidents first recorded since the last digest that occurred earlier as late reports, once', () => {
    const w = win('2019-08-22', { recordedIds: ['daraa-security-post-2019-07-28', 'diyala-police-2019-08-22', 'no-such-incident'] });
    const { payload, summary } = composeDigestWithSummary(ds, w, { placeId: null }, 'UTC');
    const d = payload.embeds![0]!.description!;
    expect(summary).toMatchObject({ dayCount: 1, lateCount: 1 });
    const late = d.slice(d.indexOf('**Reported late**'));
    expect(idsIn(late)).toEqual(['daraa-security-post-2019-07-28']);
    expect(late).toMatch(/^\*\*Reported late\*\*: 1 incident from 28 Jul 2019 first recorded since the last digest \(they occurred earlier\)\./);
    expect(idsIn(d)).toEqual(['diyala-police-2019-08-22', 'daraa-security-post-2019-07-28']); // each once
  });

  it('adds days no digest covered to the late reports', () => {
    const w = win('2019-08-22', { previousDay: '2019-08-17' });
    const { payload, summary } = composeDigestWithSummary(ds, w, { placeId: null }, 'UTC');
    expect(summary.lateCount).toBe(1);
    expect(idsIn(payload.embeds![0]!.description)).toEqual(['diyala-police-2019-08-22', 'homs-army-2019-08-18']);
    expect(payload.embeds![0]!.description).toContain(
      '**Reported late**: 1 incident from 18 Aug 2019 dated on days no digest covered (they occurred earlier).',
    );
  });

  it('keeps to the place filter', () => {
    const p = composeDigest(ds, win('2019-08-22', { previousDay: '2019-07-01' }), { placeId: 'syria' }, 'UTC');
    const e = p.embeds![0]!;
    expect(e.title).toContain('Syria');
    for (const id of idsIn(e.description)) expect(ds.gazetteer.country(ds.incident(id)!.placeId)?.id).toBe('syria');
    expect(idsIn(e.description)).toEqual(['homs-army-2019-08-18', 'daraa-security-post-2019-07-28']);
    const countries = e.fields!.find((f) => f.name.startsWith('By country'))!.value;
    expect(countries).not.toContain('Iraq');
  });

  it('keeps to the actor filter, with or without a place, and says what it counts', () => {
    const w = win('2019-08-22', { previousDay: '2019-07-01' });
    const army = composeDigest(ds, w, { placeId: null, actor: 'syrian-army' }, 'UTC').embeds![0]!;
    expect(idsIn(army.description)).toEqual(['homs-army-2019-08-18', 'daraa-security-post-2019-07-28']);
    expect(army.description).toContain('Reported late');
    const kurds = composeDigest(ds, w, { placeId: 'iraq', actor: 'kurdish-security-forces' }, 'UTC').embeds![0]!;
    expect(kurds.description).toMatch(/^\*\*Thursday 22 August 2019\*\* \(<t:\d+:D>\) in Iraq: 0 incidents involving Kurdish security forces\./);
    expect(idsIn(kurds.description)).toEqual(['sulaymaniyah-security-post-2019-07-31']);
    // late reports keep to the actor too (the recorded ids include an attack on other forces)
    const rec = win('2019-08-22', { recordedIds: ['sulaymaniyah-security-post-2019-07-31', 'daraa-security-post-2019-07-28'] });
    const kurdsLate = composeDigest(ds, rec, { placeId: null, actor: 'kurdish-security-forces' }, 'UTC').embeds![0]!;
    expect(idsIn(kurdsLate.description)).toEqual(['sulaymaniyah-security-post-2019-07-31']);
    // the default (absent or null) is the focus actor; 'any' is all recorded violence
    expect(composeDigest(ds, w, { placeId: null }, 'UTC')).toEqual(composeDigest(ds, w, { placeId: null, actor: null }, 'UTC'));
    expect(composeDigest(ds, w, { placeId: null, actor: 'any' }, 'UTC').embeds![0]!.description).toContain('(all recorded violence)');
  });

  it("stays inside Discord's embed limits on a day with hundreds of incidents", () => {
    const many = withSynthetic(Array.from({ length: 300 }, (_, i) => ({ id: `synthetic-${i}`, date: '2019-08-22' })));
    const late = withSynthetic(Array.from({ length: 300 }, (_, i) => ({ id: `late-${i}`, date: '2019-08-01' })));
    for (const [d, rec] of [
      [many, []],
      [late, late.raw.incidents.map((i) => i.id)],
    ] as const) {
      const p = composeDigest(d, win('2019-08-22', { recordedIds: rec }), { placeId: null }, 'UTC');
      const e = p.embeds![0]!;
      expect(embedLength(e)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
      expect(e.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
      for (const f of e.fields!) expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedFieldValue);
      expect(e.description).toMatch(/… and \d+ more/);
    }
  });

  it('says "not stated" for a figure no incident of the period gives (never 0), and shows a change only when both periods give it', () => {
    const seed = seedDataset();
    const base = seed.raw.incidents.find((i) => i.id === 'diyala-police-2019-08-22')!;
    const c0 = base.casualties[0]!;
    const make = (id: string, date: string, killed: number | null, injured: number | null): Incident => ({
      ...base,
      id,
      date: { date, precision: 'exact' },
      casualties: [{ ...c0, killed, injured }],
    });
    const field = (d: Dataset, prefix: string) =>
      composeDigest(d, win('2019-08-22'), { placeId: null }, 'UTC').embeds![0]!.fields!.find((f) => f.name.startsWith(prefix))!.value;
    // this period states no injured figure, the 30 days before do (2 injured)
    const noInjured = covered({ ...seed.raw, incidents: [make('a', '2019-08-20', 1500, null), make('b', '2019-07-10', 1, 2)] });
    const t30 = field(noInjured, 'Last 30 days');
    expect(t30).toContain('Killed: 1,500 (+1,499)');
    expect(t30).toContain('Injured: not stated by the sources');
    expect(t30).not.toMatch(/Injured: 0/);
    expect(field(noInjured, 'Last 7 days')).toContain('Injured: not stated by the sources');
    expect(field(noInjured, 'By country')).toBe('**Iraq**: 1 incident (±0), 1,500 killed (+1,499), injured not stated');
    // the other way round: a figure now, none before: the figure without a change
    const noneBefore = covered({ ...seed.raw, incidents: [make('a', '2019-08-20', 1, 5), make('b', '2019-07-10', 3, null)] });
    expect(field(noneBefore, 'Last 30 days')).toContain('Injured: 5, none recorded as IS militants — security forces 5 (not stated for the 30 days before)');
    expect(field(noneBefore, 'By country')).toBe('**Iraq**: 1 incident (±0), 1 killed (−2), 5 injured');
  });

  it('is pure: the same inputs give the same message', () => {
    const a = text(composeDigest(ds, win('2019-08-22'), { placeId: null }, 'America/New_York'));
    const b = text(composeDigest(ds, win('2019-08-22'), { placeId: null }, 'America/New_York'));
    expect(a).toBe(b);
    expect(CASUALTY_GROUPS.length).toBeGreaterThan(0);
  });
});
