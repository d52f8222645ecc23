import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, createReadStream, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../src/core/dataset.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import { Gazetteer } from '../src/core/gazetteer.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { aggregate } from '../src/render/map-data.ts';
import { GED_SOURCE, GED_SOURCE_ID } from '../src/import/ged-source.ts';
import { importGed, type ImportResult } from '../src/import/import-ged.ts';
import { addAliasesToGazetteerText, readExisting, writeGedOutput } from '../src/import/write-ged.ts';
import { Incident, type Actor, type Place, type Source } from '../src/schema/index.ts';
import type { CommandContext } from '../commands/kit/command.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'ged', 'ged191-slice.csv');
const DATA = join(import.meta.dirname, '..', 'data');
type CsvRow = Record<
  | 'id'
  | 'type_of_violence'
  | 'side_a'
  | 'side_b'
  | 'date_prec'
  | 'date_start'
  | 'date_end'
  | 'where_prec'
  | 'adm_1'
  | 'latitude'
  | 'longitude'
  | 'deaths_a'
  | 'deaths_b'
  | 'deaths_civilians'
  | 'low'
  | 'best'
  | 'high'
  | 'source_article'
  | 'source_headline'
  | 'source_office',
  string
>;
const rows = parse(readFileSync(FIXTURE), { columns: true, bom: true }) as CsvRow[];
/** Places and actors as before any GED import (the seed's). */
const seedPlaces = (JSON.parse(readFileSync(join(DATA, 'places', 'gazetteer.json'), 'utf8')) as Place[]).map((p) => ({
  ...p,
  aliases: p.aliases.filter((a) => !/[āīūḩşţ]|town$/.test(a)),
}));
const seedActors = JSON.parse(readFileSync(join(DATA, 'actors', 'actors.json'), 'utf8')) as Actor[];
const run = (onlyActor: string | null = null) => importGed(createReadStream(FIXTURE), { existingPlaces: seedPlaces, existingActors: seedActors, onlyActor });

let result: ImportResult;
let byId: Map<string, Incident>;
beforeAll(async () => {
  result = await run();
  byId = new Map(result.incidents.map((i) => [i.id, i]));
});

