import { coverageSpans, systematicSpans, uncoveredParts } from '../../src/core/coverage.ts';
import type { Dataset } from '../../src/core/dataset.ts';
import { queryIncidents } from '../../src/core/query-incidents.ts';
import { day, plural } from '../../src/core/format.ts';
import { perDataset } from '../../src/core/per-dataset.ts';

/**
 * "UCDP Georeferenced Event Dataset (GED) 19.1" for a dataset (its title up to the first comma); "the
 * article" for the only article, its title in quotes when the dataset has several (published reports).
 */
export function sourceShortName(ds: Dataset, sourceId: string): string {
  const s = ds.sources.get(sourceId);
  if (!s) return sourceId;
  if (s.kind === 'article') return articleCount(ds) === 1 ? 'the article' : `“${s.title}”`;
  return s.kind === 'report' ? `the report “${s.title}”` : s.title.split(', ')[0]!;
}

const articleCount = perDataset((ds) => [...ds.sources.values()].filter((s) => s.kind === 'article').length);

/** "UCDP … 19.1 covers 1 Jan 2016 – 30 Nov 2019"; several spans joined with ";"; null when no systematic source covers the country. */
export function systematicCoverageText(ds: Dataset, countryId: string): string | null {
  const spans = systematicSpans(ds, countryId);
  if (!spans.length) return null;
  return spans.map((s) => `${sourceShortName(ds, s.sourceId)} covers ${day(s.from)} – ${day(s.to)}`).join('; ');
}

/**
 * What a country's figures over [from, to] rest on: "covered by UCDP … (1 Jan 1989 – 25 Dec 2018); 3
 * incidents outside that, from the article only" (counted in `placeId`, by default the whole country).
 * An open end is the data's own first or last day.
 */
export function countryCoverageText(
  ds: Dataset,
  countryId: string,
  from: string | null,
  to: string | null,
  actorId: string | null,
  placeId: string = countryId,
): string {
  const spans = coverageSpans(ds).filter((s) => s.countryId === countryId);
  if (!spans.length) return 'no source covers it';
  const lo = from ?? spans.reduce((m, s) => (s.from < m ? s.from : m), spans[0]!.from);
  const hi = to ?? spans.reduce((m, s) => (s.to > m ? s.to : m), spans[0]!.to);
  const all = systematicCoverageText(ds, countryId);
  const overlapping = systematicSpans(ds, countryId).filter((sp) => sp.from <= hi && sp.to >= lo);
  // Spans clipped to the period asked; none overlapping: say what the systematic sources do cover.
  const covered = overlapping.length
    ? overlapping.map((sp) => `${sourceShortName(ds, sp.sourceId)} (${day(sp.from > lo ? sp.from : lo)} – ${day(sp.to < hi ? sp.to : hi)})`).join(' and ')
    : null;
  let outside = 0;
  const outsideSources = new Set<string>();
  for (const gap of lo <= hi ? uncoveredParts(ds, countryId, lo, hi) : []) {
    const r = queryIncidents(ds, { placeId, from: gap.from, to: gap.to, actorId }, { offset: 0, limit: 0 });
    outside += r.total;
    for (const id of r.sourceIds) outsideSources.add(id);
  }
  const head = covered ? `covered by ${covered}` : `no systematic source covers this period${all ? ` (${all})` : ''}`;
  if (!outside) return head;
  return `${head}; ${plural(outside, 'incident')} ${covered ? 'outside that' : ''}${covered ? ', ' : ''}from ${[...outsideSources].map((id) => sourceShortName(ds, id)).join(' and ')} only`;
}
