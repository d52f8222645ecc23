import { describe, expect, it } from 'vitest';
import { parseDateInput, parseDateRange } from '../src/core/date-input.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { findQuotes } from '../src/core/query-quotes.ts';
import { statisticsFor } from '../src/core/query-statistics.ts';
import { breakdownByPlaceKind } from '../src/core/breakdown.ts';
import { normalizeName } from '../src/core/normalize-name.ts';
import { UserError } from '../src/core/user-error.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const ds = seedDataset();
const ids = (placeId: string | null, extra: Parameters<typeof queryIncidents>[1] = {}) =>
  queryIncidents(ds, { placeId, ...extra }, { offset: 0, limit: 100 }).incidents.map((i) => i.id);

describe('place names', () => {
  it.each([
    ['Syria', 'syria'],
    ['SYRIA', 'syria'],
    ['Salah ad-Din', 'saladin-province'],
    ['salahuddin', 'saladin-province'],
    ['Ṣalāḥ ad-Dīn', 'saladin-province'],
    ["Dar'a", 'daraa-governorate'],
    ['Deraa', 'daraa-governorate'],
    ['Daraa Governorate', 'daraa-governorate'],
    ['daraa province', 'daraa-governorate'],
    ['Hims', 'homs'],
    ['Slemani', 'sulaymaniyah-province'],
    ['kurdistan', 'kurdistan-region'],
    ['al-Hol', 'al-hol-camp'],
  ])('"%s" is %s', (typed, id) => {
    expect(ds.gazetteer.resolve(typed)).toMatchObject({ kind: 'found', id });
  });

  it('prefers the city when a city and its governorate share a name, and keeps the other as an alternative', () => {
    expect(ds.gazetteer.resolve('homs')).toEqual({ kind: 'found', id: 'homs', alternatives: ['homs-governorate', 'homs-district'], how: 'name' });
    expect(ds.gazetteer.resolve('homs governorate')).toMatchObject({ id: 'homs-governorate' });
  });

  it('finds other transliterations, and suggests close names for a typo that is not clear', () => {
    expect(ds.gazetteer.resolve('Sulaimaniya')).toMatchObject({ kind: 'found', how: 'spelling' });
    expect(ds.gazetteer.resolve('Diyalla')).toMatchObject({ kind: 'found', id: 'diyala-province', how: 'spelling' });
    const r = ds.gazetteer.resolve('alepo x');
    expect(r.kind === 'not-found' && r.suggestions[0]).toBe('aleppo');
  });

  it('normalises accents, case and punctuation', () => {
    expect(normalizeName('Şalāḩ ad Dīn province')).toBe('salah ad din province');
    expect(normalizeName("  Dar'a — Governorate ")).toBe('dara governorate');
  });
});

describe('queryIncidents', () => {
  it('matches everything inside a country, region or province, newest first', () => {
    expect(ids('iraq')).toEqual(['diyala-police-2019-08-22', 'sulaymaniyah-security-post-2019-07-31', 'saladin-oilfields-2019-07-29']);
    expect(ids('kurdistan-region')).toEqual(['sulaymaniyah-security-post-2019-07-31']);
    expect(ids('syria')).toEqual(['homs-army-2019-08-18', 'daraa-security-post-2019-07-28']);
    expect(ids('homs-governorate')).toEqual(['homs-army-2019-08-18']);
    expect(ids('nineveh-province')).toEqual([]);
  });

  it('filters by inclusive date range', () => {
    expect(ids(null, { from: '2019-07-29', to: '2019-08-18' })).toEqual([
      'homs-army-2019-08-18',
      'sulaymaniyah-security-post-2019-07-31',
      'saladin-oilfields-2019-07-29',
    ]);
    expect(ids(null, { from: '2019-08-19' })).toEqual(['diyala-police-2019-08-22']);
    expect(ids(null, { to: '2019-07-28' })).toEqual(['daraa-security-post-2019-07-28']);
  });

  it('filters by actor (perpetrator or party among the casualties) and by minimum casualties', () => {
    expect(ids(null, { actorId: 'syrian-army' })).toEqual(['homs-army-2019-08-18', 'daraa-security-post-2019-07-28']);
    expect(ids('iraq', { actorId: 'kurdish-security-forces' })).toEqual(['sulaymaniyah-security-post-2019-07-31']);
    expect(ids(null, { minCasualties: 7 })).toEqual(['diyala-police-2019-08-22', 'homs-army-2019-08-18']);
  });

  it('totals killed and injured per group over all matches, not just the page', () => {
    const r = queryIncidents(ds, { placeId: 'iraq' }, { offset: 0, limit: 1 });
    expect(r.incidents).toHaveLength(1);
    expect(r.total).toBe(3);
    expect(r.totals['security-forces']).toEqual({ killed: 4, injured: 5 });
    expect(r.totals.militants).toEqual({ killed: 4, injured: 0 });
    expect(r.figuresGiven).toEqual({ killed: 2, injured: 2 });
    // The same totals with a second filter (the scanning path) as with place alone (prefix sums).
    const scanned = queryIncidents(ds, { placeId: 'iraq', minCasualties: 1 }, { offset: 0, limit: 10 });
    expect(scanned.totals).toEqual(r.totals);
  });

  it('pages through results without overlap', () => {
    const all = ids(null);
    const pages = [0, 2, 4].flatMap((offset) => queryIncidents(ds, {}, { offset, limit: 2 }).incidents.map((i) => i.id));
    expect(pages).toEqual(all);
  });
});