describe('importGed on the fixture slice', () => {
  it('reads every row and imports each as a schema-valid incident with a stable id from GED id', () => {
    expect(result.summary.read).toBe(rows.length);
    expect(result.summary.imported).toBe(rows.length);
    expect(result.summary.skipped).toEqual({});
    for (const inc of result.incidents) {
      expect(() => Incident.parse(inc)).not.toThrow();
      expect(inc.id).toBe(`ged-${inc.citation!.eventId}`);
      expect(inc.sourceId).toBe(GED_SOURCE_ID);
    }
  });

  it('gives the same records, places and actors when run again', async () => {
    const again = await run();
    expect(JSON.stringify(again.incidents)).toBe(JSON.stringify(result.incidents));
    expect(JSON.stringify(again.places)).toBe(JSON.stringify(result.places));
    expect(JSON.stringify(again.actors)).toBe(JSON.stringify(result.actors));
  });

  it('maps date_prec 1 to an exact day and 2-5 to a range from date_start to date_end', () => {
    for (const r of rows) {
      const inc = byId.get(`ged-${r.id}`)!;
      expect(inc.date.date).toBe(r.date_start);
      if (r.date_prec === '1') expect(inc.date).toEqual({ date: r.date_start, precision: 'exact' });
      else expect(inc.date).toMatchObject({ date: r.date_start, end: r.date_end, precision: 'range' });
    }
    expect(new Set(rows.map((r) => r.date_prec))).toEqual(new Set(['1', '2', '3', '4', '5']));
  });

  it('never invents an injured figure and keeps deaths per side with the right actor and group', () => {
    for (const r of rows) {
      const inc = byId.get(`ged-${r.id}`)!;
      expect(inc.casualties.every((c) => c.injured === null)).toBe(true);
      const killed = inc.casualties.reduce((n, c) => n + (c.killed ?? 0), 0);
      expect(killed).toBe(Number(r.best));
      if (r.type_of_violence === '3') {
        expect(inc.perpetratorId).not.toBeNull();
        expect(inc.casualties.find((c) => c.group === 'civilians')?.killed).toBe(Number(r.deaths_civilians));
      } else {
        expect(inc.perpetratorId).toBeNull();
        expect(inc.casualties[0]).toMatchObject({ label: r.side_a, killed: Number(r.deaths_a) });
        expect(inc.casualties[1]).toMatchObject({ label: r.side_b, killed: Number(r.deaths_b) });
      }
      for (const c of inc.casualties) {
        if (c.label === 'IS') expect(c).toMatchObject({ actorId: 'islamic-state', group: 'militants' });
        if (c.label === 'Government of Iraq') expect(c).toMatchObject({ actorId: 'iraqi-security-forces', group: 'security-forces' });
        if (c.label === 'Government of Syria') expect(c).toMatchObject({ actorId: 'syrian-army', group: 'security-forces' });
      }
    }
    const oneSidedIS = rows.find((r) => r.type_of_violence === '3' && r.side_a === 'IS')!;
    expect(byId.get(`ged-${oneSidedIS.id}`)!.perpetratorId).toBe('islamic-state');
  });

  it("keeps low/best/high as the fatality estimate, or explains why not when UCDP's figures contradict each other", () => {
    for (const r of rows) {
      const inc = byId.get(`ged-${r.id}`)!;
      const [low, best, high] = [Number(r.low), Number(r.best), Number(r.high)];
      if (low <= best && best <= high) expect(inc.fatalityEstimate).toEqual({ low, best, high });
      else {
        expect(inc.fatalityEstimate).toBeNull();
        expect(inc.casualtyNote).toContain(`${low}/${best}/${high}`);
      }
    }
    expect(rows.some((r) => !(Number(r.low) <= Number(r.best) && Number(r.best) <= Number(r.high)))).toBe(true);
  });

  it('quotes source_article as the evidence and keeps headline, office, date and origin as the citation', () => {
    for (const r of rows) {
      const inc = byId.get(`ged-${r.id}`)!;
      if (r.source_article.trim()) expect(inc.evidence).toEqual([r.source_article.trim().replace(/\s+/g, ' ')]);
      else expect(inc.evidence[0]).toContain(`event ${r.id}`);
      expect(inc.citation).toMatchObject({ eventId: r.id, headline: r.source_headline.trim() || null, office: r.source_office.trim() || null });
      expect(inc.summary.length).toBeLessThanOrEqual(200);
      expect(inc.summary).toMatch(
        /^(Several events reported together: )?([Cc]lash(es)? between .+ and .+|[Vv]iolence by .+ against civilians) (in|near|along or within|on) .+; .+\.$/,
      );
    }
  });

  it('learns GED spellings of known places and builds the rest under Iraq or Syria', () => {
    expect(result.learnedAliases.get('saladin-province')).toContain('Şalāḩ ad Dīn province');
    expect(result.learnedAliases.get('mosul')).toContain('Mosul town');
    const all = new Map([...seedPlaces, ...result.places].map((p) => [p.id, p]));
    for (const p of result.places) {
      let cur: Place | undefined = p;
      const seen = new Set<string>();
      while (cur?.parentId) {
        expect(seen.has(cur.id)).toBe(false);
        seen.add(cur.id);
        cur = all.get(cur.parentId);
      }
      expect(['iraq', 'syria']).toContain(cur?.id);
    }
    const saladinRow = rows.find((r) => r.adm_1 === 'Şalāḩ ad Dīn province' && r.where_prec === '1')!;
    const inc = byId.get(`ged-${saladinRow.id}`)!;
    const lineage: string[] = [];
    for (let p = all.get(inc.placeId); p; p = p.parentId ? all.get(p.parentId) : undefined) lineage.push(p.id);
    expect(lineage).toContain('saladin-province');
    expect(inc.location.coordinates).toEqual({ lat: Number(saladinRow.latitude), lon: Number(saladinRow.longitude) });
    const tamim = rows.find((r) => r.adm_1 === "At-Ta'mim province")!;
    expect(
      all.get(byId.get(`ged-${tamim.id}`)!.placeId)?.id === 'kirkuk-governorate' ||
        lineageOf(all, byId.get(`ged-${tamim.id}`)!.placeId).includes('kirkuk-governorate'),
    ).toBe(true);
  });

  it('--only-actor keeps just the events with that side', async () => {
    const is = await run('IS');
    const expected = rows.filter((r) => r.side_a === 'IS' || r.side_b === 'IS').length;
    expect(is.summary.imported).toBe(expected);
    expect(is.summary.filtered).toBe(rows.length - expected);
  });

  it('rejects a file that is not GED', async () => {
    const { Readable } = await import('node:stream');
    await expect(importGed(Readable.from(['a,b\n1,2\n']), { existingPlaces: [], existingActors: [] })).rejects.toThrow(/missing column/);
  });
});

