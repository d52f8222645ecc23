/** Every draft the extractor makes, on the seed article and the whole corpus, is a valid record. */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../src/core/dataset.ts';
import { shippedDataset } from '../testkit/shipped-dataset.ts';
import { extractArticle } from '../src/extract/extract-article.ts';
import { extractionData } from '../src/extract/link.ts';
import { Actor, DraftIncident, DraftPlace, Incident, Quote, Source, Statistic } from '../src/schema/index.ts';

const CORPUS = new URL('./fixtures/articles/', import.meta.url);
const articles = [
  { name: 'seed', text: readFileSync(new URL('../data/source-texts/is-comeback-iraq-syria-2019.txt', import.meta.url), 'utf8'), published: '2019-08-23' },
  ...readdirSync(CORPUS)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => ({
      name: f,
      text: readFileSync(new URL(f, CORPUS), 'utf8'),
      published: (JSON.parse(readFileSync(new URL(f.replace(/\.txt$/, '.json'), CORPUS), 'utf8')) as { published: string }).published,
    })),
];

let ds: Dataset;
beforeAll(() => {
  ds = shippedDataset();
});

describe('schema validity of every draft', () => {
  it('has at least 15 corpus articles, each with its expected records', () => {
    expect(articles.length - 1).toBeGreaterThanOrEqual(15);
  });

  it.each(articles.map((a) => [a.name, a] as const))('%s', (_name, a) => {
    const x = extractArticle({ text: a.text, published: a.published }, extractionData(ds));
    const check = (schema: { safeParse: (v: unknown) => { success: boolean; error?: unknown } }, v: unknown) => {
      const r = schema.safeParse(v);
      expect(r.success, JSON.stringify(r.error)).toBe(true);
    };
    check(Source, x.source);
    for (const i of x.incidents) {
      check(DraftIncident, i);
      // Without the draft fields it is an ordinary incident record.
      const { confidence: _c, matches: _m, ...record } = i;
      check(Incident, record);
    }
    for (const q of x.quotes) check(Quote, q);
    for (const s of x.statistics) check(Statistic, s);
    for (const p of x.places) check(DraftPlace, p);
    for (const act of x.actors) check(Actor, act);
    // References point at records that exist, in the dataset or in the same extraction.
    const placeIds = new Set([...x.places.map((p) => p.id)]);
    const actorIds = new Set(x.actors.map((act) => act.id));
    for (const i of x.incidents) {
      expect(placeIds.has(i.placeId) || !!ds.gazetteer.get(i.placeId)).toBe(true);
      if (i.perpetratorId) expect(ds.actors.has(i.perpetratorId)).toBe(true);
      for (const m of i.matches) expect(ds.incident(m)).toBeDefined();
    }
    for (const q of x.quotes) expect(actorIds.has(q.speakerId) || ds.actors.has(q.speakerId)).toBe(true);
    for (const p of x.places) expect(p.parentId && ds.gazetteer.get(p.parentId)).toBeTruthy();
    const ids = [...x.incidents, ...x.quotes, ...x.statistics].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
