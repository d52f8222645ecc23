import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { oursEngine, scanEngine, sqliteEngine, type Engine } from '../testkit/scale/engines.ts';
import { generateIncidents, syntheticDataset } from '../testkit/scale/generate.ts';
import { QUERY_KINDS, queryMix } from '../testkit/scale/query-mix.ts';
import { Dataset } from '../src/core/dataset.ts';
import { DEFAULT_DATA_DIR, loadDataset } from '../src/data/load-dataset.ts';
import { openRecordsSnapshot, writeRecordsSnapshot } from '../src/data/records-snapshot.ts';
import { hasAllFigures, killedPlusInjured } from '../src/core/incident-index.ts';
import { loadRawDataset, snapshotCodeFiles } from '../src/data/load-dataset.ts';
import { readDataDir } from '../src/data/read-data-dir.ts';
import { validateRecords } from '../src/data/validate-records.ts';

const REPO = join(import.meta.dirname, '..');
import { queryIncidents } from '../src/core/query-incidents.ts';
import { findRelatedIncidents } from '../src/core/related-incidents.ts';
import { CASUALTY_GROUPS, type Incident, type RawDataset } from '../src/schema/index.ts';

let shipped: RawDataset;
let ds: Dataset;
let engines: Engine[];
beforeAll(() => {
  shipped = loadRawDataset(DEFAULT_DATA_DIR);
  ds = new Dataset(syntheticDataset(shipped, 4000, 7));
  engines = [oursEngine(ds), sqliteEngine(ds, ':memory:'), scanEngine(ds)];
});

const newestFirst = (a: Incident, b: Incident) => (a.date.date > b.date.date ? -1 : a.date.date < b.date.date ? 1 : a.id < b.id ? -1 : 1);

describe('synthetic data', () => {
  it('is deterministic for a seed and valid under the same schemas', () => {
    const a = generateIncidents(shipped.incidents, 500, 42);
    expect(JSON.stringify(generateIncidents(shipped.incidents, 500, 42))).toBe(JSON.stringify(a));
    expect(JSON.stringify(generateIncidents(shipped.incidents, 500, 43))).not.toBe(JSON.stringify(a));
    const raw = syntheticDataset(shipped, 500, 42);
    const { info, ...kinds } = raw;
    const files = {
      ...Object.fromEntries(Object.entries(kinds).map(([k, recs]) => [k, (recs as unknown[]).map((value, index) => ({ file: k, index, value }))])),
      info: info && { file: 'dataset.json', index: 0, value: info },
    };
    expect(() => validateRecords(files as Parameters<typeof validateRecords>[0])).not.toThrow();
  });
});

