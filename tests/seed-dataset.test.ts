import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR } from '../src/core/dataset.ts';
import { seedDataset, SEED_SOURCE } from '../testkit/seed-dataset.ts';

const article = readFileSync(join(DEFAULT_DATA_DIR, 'source-texts', 'is-comeback-iraq-syria-2019.txt'), 'utf8');
const ds = seedDataset();

describe('the seed dataset is traceable to the article', () => {
  const records = [...ds.raw.incidents, ...ds.raw.statistics, ...ds.raw.quotes].filter((r) => r.sourceId === SEED_SOURCE);

  it('cites the article for every record, with evidence copied word for word', () => {
    expect(records.length).toBeGreaterThan(20);
    for (const r of records) for (const e of r.evidence) expect(article, `${r.id}`).toContain(e);
  });

  it('keeps every direct quotation exactly as it stands inside quotation marks in the article', () => {
    const direct = ds.quotes.filter((q) => q.kind === 'direct');
    expect(direct.length).toBe(8);
    for (const q of direct) {
      const at = article.indexOf(q.text);
      expect(at, q.id).toBeGreaterThan(0);
      // The character before the quote opens a quotation (“) — a paraphrase would not be preceded by one.
      expect(article[at - 1], q.id).toBe('“');
    }
  });

  it('never stores a paraphrase that the article puts in quotation marks', () => {
    for (const q of ds.quotes.filter((x) => x.kind === 'paraphrase')) expect(article.includes(`“${q.text}`), q.id).toBe(false);
  });

  it('has every casualty figure the article gives, and no others', () => {
    const figures = ds.raw.incidents
      .filter((i) => i.sourceId === SEED_SOURCE)
      .flatMap((i) => i.casualties.map((c) => [i.id, c.group, c.killed, c.injured]));
    expect(figures).toEqual([
      ['sulaymaniyah-security-post-2019-07-31', 'security-forces', 2, 2],
      ['diyala-police-2019-08-22', 'security-forces', 2, 3],
      ['diyala-police-2019-08-22', 'militants', 4, null],
      ['daraa-security-post-2019-07-28', 'security-forces', 6, null],
      ['homs-army-2019-08-18', 'security-forces', 7, null],
    ]);
  });

  it('dates each attack as the article does, with the Sulaymaniyah attack derived from "two days before"', () => {
    const dates = Object.fromEntries(ds.raw.incidents.map((i) => [i.id, [i.date.date, i.date.precision]]));
    expect(dates).toEqual({
      'saladin-oilfields-2019-07-29': ['2019-07-29', 'exact'],
      'sulaymaniyah-security-post-2019-07-31': ['2019-07-31', 'derived'],
      'diyala-police-2019-08-22': ['2019-08-22', 'exact'],
      'daraa-security-post-2019-07-28': ['2019-07-28', 'exact'],
      'homs-army-2019-08-18': ['2019-08-18', 'exact'],
    });
  });

  it('keeps the observatory figures as a period count with its sub-counts', () => {
    const total = ds.statistics.find((s) => s.id === 'sohr-troops-killed-2019-03-24-06-17')!;
    expect([total.value, total.period?.from.date, total.period?.to.date, ds.actorName(total.reporterId)]).toEqual([147, '2019-03-24', '2019-06-17', 'Syrian Observatory for Human Rights']);
    expect(ds.statistics.filter((s) => s.parentId === total.id).map((s) => s.value).sort()).toEqual([2, 9]);
  });
});