function lineageOf(all: Map<string, Place>, id: string): string[] {
  const out: string[] = [];
  for (let p = all.get(id); p; p = p.parentId ? all.get(p.parentId) : undefined) out.push(p.id);
  return out;
}

describe('writing the import', () => {
  it('inserts aliases into the gazetteer text without touching anything else', () => {
    const text =
      '[\n  { "id": "a", "name": "A", "aliases": ["x"], "coordinates": { "lat": 1.0, "lon": 2.0 } },\n  { "id": "b", "name": "B", "aliases": [] }\n]\n';
    const out = addAliasesToGazetteerText(
      text,
      new Map([
        ['a', ['Ä town']],
        ['b', ['y]']],
      ]),
    );
    expect(out).toBe(
      '[\n  { "id": "a", "name": "A", "aliases": ["x", "Ä town"], "coordinates": { "lat": 1.0, "lon": 2.0 } },\n  { "id": "b", "name": "B", "aliases": ["y]"] }\n]\n',
    );
  });

  it('writes a loadable data folder, and a second identical import changes no byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ged-import-'));
    for (const kind of ['places', 'actors', 'sources', 'incidents', 'statistics', 'quotes'])
      cpSync(join(DATA, kind), join(dir, kind), { recursive: true, filter: (src) => !src.includes('ucdp-ged') });
    const script = join(import.meta.dirname, '..', 'src', 'import', 'import-ged-cli.ts');
    const first = execFileSync(process.execPath, ['--import', 'tsx', script, FIXTURE, '--out', dir], { encoding: 'utf8' });
    expect(first).toMatch(/Read 31 rows/);
    expect(first).toMatch(/Imported 31 incidents/);
    expect(first).toMatch(/CC BY 4\.0/);
    const snapshot = () =>
      Object.fromEntries(
        ['places', 'actors', 'sources', 'incidents'].flatMap((k) => readdirSync(join(dir, k)).map((f) => [`${k}/${f}`, readFileSync(join(dir, k, f), 'utf8')])),
      );
    const before = snapshot();
    const second = execFileSync(process.execPath, ['--import', 'tsx', script, FIXTURE, '--out', dir], { encoding: 'utf8' });
    expect(second).toMatch(/Wrote nothing/);
    expect(snapshot()).toEqual(before);
    // The import ends by writing the manifest: the folder loads without a warning, and a GED file cut
    // at a line boundary afterwards (an interrupted copy) is refused by name, not served smaller.
    const warnings: string[] = [];
    const ds = loadDataset(dir, { snapshot: false, warn: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { records: number }> };
    const gedFiles = Object.keys(manifest.files).filter((f) => /^incidents\/ucdp-ged-.*\.ndjson$/.test(f));
    expect(gedFiles.reduce((n, f) => n + manifest.files[f]!.records, 0)).toBe(31);
    expect(ds.incidents.get('ged-125904')).toBeDefined();
    const saladin = queryIncidents(
      ds,
      { placeId: ds.gazetteer.resolve('Şalāḩ ad Dīn province').kind === 'found' ? 'saladin-province' : 'none' },
      { offset: 0, limit: 50 },
    );
    expect(saladin.incidents.map((i) => i.sourceId)).toEqual(expect.arrayContaining(['is-comeback-2019', GED_SOURCE_ID]));
    expect(readExisting<Place>(dir, 'places').some((p) => p.id === 'aleppo-governorate')).toBe(false); // GED's own file is not "existing"
    const cut = join(dir, gedFiles[0]!);
    const lines = readFileSync(cut, 'utf8').split('\n').filter(Boolean);
    writeFileSync(cut, `${lines.slice(0, -1).join('\n')}\n`);
    expect(() => loadDataset(dir, { snapshot: false })).toThrow(
      new RegExp(`${gedFiles[0]!.split('/')[1]!.replace('.', '\\.')}.*${lines.length - 1} records where the manifest lists ${lines.length}`),
    );
  });
});