describe('the query mix gives the same answers from our indexes, SQLite and a plain scan', () => {
  it('for every variant of every query kind', () => {
    const mix = queryMix(ds);
    let checked = 0;
    for (const kind of QUERY_KINDS) {
      expect(mix.variants[kind].length).toBeGreaterThan(0);
      for (const v of mix.variants[kind]) {
        if (kind === 'fuzzy-place') continue;
        const [ours, ...others] = engines.map((e) => v.run(e));
        for (const o of others) expect(o, `${kind} ${v.label}`).toEqual(ours);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('for a mistyped place, once the engines agree on the place', () => {
    for (const typo of ['mosull', 'aleppoo', 'kirkukk']) {
      const id = engines[0]!.fuzzyPlace(typo);
      expect(id).not.toBeNull();
      const [ours, ...others] = engines.map((e) => e.attacks({ placeId: id!, from: null, to: null }, 0, 10));
      for (const o of others) expect(o).toEqual(ours);
    }
    expect(engines[0]!.fuzzyPlace('mosull')).toBe('mosul');
  });
});

describe('queryIncidents at random against brute force', () => {
  it('pages, totals and counts match for place, actor, dates and minimum casualties in any combination', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const places = [...ds.gazetteer.all()].map((p) => p.id).filter((id) => ds.incidents.forPlace(id));
    const actors = ['islamic-state', 'syrian-army', 'iraqi-security-forces', 'sdf', 'syrian-insurgents'];
    const days = ds.raw.incidents.map((i) => i.date.date).sort();
    for (let n = 0; n < 300; n++) {
      const q = {
        placeId: rand() < 0.85 ? places[Math.floor(rand() * places.length)]! : null,
        actorId: rand() < 0.4 ? actors[Math.floor(rand() * actors.length)]! : null,
        from: rand() < 0.5 ? days[Math.floor(rand() * days.length)]! : null,
        to: rand() < 0.5 ? days[Math.floor(rand() * days.length)]! : null,
        minCasualties: rand() < 0.25 ? Math.floor(rand() * 10) : null,
      };
      const page = { offset: Math.floor(rand() * 3) * 10, limit: 10 };
      const inside = q.placeId ? new Set(ds.gazetteer.descendants(q.placeId)) : null;
      const expected = ds.raw.incidents
        .filter(
          (i) =>
            (!inside || inside.has(i.placeId)) &&
            (!q.actorId || i.perpetratorId === q.actorId || i.casualties.some((c) => c.actorId === q.actorId)) &&
            (!q.from || i.date.date >= q.from) &&
            (!q.to || i.date.date <= q.to) &&
            (!q.minCasualties || killedPlusInjured(i) >= q.minCasualties),
        )
        .sort(newestFirst);
      const got = queryIncidents(ds, q, page);
      expect(got.total, JSON.stringify(q)).toBe(expected.length);
      expect(got.incidents.map((i) => i.id)).toEqual(expected.slice(page.offset, page.offset + page.limit).map((i) => i.id));
      for (const g of CASUALTY_GROUPS) {
        expect(got.totals[g].killed).toBe(expected.reduce((s, i) => s + i.casualties.filter((c) => c.group === g).reduce((t, c) => t + (c.killed ?? 0), 0), 0));
        expect(got.totals[g].injured).toBe(
          expected.reduce((s, i) => s + i.casualties.filter((c) => c.group === g).reduce((t, c) => t + (c.injured ?? 0), 0), 0),
        );
      }
      expect(got.withoutFigures).toBe(expected.filter((i) => !hasAllFigures(i)).length);
      expect(got.figuresGiven).toEqual({
        killed: expected.filter((i) => i.casualties.some((c) => c.killed !== null)).length,
        injured: expected.filter((i) => i.casualties.some((c) => c.injured !== null)).length,
      });
    }
  });

  it('PostingList.totals is exact for ranges that split a day, not only whole days', () => {
    const list = ds.incidents.forPlace('syria')!;
    const incs = ds.incidents.incidents;
    for (const [lo, hi] of [
      [0, 1],
      [3, 17],
      [5, 5],
      [100, 101],
      [7, list.length - 3],
      [0, list.length],
    ] as const) {
      const t = list.totals(lo, hi);
      let killed = 0;
      for (let i = lo; i < hi; i++) killed += incs[list.positions[i]!]!.casualties.reduce((s, c) => s + (c.killed ?? 0), 0);
      expect(Object.values(t).reduce((s, g) => s + g.killed, 0)).toBe(killed);
    }
  });
});

describe('the validated-records snapshot', () => {
  it('returns what validation returns, and a changed data file is validated again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snap-data-'));
    const snaps = mkdtempSync(join(tmpdir(), 'snap-cache-'));
    for (const kind of ['places', 'actors', 'sources', 'incidents', 'statistics', 'quotes'])
      cpSync(join(DEFAULT_DATA_DIR, kind), join(dir, kind), { recursive: true, filter: (src) => !src.includes('ucdp-ged') });
    const validated = validateRecords(readDataDir(dir));
    const opts = { snapshotDir: snaps, snapshotMinMs: 0 };
    expect(loadRawDataset(dir, opts)).toEqual(validated);
    expect(readdirSync(snaps)).toHaveLength(1);
    expect(loadRawDataset(dir, opts)).toEqual(validated); // from the snapshot
    expect(loadRawDataset(dir, { snapshotDir: mkdtempSync(join(tmpdir(), 'snap-none-')) })).toEqual(validated); // fast: no snapshot written
    const file = join(dir, 'incidents', 'seed-article.json');
    const recs = JSON.parse(readFileSync(file, 'utf8')) as { placeId: string }[];
    recs[0]!.placeId = 'atlantis';
    writeFileSync(file, JSON.stringify(recs));
    expect(() => loadRawDataset(dir, opts)).toThrow(/atlantis/);
    expect(readdirSync(snaps)).toHaveLength(1);
  });
});