describe('dates people type', () => {
  const now = new Date('2019-08-25T09:00:00Z');
  it.each([
    ['2019-08-22', { from: '2019-08-22', to: '2019-08-22' }],
    ['2019-08', { from: '2019-08-01', to: '2019-08-31' }],
    ['2019', { from: '2019-01-01', to: '2019-12-31' }],
    ['today', { from: '2019-08-25', to: '2019-08-25' }],
    ['yesterday', { from: '2019-08-24', to: '2019-08-24' }],
    ['last 30 days', { from: '2019-07-27', to: '2019-08-25' }],
    ['Last 2 weeks', { from: '2019-08-12', to: '2019-08-25' }],
    ['last week', { from: '2019-08-19', to: '2019-08-25' }],
    ['last 7 days', { from: '2019-08-19', to: '2019-08-25' }],
    ['last month', { from: '2019-07-26', to: '2019-08-25' }],
    ['2019-02', { from: '2019-02-01', to: '2019-02-28' }],
    ['3 days ago', { from: '2019-08-22', to: '2019-08-22' }],
  ])('"%s"', (typed, span) => {
    expect(parseDateInput(typed, now)).toEqual(span);
  });

  it('counts days in UTC whatever time zone the machine is in', () => {
    const saved = process.env.TZ;
    try {
      for (const zone of ['America/Los_Angeles', 'Asia/Baghdad', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = zone;
        expect(parseDateInput('today', new Date('2019-08-22T03:00:00Z')), zone).toEqual({ from: '2019-08-22', to: '2019-08-22' });
        expect(parseDateInput('today', new Date('2019-08-22T22:30:00Z')), zone).toEqual({ from: '2019-08-22', to: '2019-08-22' });
        expect(parseDateInput('2019-02', new Date('2019-08-22T22:30:00Z')), zone).toEqual({ from: '2019-02-01', to: '2019-02-28' });
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('rejects what is not a date, with a message that says what works', () => {
    expect(() => parseDateInput('2019-02-30', now)).toThrow(UserError);
    expect(() => parseDateInput('next tuesday', now)).toThrow(/not a date I understand.*last 30 days/);
    expect(() => parseDateRange('2019-08-10', '2019-08-01', now)).toThrow(/ends \(2019-08-01\) before it starts/);
  });

  it('"last 30 days" against the injected clock finds the attacks of that window', () => {
    const { from, to } = parseDateRange('last 30 days', undefined, now);
    expect(ids(null, { from, to })).toEqual([
      'diyala-police-2019-08-22',
      'homs-army-2019-08-18',
      'sulaymaniyah-security-post-2019-07-31',
      'saladin-oilfields-2019-07-29',
      'daraa-security-post-2019-07-28',
    ]);
    const later = parseDateRange('last 30 days', undefined, new Date('2019-09-10T00:00:00Z'));
    expect(ids(null, later)).toEqual(['diyala-police-2019-08-22', 'homs-army-2019-08-18']);
  });
});

describe('quotes', () => {
  it.each(['pompeo', 'Mike Pompeo', 'POMPEO', 'Secretary of State', 'us secretary of state'])('"%s" finds Mike Pompeo', (typed) => {
    expect(ds.speakerNames.resolve(typed)).toMatchObject({ kind: 'found', id: 'mike-pompeo' });
  });

  it('misspelt names get suggestions', () => {
    const r = ds.speakerNames.resolve('pompeio');
    expect(r.kind === 'not-found' && r.suggestions[0]).toBe('mike-pompeo');
  });

  it('returns direct quotations apart from paraphrases, filtered by topic', () => {
    const all = findQuotes(ds, 'mike-pompeo');
    expect(all.direct.map((q) => q.id)).toEqual([
      'pompeo-caliphate-gone-resurgence',
      'pompeo-its-complicated',
      'pompeo-external-attacks-harder',
      'pompeo-significant-risk',
    ]);
    expect(all.paraphrases.map((q) => q.id)).toEqual(['pompeo-places-more-powerful']);
    const caliphate = findQuotes(ds, 'mike-pompeo', 'Caliphate');
    expect(caliphate.direct.map((q) => q.id)).toEqual(['pompeo-caliphate-gone-resurgence', 'pompeo-external-attacks-harder']);
    expect(caliphate.paraphrases).toEqual([]);
  });
});

describe('statistics and breakdowns', () => {
  it('gives the statistics about a place, inside it, and about the wider area containing it', () => {
    const syria = statisticsFor(ds, 'syria').map((s) => [s.statistic.id, s.relation]);
    expect(syria).toContainEqual(['sohr-troops-killed-2019-03-24-06-17', 'here']);
    expect(syria).toContainEqual(['al-hol-camp-population-2019-08', 'inside']);
    expect(statisticsFor(ds, 'homs').map((s) => s.relation)).toEqual(['wider', 'wider', 'wider', 'wider']);
    expect(statisticsFor(ds, 'iraq')).toEqual([]);
    // A range that misses the observatory's period leaves its counts out but keeps undated context.
    expect(statisticsFor(ds, 'syria', '2019-07-01', '2019-08-31').map((s) => s.statistic.id)).toEqual([
      'al-hol-camp-population-2019-08',
      'al-hol-camp-under-18-2019-08',
    ]);
  });

  it('breaks totals down by country and by province', () => {
    const countries = breakdownByPlaceKind(ds, null, 'country', null, null).map((r) => [r.placeId, r.count, r.totals['security-forces'].killed]);
    expect(countries).toEqual([
      ['iraq', 3, 4],
      ['syria', 2, 13],
    ]);
    expect(breakdownByPlaceKind(ds, 'iraq', 'province', null, null).map((r) => r.placeId)).toEqual([
      'diyala-province',
      'saladin-province',
      'sulaymaniyah-province',
    ]);
    // A city has no province inside it: no row, rather than the whole governorate's figures.
    expect(breakdownByPlaceKind(ds, 'homs', 'province', null, null)).toEqual([]);
    expect(breakdownByPlaceKind(ds, 'syria', 'country', null, null)).toEqual([]);
  });
});

describe('dates as shown', () => {
  it('formats ISO days, derived dates and ranges the same way date-fns would', async () => {
    const { day, shortDate } = await import('../src/core/format.ts');
    const { format, parseISO } = await import('date-fns');
    for (const iso of ['2019-08-22', '2019-01-01', '2016-12-31', '1989-02-05']) expect(day(iso)).toBe(format(parseISO(iso), 'd MMM yyyy'));
    expect(shortDate({ date: '2019-08-01', end: '2019-08-31', precision: 'range' })).toBe('1–31 Aug 2019');
    expect(shortDate({ date: '2019-07-28', end: '2019-08-03', precision: 'range' })).toBe('28 Jul 2019–3 Aug 2019');
    expect(shortDate({ date: '2019-07-31', precision: 'derived', derivedFrom: { ref: 'x', offsetDays: 2, phrase: 'two days' } })).toBe('≈31 Jul 2019');
  });
});

describe('a statistic whose period ends in a range', () => {
  it('counts until the end of that range, both when filtering and when shown', async () => {
    const { Dataset } = await import('../src/core/dataset.ts');
    const { formatStatistic } = await import('../src/core/format.ts');
    const stat = ds.raw.statistics.find((x) => x.id === 'sohr-is-deaths-2019-03-24-06-17')!;
    const ranged = { ...stat, period: { from: stat.period!.from, to: { date: '2019-06-01', end: '2019-06-30', precision: 'range' as const } } };
    const d2 = new Dataset({ ...ds.raw, statistics: [ranged] });
    // A range starting 20 June overlaps a period that may run to 30 June.
    expect(statisticsFor(d2, 'syria', '2019-06-20', null).map((x) => x.statistic.id)).toEqual([stat.id]);
    expect(statisticsFor(d2, 'syria', '2019-07-01', null)).toEqual([]);
    expect(formatStatistic(ranged, d2)).toBe('47 IS deaths in Syria, 24 Mar 2019 – 30 Jun 2019 (Syrian Observatory for Human Rights)');
  });
});
