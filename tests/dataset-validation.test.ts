import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadDataset } from '../src/data/load-dataset.ts';
import { DatasetError, type DatasetIssue } from '../src/core/dataset-issue.ts';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** A copy of the seed data with one file edited, so each test breaks exactly one thing. */
// biome-ignore lint/suspicious/noExplicitAny: the edits reach into raw JSON records of any kind, on purpose malformed
function dataWith(file: string, edit: (records: any[]) => any[] | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'incident-data-'));
  dirs.push(dir);
  for (const kind of ['sources', 'places', 'actors', 'incidents', 'statistics', 'quotes'])
    cpSync(join(DEFAULT_DATA_DIR, kind), join(dir, kind), { recursive: true, filter: (src) => !/ucdp|ged/i.test(basename(src)) });
  const path = join(dir, file);
  const edited = edit(JSON.parse(readFileSync(path, 'utf8')));
  writeFileSync(path, typeof edited === 'string' ? edited : JSON.stringify(edited));
  return dir;
}

function issuesOf(dir: string): DatasetIssue[] {
  try {
    loadDataset(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return (e as DatasetError).issues;
  }
  throw new Error('expected the dataset to be rejected');
}

const INCIDENTS = 'incidents/seed-article.json';
const byId = (id: string) => (r: { id?: unknown }) => r.id === id;

describe('loading rejects bad records with the file, record id and field', () => {
  it('accepts the shipped data', () => {
    expect(() => loadDataset(dataWith(INCIDENTS, (r) => r))).not.toThrow();
  });

  it('rejects an unknown key', () => {
    const dir = dataWith(INCIDENTS, (rs) => rs.map((r) => (r.id === 'homs-army-2019-08-18' ? { ...r, fatalities: 7 } : r)));
    expect(issuesOf(dir)).toEqual([
      { file: expect.stringMatching(/incidents[/\\]seed-article\.json$/), recordId: 'homs-army-2019-08-18', field: 'fatalities', message: 'unknown key' },
    ]);
  });

  it('rejects an unknown key nested in a casualty', () => {
    const dir = dataWith(INCIDENTS, (rs) => {
      rs.find(byId('homs-army-2019-08-18')).casualties[0].wounded = 1;
      return rs;
    });
    expect(issuesOf(dir)).toMatchObject([{ recordId: 'homs-army-2019-08-18', field: 'casualties[0].wounded', message: 'unknown key' }]);
  });

  it('rejects a duplicate id', () => {
    const dir = dataWith(INCIDENTS, (rs) => [...rs, { ...rs[0] }]);
    const issues = issuesOf(dir);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ recordId: 'saladin-oilfields-2019-07-29', field: 'id' });
    expect(issues[0]!.message).toMatch(/^duplicate incident id/);
  });

  it('rejects an incident whose source does not exist', () => {
    const dir = dataWith(INCIDENTS, (rs) => rs.map((r) => (r.id === 'diyala-police-2019-08-22' ? { ...r, sourceId: 'no-such-source' } : r)));
    expect(issuesOf(dir)).toMatchObject([
      { recordId: 'diyala-police-2019-08-22', field: 'sourceId', message: 'refers to source "no-such-source", which does not exist' },
    ]);
  });

  it('rejects an incident whose place does not exist', () => {
    const dir = dataWith(INCIDENTS, (rs) => rs.map((r) => (r.id === 'diyala-police-2019-08-22' ? { ...r, placeId: 'atlantis' } : r)));
    expect(issuesOf(dir)).toMatchObject([
      { recordId: 'diyala-police-2019-08-22', field: 'placeId', message: 'refers to place "atlantis", which does not exist' },
    ]);
  });

  it('rejects a negative casualty figure', () => {
    const dir = dataWith(INCIDENTS, (rs) => {
      rs.find(byId('homs-army-2019-08-18')).casualties[0].killed = -7;
      return rs;
    });
    const [issue, ...rest] = issuesOf(dir);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ recordId: 'homs-army-2019-08-18', field: 'casualties[0].killed' });
    expect(issue!.message).toMatch(/>=0|at least 0|too small/i);
  });

  it('rejects a date that does not exist', () => {
    const dir = dataWith(INCIDENTS, (rs) => rs.map((r) => (r.id === 'homs-army-2019-08-18' ? { ...r, date: { date: '2019-02-30', precision: 'exact' } } : r)));
    expect(issuesOf(dir)).toMatchObject([{ recordId: 'homs-army-2019-08-18', field: 'date.date', message: 'is not a real calendar date' }]);
  });

  it('rejects a derived date that disagrees with the date it is derived from', () => {
    const dir = dataWith(INCIDENTS, (rs) => {
      rs.find(byId('sulaymaniyah-security-post-2019-07-31')).date.date = '2019-08-01';
      return rs;
    });
    expect(issuesOf(dir)).toMatchObject([
      {
        recordId: 'sulaymaniyah-security-post-2019-07-31',
        field: 'date.date',
        message: 'is 2019-08-01, but saladin-oilfields-2019-07-29 (2019-07-29) plus 2 days is 2019-07-31',
      },
    ]);
  });

  it('rejects a casualty entry with neither figure (unknown is left out, never written as two nulls)', () => {
    const dir = dataWith(INCIDENTS, (rs) => {
      rs.find(byId('homs-army-2019-08-18')).casualties[0].killed = null;
      return rs;
    });
    expect(issuesOf(dir)).toMatchObject([{ recordId: 'homs-army-2019-08-18', field: 'casualties[0].killed' }]);
  });

  it('rejects a direct quote that is not word for word in its evidence', () => {
    const dir = dataWith('quotes/seed-article.json', (rs) => rs.map((r) => (r.id === 'pompeo-its-complicated' ? { ...r, text: 'It is complicated,' } : r)));
    expect(issuesOf(dir)).toMatchObject([
      { recordId: 'pompeo-its-complicated', field: 'text', message: 'a direct quote must appear word for word in one of its evidence sentences' },
    ]);
  });

  it('rejects a sub-count larger than its total', () => {
    const dir = dataWith('statistics/seed-article.json', (rs) =>
      rs.map((r) => (r.id === 'sohr-pro-iran-troops-killed-2019-03-24-06-17' ? { ...r, value: 200 } : r)),
    );
    expect(issuesOf(dir)).toMatchObject([
      {
        recordId: 'sohr-pro-iran-troops-killed-2019-03-24-06-17',
        field: 'value',
        message: '200 is more than its parent "sohr-troops-killed-2019-03-24-06-17" (147)',
      },
    ]);
  });

  it('rejects a place whose parents loop', () => {
    const dir = dataWith('places/gazetteer.json', (rs) => rs.map((r) => (r.id === 'kurdistan-region' ? { ...r, parentId: 'sulaymaniyah-province' } : r)));
    const issues = issuesOf(dir);
    expect(issues.some((i) => i.recordId === 'kurdistan-region' && i.field === 'parentId' && /loops/.test(i.message))).toBe(true);
  });

  it('rejects a file that is not JSON, naming the file', () => {
    const dir = dataWith(INCIDENTS, () => '[{ "id": ');
    expect(issuesOf(dir)).toMatchObject([{ file: expect.stringMatching(/seed-article\.json$/), recordId: null, field: '(file)' }]);
  });

  it('puts file, record and field in the error message', () => {
    const dir = dataWith(INCIDENTS, (rs) => rs.map((r) => (r.id === 'diyala-police-2019-08-22' ? { ...r, placeId: 'atlantis' } : r)));
    expect(() => loadDataset(dir)).toThrow(/seed-article\.json: record "diyala-police-2019-08-22": field "placeId": refers to place "atlantis"/);
  });
});