describe('findRelatedIncidents', () => {
  it("finds another source's record at a nested place within two days that shares a party, and nothing else", () => {
    const seed = shipped.incidents.find((i) => i.id === 'daraa-security-post-2019-07-28')!;
    const ged = (id: string, date: string, placeId: string, actors: string[]): Incident => ({
      ...seed,
      id,
      sourceId: 'ucdp-ged-191',
      date: { date, precision: 'exact' },
      placeId,
      perpetratorId: null,
      casualties: actors.map((a) => ({ group: 'unknown', actorId: a, label: a, killed: 1, injured: null, note: null })),
    });
    const raw: RawDataset = {
      ...shipped,
      incidents: [
        seed,
        ged('ged-1', '2019-07-29', 'daraa-town', ['syrian-army', 'islamic-state']), // match: a town in Daraa, next day
        ged('ged-2', '2019-07-28', 'daraa-governorate', ['syrian-army', 'syrian-insurgents']), // IS not a party
        ged('ged-3', '2019-08-02', 'daraa-town', ['syrian-army', 'islamic-state']), // five days later
        ged('ged-4', '2019-07-28', 'homs', ['syrian-army', 'islamic-state']), // another province
      ],
    };
    const small = new Dataset(raw);
    expect(findRelatedIncidents(small, seed).map((i) => i.id)).toEqual(['ged-1']);
    expect(findRelatedIncidents(small, small.incidents.get('ged-1')!).map((i) => i.id)).toEqual([seed.id]);
    expect(findRelatedIncidents(small, small.incidents.get('ged-4')!)).toEqual([]);
  });
});

describe('the binary snapshot (records read on demand)', () => {
  it('answers every query of the mix exactly as the dataset it was written from', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bin-snap-')), 'ds.bin');
    writeRecordsSnapshot(ds, file);
    const lazy = openRecordsSnapshot(file);
    expect(lazy.counts()).toEqual(ds.counts());
    const mix = queryMix(ds);
    const [a, b] = [oursEngine(ds), oursEngine(lazy)];
    for (const kind of QUERY_KINDS) for (const v of mix.variants[kind]) expect(v.run(b), `${kind} ${v.label}`).toEqual(v.run(a));
    const some = [0, 1, 17, ds.incidents.incidents.length - 1];
    for (const i of some) expect(lazy.incidents.incidents[i]).toEqual(ds.incidents.incidents[i]);
    const id = ds.incidents.incidents[123]!.id;
    expect(lazy.incidents.get(id)).toEqual(ds.incidents.get(id));
    expect(lazy.incidents.get('no-such-id')).toBeUndefined();
    // still an array to code that walks it
    expect(lazy.raw.incidents.length).toBe(ds.raw.incidents.length);
    expect(lazy.incidents.incidents.slice(0, 3).map((i) => i.id)).toEqual(ds.incidents.incidents.slice(0, 3).map((i) => i.id));
    expect([...lazy.incidents.incidents].length).toBe(ds.incidents.incidents.length);
    expect(lazy.incidents.incidents.filter((i) => i.placeId === 'mosul').length).toBe(ds.incidents.incidents.filter((i) => i.placeId === 'mosul').length);
    expect(5 in lazy.incidents.incidents).toBe(true);
    expect(lazy.incidents.incidents[ds.incidents.incidents.length]).toBeUndefined();
    const related = ds.incidents.incidents.slice(0, 50).map((i) => findRelatedIncidents(ds, i).map((r) => r.id));
    expect(lazy.incidents.incidents.slice(0, 50).map((i) => findRelatedIncidents(lazy, i).map((r) => r.id))).toEqual(related);
  });

  it('keeps its file open while the lazy records are in use, even once the Dataset itself is collected', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bin-gc-')), 'ds.bin');
    writeRecordsSnapshot(ds, file);
    // In a child with --expose-gc: keep only ds.incidents.incidents, collect the Dataset, then read records.
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `
      import { openRecordsSnapshot } from ${JSON.stringify(join(REPO, 'src', 'data', 'records-snapshot.ts'))};
      let ds = openRecordsSnapshot(${JSON.stringify(file)});
      let done = false;
      const registry = new FinalizationRegistry(() => (done = true));
      registry.register(ds, 'gone');
      const records = ds.incidents.incidents;
      ds = null;
      const until = Date.now() + 5000;
      while (!done && Date.now() < until) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
      for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); }
      console.log(JSON.stringify({ collected: done && !!registry, ids: [0, 1, 2, records.length - 1].map((i) => records[i].id) }));`,
      ],
      { cwd: REPO, encoding: 'utf8' },
    );
    const incs = ds.incidents.incidents;
    expect(JSON.parse(out)).toEqual({ collected: true, ids: [incs[0]!.id, incs[1]!.id, incs[2]!.id, incs[incs.length - 1]!.id] });
  });

  it('is what loadDataset uses from binarySnapshotMin incidents on, and is rebuilt when the data changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bin-data-'));
    const snaps = mkdtempSync(join(tmpdir(), 'bin-cache-'));
    for (const kind of ['places', 'actors', 'sources', 'incidents', 'statistics', 'quotes'])
      cpSync(join(DEFAULT_DATA_DIR, kind), join(dir, kind), { recursive: true, filter: (src) => !src.includes('ucdp-ged') });
    const opts = { snapshotDir: snaps, binarySnapshotMin: 1 };
    const first = loadDataset(dir, opts);
    const written = readdirSync(snaps).filter((f) => f.endsWith('.sqlite'));
    expect(written).toHaveLength(1);
    // Mark a record in the snapshot only: the next load shows it, so it read the records from there.
    const db = new Database(join(snaps, written[0]!));
    db.prepare("UPDATE records SET json = json_set(json, '$.summary', ?) WHERE json_extract(json, '$.id') = ?").run(
      'read from the snapshot',
      first.incidents.incidents[0]!.id,
    );
    db.close();
    const second = loadDataset(dir, opts);
    expect(first.incidents.incidents[0]!.summary).not.toBe('read from the snapshot'); // validated and indexed
    expect(second.incidents.incidents[0]!.summary).toBe('read from the snapshot'); // opened from the records snapshot
    expect(second.incidents.incidents.map((i) => i.id)).toEqual(first.incidents.incidents.map((i) => i.id));
    expect(queryIncidents(second, { placeId: 'syria' })).toEqual(queryIncidents(first, { placeId: 'syria' }));
    const file = join(dir, 'incidents', 'seed-article.json');
    const recs = JSON.parse(readFileSync(file, 'utf8')) as { placeId: string }[];
    recs[0]!.placeId = 'atlantis';
    writeFileSync(file, JSON.stringify(recs));
    expect(() => loadDataset(dir, opts)).toThrow(/atlantis/);
  });
});

