import type { Statistic } from '../schema/index.ts';
import type { Dataset } from './dataset.ts';

export interface PlacedStatistic {
  statistic: Statistic;
  /** here: about the place itself; inside: about a place within it; wider: about an area that contains it. */
  relation: 'here' | 'inside' | 'wider';
}

/**
 * The days a statistic without a period holds on: its source's publication date (a range when only
 * "late August 2019" is known). Null when the statistic has a period, or its source no date.
 */
export function statisticAsOf(ds: Dataset, s: Statistic): { from: string; to: string } | null {
  if (s.period) return null;
  const published = ds.sources.get(s.sourceId)?.published;
  return published ? { from: published.date, to: published.end ?? published.date } : null;
}

/**
 * Statistics and context figures that concern a place: about it, about somewhere inside it, or about an
 * area containing it (a Syria-wide count concerns Homs too, and is labelled as wider). With a date range,
 * a statistic whose period does not overlap it is left out, and so is one without a period whose
 * source's date (statisticAsOf) falls outside it.
 */
export function statisticsFor(ds: Dataset, placeId: string | null, from: string | null = null, to: string | null = null): PlacedStatistic[] {
  const inside = placeId ? ds.gazetteer.descendantSet(placeId) : null;
  const around = placeId ? new Set(ds.gazetteer.lineage(placeId).map((p) => p.id)) : null;
  const out: PlacedStatistic[] = [];
  for (const s of ds.statistics) {
    if (s.period && ((from && (s.period.to.end ?? s.period.to.date) < from) || (to && s.period.from.date > to))) continue;
    if (!s.period && (from || to)) {
      // A figure without a period holds as of its source's date: shown only for periods that include that date.
      const asOf = statisticAsOf(ds, s);
      if (!asOf || (from && asOf.to < from) || (to && asOf.from > to)) continue;
    }
    if (!placeId) {
      out.push({ statistic: s, relation: 'here' });
      continue;
    }
    if (s.placeIds.includes(placeId)) out.push({ statistic: s, relation: 'here' });
    else if (s.placeIds.some((p) => inside!.has(p))) out.push({ statistic: s, relation: 'inside' });
    else if (s.placeIds.some((p) => around!.has(p))) out.push({ statistic: s, relation: 'wider' });
  }
  return out;
}