describe('a later import replaces the earlier one as a whole', () => {
  const header = readFileSync(FIXTURE, 'utf8').split('\n')[0]!;
  const lines = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim());
  const freshData = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ged-reimport-'));
    for (const kind of ['places', 'actors', 'sources', 'incidents', 'statistics', 'quotes'])
      cpSync(join(DATA, kind), join(dir, kind), { recursive: true, filter: (src) => !src.includes('ucdp-ged') });
    return dir;
  };
  /** What the CLI does, in process. */
  const importInto = async (dir: string, csv: string, onlyActor: string | null = null) => {
    const existingPlaces = readExisting<Place>(dir, 'places');
    const existingActors = readExisting<Actor>(dir, 'actors');
    const res = await importGed(createReadStream(csv), { existingPlaces, existingActors, onlyActor });
    const gaz = new Gazetteer([...existingPlaces, ...res.places]);
    return writeGedOutput(dir, res, (inc) => gaz.country(inc.placeId)?.id ?? 'unknown');
  };
  const csvOf = (dir: string, keep: (line: string) => boolean) => {
    const path = join(dir, 'slice.csv');
    writeFileSync(path, `${[header, ...lines.filter(keep)].join('\n')}\n`);
    return path;
  };
  const gedIncidentFiles = (dir: string) =>
    readdirSync(join(dir, 'incidents'))
      .filter((f) => f.startsWith('ucdp-ged-'))
      .sort();

  it('removes the incident file of a country the new import has no events for, so the folder stays valid', async () => {
    const dir = freshData();
    await importInto(dir, FIXTURE);
    expect(gedIncidentFiles(dir)).toEqual(['ucdp-ged-iraq.ndjson', 'ucdp-ged-syria.ndjson']);
    const iraqOnly = csvOf(mkdtempSync(join(tmpdir(), 'ged-csv-')), (l) => l.includes('"Iraq"'));
    const report = await importInto(dir, iraqOnly);
    expect(report.removed).toEqual(['incidents/ucdp-ged-syria.ndjson']);
    expect(gedIncidentFiles(dir)).toEqual(['ucdp-ged-iraq.ndjson']);
    expect(() => loadDataset(dir, { snapshot: false })).not.toThrow();
  });

  it('does the same when --only-actor matches no event of a country', async () => {
    const dir = freshData();
    await importInto(dir, FIXTURE);
    const report = await importInto(dir, FIXTURE, 'SDF');
    expect(report.removed).toEqual(['incidents/ucdp-ged-iraq.ndjson']);
    expect(gedIncidentFiles(dir)).toEqual(['ucdp-ged-syria.ndjson']);
    expect(() => loadDataset(dir, { snapshot: false })).not.toThrow();
  });

  it('refuses a CSV with a header only: exits non-zero and writes nothing', async () => {
    const dir = freshData();
    await importInto(dir, FIXTURE);
    const files = () =>
      Object.fromEntries(
        ['places', 'actors', 'sources', 'incidents'].flatMap((k) => readdirSync(join(dir, k)).map((f) => [`${k}/${f}`, readFileSync(join(dir, k, f), 'utf8')])),
      );
    const before = files();
    const empty = csvOf(mkdtempSync(join(tmpdir(), 'ged-csv-')), () => false);
    await expect(importInto(dir, empty)).rejects.toThrow(/no event rows/);
    const script = join(import.meta.dirname, '..', 'src', 'import', 'import-ged-cli.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, empty, '--out', dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no event rows: nothing written/);
    expect(files()).toEqual(before);
  });
});

