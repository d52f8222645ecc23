import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, createReadStream, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/data/load-dataset.ts';
import { Gazetteer } from '../src/core/gazetteer.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { GED_SOURCE_ID } from '../src/import/ged-source.ts';
import { importGed, type ImportResult } from '../src/import/import-ged.ts';
import { addAliasesToGazetteerText, readExisting, writeGedOutput } from '../src/import/write-ged.ts';
import { Incident, type Actor, type Place } from '../src/schema/index.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'ged', 'ged191-slice.csv');
const DATA = join(import.meta.dirname, '..', 'data');
type CsvRow = Record<
  | 'id' | 'type_of_violence' | 'side_a' | 'side_b' | 'date_prec' | 'date_start' | 'date_end' | 'where_prec' | 'adm_1' | 'latitude' | 'longitude'
  | 'deaths_a' | 'deaths_b' | 'deaths_civilians' | 'low' | 'best' | 'high' | 'source_article' | 'source_headline' | 'source_office',
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

  it('keeps low/best/high as the fatality estimate, or explains why not when UCDP\'s figures contradict each other', () => {
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
      expect(inc.summary).toMatch(/^(Clash between .+ and .+|Violence by .+ against civilians) (in|near) .+; .+\.$/);
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
    expect(all.get(byId.get(`ged-${tamim.id}`)!.placeId)?.id === 'kirkuk-governorate' || lineageOf(all, byId.get(`ged-${tamim.id}`)!.placeId).includes('kirkuk-governorate')).toBe(true);
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
    const text = '[\n  { "id": "a", "name": "A", "aliases": ["x"], "coordinates": { "lat": 1.0, "lon": 2.0 } },\n  { "id": "b", "name": "B", "aliases": [] }\n]\n';
    const out = addAliasesToGazetteerText(text, new Map([['a', ['Ä town']], ['b', ['y]']]]));
    expect(out).toBe('[\n  { "id": "a", "name": "A", "aliases": ["x", "Ä town"], "coordinates": { "lat": 1.0, "lon": 2.0 } },\n  { "id": "b", "name": "B", "aliases": ["y]"] }\n]\n');
  });

  it('writes a loadable data folder, and a second identical import changes no byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ged-import-'));
    for (const kind of ['places', 'actors', 'sources', 'incidents', 'statistics', 'quotes']) cpSync(join(DATA, kind), join(dir, kind), { recursive: true, filter: (src) => !src.includes('ucdp-ged') });
    const script = join(import.meta.dirname, '..', 'src', 'import', 'import-ged-cli.ts');
    const first = execFileSync(process.execPath, ['--import', 'tsx', script, FIXTURE, '--out', dir], { encoding: 'utf8' });
    expect(first).toMatch(/Read 31 rows/);
    expect(first).toMatch(/Imported 31 incidents/);
    expect(first).toMatch(/CC BY 4\.0/);
    const snapshot = () => Object.fromEntries(['places', 'actors', 'sources', 'incidents'].flatMap((k) => readdirSync(join(dir, k)).map((f) => [`${k}/${f}`, readFileSync(join(dir, k, f), 'utf8')])));
    const before = snapshot();
    const second = execFileSync(process.execPath, ['--import', 'tsx', script, FIXTURE, '--out', dir], { encoding: 'utf8' });
    expect(second).toMatch(/Wrote nothing/);
    expect(snapshot()).toEqual(before);
    const ds = loadDataset(dir, { snapshot: false });
    expect(ds.incidents.get('ged-125904')).toBeDefined();
    const saladin = queryIncidents(ds, { placeId: ds.gazetteer.resolve('Şalāḩ ad Dīn province').kind === 'found' ? 'saladin-province' : 'none' }, { offset: 0, limit: 50 });
    expect(saladin.incidents.map((i) => i.sourceId)).toEqual(expect.arrayContaining(['is-comeback-2019', GED_SOURCE_ID]));
    expect(readExisting<Place>(dir, 'places').some((p) => p.id === 'aleppo-governorate')).toBe(false); // GED's own file is not "existing"
  });
});

describe('a later import replaces the earlier one as a whole', () => {
  const header = readFileSync(FIXTURE, 'utf8').split('\n')[0]!;
  const lines = readFileSync(FIXTURE, 'utf8').split('\n').slice(1).filter((l) => l.trim());
  const freshData = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ged-reimport-'));
    for (const kind of ['places', 'actors', 'sources', 'incidents', 'statistics', 'quotes']) cpSync(join(DATA, kind), join(dir, kind), { recursive: true, filter: (src) => !src.includes('ucdp-ged') });
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
  const gedIncidentFiles = (dir: string) => readdirSync(join(dir, 'incidents')).filter((f) => f.startsWith('ucdp-ged-')).sort();

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
    const files = () => Object.fromEntries(['places', 'actors', 'sources', 'incidents'].flatMap((k) => readdirSync(join(dir, k)).map((f) => [`${k}/${f}`, readFileSync(join(dir, k, f), 'utf8')])));
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
