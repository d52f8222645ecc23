import type { PlaceKind } from '../schema/index.ts';
import type { Dataset } from './dataset.ts';
import type { GroupTotals } from './incident-index.ts';

export interface PlaceBreakdownRow {
  placeId: string;
  count: number;
  totals: GroupTotals;
  withoutFigures: number;
  figuresGiven: { killed: number; injured: number };
}

/**
 * Incident counts and totals per place of one kind (every country, or every province) within a scope
 * and date range. Each row is two binary searches and a prefix-sum difference: no scan.
 */
export function breakdownByPlaceKind(ds: Dataset, scopeId: string | null, kind: PlaceKind, from: string | null, to: string | null): PlaceBreakdownRow[] {
  const g = ds.gazetteer;
  let candidates: string[];
  if (!scopeId) candidates = [...g.all()].filter((p) => p.kind === kind).map((p) => p.id);
  // Only places inside the scope: a row for the province around a city would count incidents outside it.
  else candidates = g.descendants(scopeId).filter((id) => id !== scopeId && g.get(id)?.kind === kind);
  const rows: PlaceBreakdownRow[] = [];
  for (const id of candidates) {
    const list = ds.incidents.forPlace(id);
    if (!list) continue;
    const [lo, hi] = ds.incidents.dateRange(list, from, to);
    if (hi <= lo) continue;
    rows.push({ placeId: id, count: hi - lo, totals: list.totals(lo, hi), withoutFigures: list.withoutFigures(lo, hi), figuresGiven: list.figuresGiven(lo, hi) });
  }
  return rows.sort((a, b) => b.count - a.count || a.placeId.localeCompare(b.placeId));
}
