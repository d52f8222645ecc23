import type { Dataset } from '../src/core/dataset.ts';
import { sourceCoverage } from '../src/core/source-coverage.ts';
import { defineCommand } from './kit/command.ts';
import { sourcesReply, type SourceCoverage } from './kit/replies/sources.ts';
import { perDataset } from '../src/core/per-dataset.ts';

/**
 * Per source: how many records it backs and the span of dates and countries they cover (computed once
 * per dataset). The incidents' part comes from the index (sourceCoverage), not from the records, which
 * a large dataset keeps on disk.
 */
const coverage = perDataset(function coverage(ds: Dataset): Map<string, SourceCoverage> {
  const m = new Map<string, SourceCoverage>();
  const get = (id: string) => {
    let c = m!.get(id);
    if (!c) m!.set(id, (c = { incidents: 0, statistics: 0, quotes: 0, first: null, last: null, countries: new Set() }));
    return c;
  };
  for (const [id, s] of sourceCoverage(ds)) {
    const c = get(id);
    c.incidents = s.incidents;
    c.first = s.first;
    c.last = s.last;
    for (const country of s.countries) c.countries.add(ds.gazetteer.get(country)?.name ?? country);
  }
  for (const s of ds.raw.statistics) get(s.sourceId).statistics++;
  for (const q of ds.raw.quotes) get(q.sourceId).quotes++;
  return m;
});

export const sources = defineCommand({
  name: 'sources',
  description: 'What the dataset is built from, its coverage and attribution',
  examples: ['/sources'],
  options: {},
  handle(_o, ctx) {
    const ds = ctx.dataset();
    return sourcesReply(ds, coverage(ds));
  },
});