describe('the binary snapshot key', () => {
  it('covers the code that computes and stores the columns: editing incident-index.ts or records-snapshot.ts changes it', async () => {
    const bin = snapshotCodeFiles('bin').map((f) => relative(REPO, f));
    expect(bin).toEqual(
      expect.arrayContaining(['src/core/incident-index.ts', 'src/data/records-snapshot.ts', 'src/data/validate-records.ts', 'src/schema/index.ts']),
    );
    // A copy of the code (its REPO_ROOT is the copy), whose files this test may edit.
    const repo = mkdtempSync(join(tmpdir(), 'bin-key-repo-'));
    cpSync(join(REPO, 'src'), join(repo, 'src'), { recursive: true });
    cpSync(join(REPO, 'package.json'), join(repo, 'package.json'));
    symlinkSync(join(REPO, 'node_modules'), join(repo, 'node_modules'), 'dir');
    const copy = (await import(pathToFileURL(join(repo, 'src', 'data', 'load-dataset.ts')).href)) as typeof import('../src/data/load-dataset.ts');
    const opts = { snapshotDir: mkdtempSync(join(tmpdir(), 'bin-key-cache-')) };
    const before = copy.snapshotPaths(DEFAULT_DATA_DIR, opts);
    expect(copy.snapshotPaths(DEFAULT_DATA_DIR, opts)).toEqual(before);
    let last = before;
    for (const file of ['core/incident-index.ts', 'data/records-snapshot.ts']) {
      appendFileSync(join(repo, 'src', file), '\n// a change to the columns\n');
      const now = copy.snapshotPaths(DEFAULT_DATA_DIR, opts);
      expect(now.bin, file).not.toBe(last.bin); // a binary snapshot of the old columns is not used
      expect(now.json, file).toBe(before.json); // the validated records are still valid
      last = now;
    }
  });
});

describe('reading NDJSON', () => {
  it('reads records line by line from the bytes and names the file and line of a broken one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndjson-'));
    const incidents = join(dir, 'incidents');
    mkdirSync(incidents);
    const seed = shipped.incidents.filter((i) => i.sourceId === 'is-comeback-2019');
    const lines = seed.map((i) => JSON.stringify(i));
    writeFileSync(join(incidents, 'a.ndjson'), `${lines[0]}\n\n${lines[1]}\r\n${lines[2]}`); // blank line, CRLF, no final newline
    expect(readDataDir(dir).incidents.map((r) => (r.value as Incident).id)).toEqual(seed.slice(0, 3).map((i) => i.id));
    writeFileSync(join(incidents, 'a.ndjson'), `${lines[0]}\n{"id": broken\n`);
    expect(() => readDataDir(dir)).toThrow(/a\.ndjson:2: file: field "\(line\)": is not valid JSON/);
  });
});
