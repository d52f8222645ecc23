import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateIncidents, SYNTHETIC_SOURCE } from '../testkit/scale/generate.ts';
import { sources as sourcesCommand } from '../commands/sources.ts';
import type { CommandContext } from '../commands/kit/command.ts';
import { Dataset } from '../src/core/dataset.ts';
import { DEFAULT_DATA_DIR, loadRawDataset } from '../src/data/load-dataset.ts';
import { openRecordsSnapshot, writeRecordsSnapshot } from '../src/data/records-snapshot.ts';
import { sourceCoverage, sourcesMatching } from '../src/core/source-coverage.ts';
import { incidentChoices } from '../commands/kit/choices.ts';
import type { Incident, RawDataset } from '../src/schema/index.ts';

/**
 * The shipped records (seed article + UCDP GED) plus synthetic ones from a third source, in memory and
 * opened from a binary snapshot (records on disk, read on demand): three sources with different places
 * and date spans, so coverage and matching have something to tell apart.
 */
let raw: RawDataset;
let mem: Dataset;
let disk: Dataset;
let recordsReadFromDisk: () => number;
beforeAll(() => {
  const shipped = loadRawDataset(DEFAULT_DATA_DIR);
  // Synthetic incidents only from Syrian templates and moved to 2030+: a source with its own places and span.
  const syrian = shipped.incidents.filter((i) => i.id.startsWith('ged-') && i.placeId !== 'iraq' && !i.summary.includes('Iraq')).slice(0, 3000);
  const synthetic = generateIncidents(syrian, 6000, 11).map((i) => ({ ...i, date: { date: `2030${i.date.date.slice(4)}`, precision: 'exact' as const } }));
  raw = { ...shipped, sources: [...shipped.sources, SYNTHETIC_SOURCE], incidents: [...shipped.incidents, ...synthetic] };
  mem = new Dataset(raw);
  const file = join(mkdtempSync(join(tmpdir(), 'source-coverage-')), 'snap.bin');
  writeRecordsSnapshot(mem, file);
  ({ ds: disk, reads: recordsReadFromDisk } = countingRecords(openRecordsSnapshot(file)));
});

/**
 * `ds` with the same records and index columns, counting the records read through it: through the
 * public Dataset constructor, so a test can tell a query answered from the index alone.
 */
function countingRecords(ds: Dataset): { ds: Dataset; reads: () => number } {
  let reads = 0;
  const incidents = new Proxy(ds.raw.incidents, {
    get(t, p, r) {
      if (typeof p === 'string' && /^\d+$/.test(p)) reads++;
      return Reflect.get(t, p, r);
    },
  });
  return { ds: new Dataset({ ...ds.raw, incidents }, ds.incidents.columns), reads: () => reads };
}

const ctxOf = (ds: Dataset): CommandContext => ({
  dataset: () => ds,
  now: () => new Date('2019-08-25T09:00:00Z'),
  invocation: { guildId: null, channelId: null, userId: null },
  services: {},
});

describe('per-source posting lists', () => {
  it('hold exactly the incidents citing each source, newest first, also when opened from a binary snapshot', () => {
    for (const ds of [mem, disk]) {
      const ids = [...ds.sources.keys()];
      expect(ids.length).toBe(3);
      for (const id of ids) {
        const expected = mem.incidents.incidents.flatMap((inc, pos) => (inc.sourceId === id ? [pos] : []));
        expect([...(ds.incidents.forSource(id)?.positions ?? [])]).toEqual(expected);
      }
    }
    expect(recordsReadFromDisk()).toBe(0);
  });
});

