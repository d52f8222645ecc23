/**
 * The cold start of a large dataset (src/data/build-records-snapshot.ts): NDJSON incidents streamed
 * into the records snapshot give the dataset the in-memory path gives, and an invalid dataset the same
 * problems, in the same order, leaving no snapshot behind. `binarySnapshotMin` makes a few hundred
 * incidents "large".
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../src/core/dataset-issue.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { DEFAULT_DATA_DIR, loadDatasetFrom } from '../src/data/load-dataset.ts';
import { readDataDir } from '../src/data/read-data-dir.ts';
import { validateRecords } from '../src/data/validate-records.ts';
import type { Incident } from '../src/schema/index.ts';
import { shippedRecords } from '../testkit/shipped-dataset.ts';

const GED = 'ucdp-ged-191';

/**
 * data/ without the GED incidents and the outside place names (quicker to index), plus `lines` as
 * incidents/ged.ndjson; no manifest, like any test folder.
 */
function dataDir(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'stream-data-'));
  cpSync(DEFAULT_DATA_DIR, dir, {
    recursive: true,
    filter: (src) => !src.endsWith('.ndjson') && !src.endsWith('manifest.json') && !src.includes('place-names'),
  });
  mkdirSync(join(dir, 'incidents'), { recursive: true });
  writeFileSync(join(dir, 'incidents', 'ged.ndjson'), `${lines.join('\n')}\n`);
  return dir;
}

const sample = (): Incident[] =>
  shippedRecords()
    .incidents.filter((i) => i.sourceId === GED)
    .filter((_, k) => k % 80 === 0);

const streamed = (dir: string) => {
  const snapshotDir = mkdtempSync(join(tmpdir(), 'stream-snap-'));
  const load = () => loadDatasetFrom(dir, { snapshotDir, binarySnapshotMin: 100 });
  return { load, snapshotDir };
};

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DatasetError) return e.issues;
    throw e;
  }
  throw new Error('no DatasetError');
};

describe('a large NDJSON dataset streamed into its records snapshot', () => {
  it('gives the records, order and answers of the in-memory load, with the records left on disk', () => {
    const incs = sample();
    expect(incs.length).toBeGreaterThan(100);
    // One line as written by hand: spaced out, a default left out (filled in by validation).
    const { context: _c, ...withoutContext } = incs[1]!;
    const lines = incs.map((i) => JSON.stringify(i));
    lines[1] = JSON.stringify(withoutContext, null, 1).replace(/\n/g, ' ');
    // A second report of an event whose primary comes later in the file: counted once.
    lines[3] = JSON.stringify({ ...incs[3], sameEventAs: incs[7]!.id });
    const dir = dataDir(lines);
    const memory = loadDatasetFrom(dir, { snapshot: false }).dataset;
    const { load, snapshotDir } = streamed(dir);
    const { dataset: disk, snapshot } = load();
    expect(snapshot).not.toBeNull();
    expect(readdirSync(snapshotDir).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1);
    expect(disk.counts()).toEqual(memory.counts());
    expect(disk.incidents.ids()).toEqual(memory.incidents.ids());
    for (let pos = 0; pos < memory.incidents.incidents.length; pos++) expect(disk.incidents.incidents[pos]).toEqual(memory.incidents.incidents[pos]);
    expect(disk.incidents.get(incs[1]!.id)!.context).toBeNull();
    expect(disk.raw.places).toEqual(memory.raw.places);
    expect(disk.raw.info).toEqual(memory.raw.info);
    for (const placeId of ['syria', 'iraq', 'aleppo-governorate', 'nineveh'])
      for (const q of [{ placeId }, { placeId, actorId: 'islamic-state' }, { placeId, from: '2015-01-01', minCasualties: 5 }])
        expect(queryIncidents(disk, q, { offset: 0, limit: 5 })).toEqual(queryIncidents(memory, q, { offset: 0, limit: 5 }));
    // The next start opens the snapshot.
    expect(load().dataset.incidents.ids()).toEqual(memory.incidents.ids());
  });

  it('refuses what validateRecords refuses, with the same problems in the same order, and keeps no snapshot', () => {
    const incs = sample();
    const line = (i: Incident) => JSON.stringify(i);
    // One folder per stage: lines that do not parse stop the load before validation, and problems
    // with single records stop it before the rules across records.
    const broken: Record<string, string[]> = {
      'a line that is not JSON': [line(incs[0]!), '{"id": broken', ...incs.slice(1).map(line)],
      'an unknown key, a date that does not exist, a duplicate id': [
        line(incs[0]!),
        JSON.stringify({ ...incs[1], extra: 1 }),
        line({ ...incs[2]!, date: { date: '2019-02-30', precision: 'exact' } }),
        ...incs.slice(3).map(line),
        line(incs[5]!),
      ],
      'missing places and actors, derived dates (one pointing ahead), the focus actor in another group, same-event links to itself and in a chain': [
        line({ ...incs[0]!, placeId: 'atlantis', perpetratorId: 'nobody' }),
        line({ ...incs[1]!, date: { date: '2001-01-01', precision: 'derived', derivedFrom: { ref: incs[3]!.id, offsetDays: 1, phrase: 'the day after' } } }),
        line({
          ...incs[2]!,
          date: { date: '2001-01-01', precision: 'derived', derivedFrom: { ref: 'no-such-incident', offsetDays: 1, phrase: 'a day later' } },
        }),
        line({ ...incs[3]!, casualties: [{ group: 'civilians', actorId: 'islamic-state', label: 'IS', killed: 1, injured: null, note: null }] }),
        line({ ...incs[4]!, sameEventAs: incs[4]!.id }),
        line({ ...incs[5]!, sameEventAs: incs[6]!.id }),
        line({ ...incs[6]!, sameEventAs: incs[8]!.id }),
        ...incs.slice(7).map(line),
      ],
    };
    for (const [what, lines] of Object.entries(broken)) {
      const dir = dataDir(lines);
      // and a statistic citing no known source: its problem comes between the incidents' and the focus rule's
      const stat = { ...shippedRecords().statistics.find((x) => !x.parentId)!, id: 'stat-from-nowhere', sourceId: 'nowhere' };
      writeFileSync(join(dir, 'statistics', 'extra.json'), JSON.stringify([stat]));
      const expected = issuesOf(() => validateRecords(readDataDir(dir)));
      expect(expected.length, what).toBeGreaterThan(0);
      const { load, snapshotDir } = streamed(dir);
      expect(issuesOf(load), what).toEqual(expected);
      expect(readdirSync(snapshotDir), what).toEqual([]);
    }
  });
});