describe('GED places, precisions and aggregates (hand-written fixture)', () => {
  const PLACES_CSV = join(import.meta.dirname, 'fixtures', 'ged', 'places-precision-clarity.csv');
  const gazetteerPlaces = JSON.parse(readFileSync(join(DATA, 'places', 'gazetteer.json'), 'utf8')) as Place[];
  const seedSources = JSON.parse(readFileSync(join(DATA, 'sources', 'seed-article.json'), 'utf8')) as Source[];
  let res: ImportResult;
  let ds: Dataset;
  let inc: (gedId: number) => Incident;
  let lineage: (gedId: number) => string[];
  beforeAll(async () => {
    res = await importGed(createReadStream(PLACES_CSV), { existingPlaces: gazetteerPlaces, existingActors: seedActors });
    ds = new Dataset({
      sources: [...seedSources, GED_SOURCE],
      places: [...gazetteerPlaces, ...res.places],
      actors: [...seedActors, ...res.actors],
      incidents: res.incidents,
      statistics: [],
      quotes: [],
    });
    inc = (gedId) => res.incidents.find((i) => i.id === `ged-${gedId}`)!;
    lineage = (gedId) => ds.gazetteer.lineage(inc(gedId).placeId).map((p) => p.id);
  });
  const ctx = (): CommandContext => ({
    dataset: () => ds,
    now: () => new Date('2019-12-01T00:00:00Z'),
    invocation: { guildId: null, channelId: null, userId: null },
    services: {},
  });

  it('keeps a village name shared by two provinces as two places, each event in its own province', () => {
    expect(res.summary.skipped).toEqual({});
    expect(lineage(9100001)).toContain('diyala-province');
    expect(lineage(9100014)).toContain('diyala-province');
    expect(lineage(9100002)).toContain('saladin-province');
    expect(inc(9100001).placeId).not.toBe(inc(9100002).placeId);
    expect(inc(9100002).placeId).toBe(inc(9100003).placeId);
    const diyala = queryIncidents(ds, { placeId: 'diyala-province' }, { offset: 0, limit: 50 });
    expect(diyala.incidents.map((i) => i.id).sort()).toEqual(['ged-9100001', 'ged-9100014']);
  });

  it('puts Mosul and Homs under their districts, so a district counts the events in its city', () => {
    for (const id of [9100004, 9100005, 9100006]) expect(lineage(id).slice(-3)).toEqual(['mosul-district', 'nineveh-province', 'iraq']);
    expect(inc(9100004).placeId).toBe('mosul');
    expect(lineage(9100004)).toEqual(['mosul', 'mosul-district', 'nineveh-province', 'iraq']);
    expect(lineage(9100006)).toEqual([inc(9100006).placeId, 'mosul-district', 'nineveh-province', 'iraq']);
    expect(queryIncidents(ds, { placeId: 'mosul-district' }).total).toBe(3);
    expect(ds.gazetteer.resolve('al Mawsil District')).toMatchObject({ kind: 'found', id: 'mosul-district' });
    expect(lineage(9100007)).toEqual(['homs', 'homs-district', 'homs-governorate', 'syria']);
    expect(queryIncidents(ds, { placeId: 'homs-district' }).total).toBe(2);
    expect(res.places.filter((p) => p.kind === 'district' && /mawsil|homs/i.test(p.name))).toEqual([]);
    // GED spells one district two ways (Qaḑā’ Haditha, Qaḑā’ Ḩadīthah): one district, both spellings known.
    const haditha = ds.gazetteer.get(lineage(9100016)[1]!)!;
    expect(haditha.kind).toBe('district');
    expect(lineage(9100017)[1]).toBe(haditha.id);
    expect(haditha.aliases).toEqual(expect.arrayContaining(['Qaḑā’ Haditha', 'Qaḑā’ Ḩadīthah']));
  });

  it('maps where_prec 5 to a feature and 7 to water: no town, no spot of its own, never "near"', () => {
    const road = inc(9100009);
    expect(road.location).toEqual({ precision: 'feature', coordinates: null, description: 'Road between Ramadi town and Rutba town' });
    expect(ds.gazetteer.get(road.placeId)?.kind).toBe('region');
    expect(res.places.filter((p) => p.kind === 'city').map((p) => p.name)).not.toContain('Road between Ramadi town and Rutba');
    expect(road.summary).toContain('along or within Road between Ramadi town and Rutba town');
    // A road near which UCDP places the event (where_prec 2) is still no town.
    expect(inc(9100015).location.precision).toBe('near');
    expect(ds.gazetteer.get(inc(9100015).placeId)?.kind).toBe('site');
    expect(inc(9100010).location.precision).toBe('feature');
    expect(inc(9100011).placeId).toBe(inc(9100012).placeId); // one border, whatever point each row has
    expect(inc(9100013).location).toMatchObject({ precision: 'water', coordinates: null });
    expect(inc(9100005).location.precision).toBe('near');
    for (const id of [9100009, 9100010, 9100013]) expect(inc(id).summary).not.toMatch(/\bnear\b/);
    // The map draws a feature or a lake as an area, never as the spot of a named place.
    expect(aggregate(ds, [road, inc(9100013)]).markers.map((m) => m.approximate)).toEqual([true, true]);
    expect(aggregate(ds, [inc(9100001)]).markers[0]!.approximate).toBe(false);
  });

  it('/incident says what the location precision means', async () => {
    const { commandByName } = await import('../commands/index.ts');
    const place = async (id: number) =>
      (await commandByName.get('incident')!.handle({ id: `ged-${id}` }, ctx())).embeds![0]!.fields!.find((f) => f.name === 'Place')!.value;
    expect(await place(9100009)).toMatch(/Location known to: somewhere along or within the named road, river, border or area/);
    expect(await place(9100013)).toMatch(/Location known to: on the named body of water/);
    expect(await place(9100005)).toMatch(/within about 25 km/);
  });

  it('keeps event_clarity 2 and says so in the record, the list and /incident', async () => {
    const agg = inc(9100014);
    expect(agg.severalEvents).toBe(true);
    expect(inc(9100001).severalEvents).toBeUndefined();
    expect(agg.summary).toMatch(/^Several events reported together: clashes between Government of Iraq and IS/);
    const { commandByName } = await import('../commands/index.ts');
    const one = await commandByName.get('incident')!.handle({ id: 'ged-9100014' }, ctx());
    expect(one.embeds![0]!.fields!.find((f) => f.name === 'Several events')?.value).toMatch(/several events together/);
    const list = await commandByName.get('attacks')!.handle({ place: 'diyala' }, ctx());
    const d = list.embeds![0]!.description!;
    expect(d).toContain('Several events reported together');
    // A range inside one month shows its days.
    expect(d).toContain('**22–23 Aug 2017**');
    // Totals built on GED say they are UCDP's best estimates.
    expect(list.embeds![0]!.fields!.find((f) => f.name.startsWith('Totals'))!.value).toMatch(/\nDeaths from UCDP GED 19\.1 are UCDP's best estimates\.$/);
    const stats = await commandByName.get('stats')!.handle({ place: 'diyala' }, ctx());
    expect(stats.embeds![0]!.fields!.find((f) => f.name.startsWith('Totals'))!.value).toContain("Deaths from UCDP GED 19.1 are UCDP's best estimates.");
  });
});

describe('how a date filter counts a span of days', () => {
  it('/help says it, and the query counts a span by its first day', async () => {
    const { commandByName } = await import('../commands/index.ts');
    const ctx = {
      dataset: () => undefined as never,
      now: () => new Date(),
      invocation: { guildId: null, channelId: null, userId: null },
      services: {},
    } as CommandContext;
    const help = await commandByName.get('help')!.handle({}, ctx);
    expect(help.embeds![0]!.description).toMatch(/counted by the first day of its span in every date filter/);
    const res = await importGed(createReadStream(join(import.meta.dirname, 'fixtures', 'ged', 'places-precision-clarity.csv')), {
      existingPlaces: seedPlaces,
      existingActors: seedActors,
    });
    const places = [...seedPlaces, ...res.places];
    const ds = new Dataset({ sources: [GED_SOURCE], places, actors: [...seedActors, ...res.actors], incidents: res.incidents, statistics: [], quotes: [] });
    const ids = (from: string, to: string) => queryIncidents(ds, { from, to }, { offset: 0, limit: 100 }).incidents.map((i) => i.id);
    expect(ids('2017-08-22', '2017-08-22')).toContain('ged-9100014'); // 22–23 Aug: its first day
    expect(ids('2017-08-23', '2017-08-23')).not.toContain('ged-9100014');
  });
});