describe('sourceCoverage', () => {
  it('gives per source the incident count, first and last day and countries, as a walk over the records does', () => {
    const expected = new Map<string, { incidents: number; first: string | null; last: string | null; countries: Set<string> }>();
    for (const inc of raw.incidents) {
      let c = expected.get(inc.sourceId);
      if (!c) expected.set(inc.sourceId, (c = { incidents: 0, first: null, last: null, countries: new Set() }));
      c.incidents++;
      if (!c.first || inc.date.date < c.first) c.first = inc.date.date;
      if (!c.last || inc.date.date > c.last) c.last = inc.date.date;
      const country = mem.gazetteer.country(inc.placeId);
      if (country) c.countries.add(country.id);
    }
    const want = Object.fromEntries([...expected].map(([id, c]) => [id, { ...c, countries: [...c.countries].sort() }]));
    expect(want[SYNTHETIC_SOURCE.id]!.first! > '2029').toBe(true);
    for (const ds of [mem, disk]) expect(Object.fromEntries(sourceCoverage(ds))).toEqual(want);
    expect(sourceCoverage(disk)).toBe(sourceCoverage(disk)); // computed once per dataset
  });

  it('answers /sources without reading a record from disk, with the same text as from memory', async () => {
    const before = recordsReadFromDisk();
    const fromDisk = await sourcesCommand.handle({}, ctxOf(disk));
    expect(recordsReadFromDisk()).toBe(before);
    expect(fromDisk).toEqual(await sourcesCommand.handle({}, ctxOf(mem)));
    // Per country: UCDP's Iraq and Syria spans differ, and one line must not blend them.
    expect(JSON.stringify(fromDisk)).toMatch(/Covers\*\* Iraq 1 Jan 1989 – \d+ \w+ 2018; Syria 1 Jan 2016 – \d+ \w+ 2019 \(systematic/);
  });
});

describe('sourcesMatching', () => {
  it('gives the sources with an incident in the place and dates, as brute force does, without reading records', () => {
    const incs: readonly Incident[] = mem.incidents.incidents;
    const places = [
      null,
      'iraq',
      'syria',
      'saladin-province',
      'mosul',
      'aleppo-governorate',
      ...[...mem.gazetteer.all()].filter((_, i) => i % 37 === 0).map((p) => p.id),
    ];
    const days = incs.map((i) => i.date.date).sort();
    let seed = 5;
    const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const day = () => days[Math.floor(rand() * days.length)]!;
    const before = recordsReadFromDisk();
    let nonEmpty = 0;
    let several = 0;
    for (let n = 0; n < 400; n++) {
      const placeId = places[n % places.length]!;
      let from: string | null = rand() < 0.6 ? day() : null;
      let to: string | null = rand() < 0.6 ? day() : null;
      if (from && to && from > to && rand() < 0.8) [from, to] = [to, from];
      const inside = placeId ? mem.gazetteer.descendantSet(placeId) : null;
      const hit = new Set(
        incs.filter((i) => (!inside || inside.has(i.placeId)) && (!from || i.date.date >= from) && (!to || i.date.date <= to)).map((i) => i.sourceId),
      );
      const want = [...mem.sources.keys()].filter((id) => hit.has(id));
      expect(sourcesMatching(mem, placeId, from, to), `${placeId} ${from} ${to}`).toEqual(want);
      expect(sourcesMatching(disk, placeId, from, to), `${placeId} ${from} ${to}`).toEqual(want);
      if (want.length) nonEmpty++;
      if (want.length > 1) several++;
    }
    expect(nonEmpty).toBeGreaterThan(100);
    expect(several).toBeGreaterThan(20);
    expect(sourcesMatching(mem, 'no-such-place', null, null)).toEqual([]);
    expect(sourcesMatching(mem, 'syria', '2030-01-01', null)).toEqual([SYNTHETIC_SOURCE.id]);
    expect(recordsReadFromDisk()).toBe(before);
  });
});

describe('incidentChoices with the records on disk', () => {
  it('matches ids in the id column and reads only the records it offers', () => {
    const before = recordsReadFromDisk();
    expect(incidentChoices(disk, 'no-such-incident-zzz')).toEqual([]);
    expect(recordsReadFromDisk()).toBe(before);
    const hits = incidentChoices(disk, 'GED-12');
    const want = mem.incidents.incidents.filter((i) => i.id.includes('ged-12')).slice(0, 25);
    expect(hits.map((c) => c.value)).toEqual(want.map((i) => i.id));
    expect(hits[0]!.name).toBe(`${want[0]!.date.date} · ${want[0]!.summary}`.slice(0, hits[0]!.name.length));
    expect(recordsReadFromDisk() - before).toBeLessThanOrEqual(25);
    expect(incidentChoices(disk, '').map((c) => c.value)).toEqual(mem.incidents.incidents.slice(0, 25).map((i) => i.id));
  });
});
