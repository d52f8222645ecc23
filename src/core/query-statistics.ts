import type { Statistic } from '../schema/index.ts';
import type { Dataset } from './dataset.ts';

export interface PlacedStatistic {
  statistic: Statistic;
  /** here: about the place itself; inside: about a place within it; wider: about an area that contains it. */
  relation: 'here' | 'inside' | 'wider';
}

/**
 * Statistics and context figures that concern a place: about it, about somewhere inside it, or about an
 * area containing it (a Syria-wide count concerns Homs too, and is labelled as wider). With a date range,
 * a statistic whose period does not overlap it is left out; one without a period is kept.
 */
export function statisticsFor(ds: Dataset, placeId: string | null, from: string | null = null, to: string | null = null): PlacedStatistic[] {
  const inside = placeId ? ds.gazetteer.descendantSet(placeId) : null;
  const around = placeId ? new Set(ds.gazetteer.lineage(placeId).map((p) => p.id)) : null;
  const out: PlacedStatistic[] = [];
  for (const s of ds.statistics) {
    if (s.period && ((from && (s.period.to.end ?? s.period.to.date) < from) || (to && s.period.from.date > to))) continue;
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
