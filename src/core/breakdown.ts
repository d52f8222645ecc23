import type { PlaceKind } from '../schema/index.ts';
import type { Dataset } from './dataset.ts';
import type { GroupTotals } from './incident-index.ts';
import { queryIncidents } from './query-incidents.ts';

export interface PlaceBreakdownRow {
  placeId: string;
  count: number;
  totals: GroupTotals;
  withoutFigures: number;
  figuresGiven: { killed: number; injured: number };
}

/**
 * Incident counts and totals per place of one kind (every country, or every province) within a scope
 * and date range, counting one actor (null: any). With no actor or the focus actor each row is two binary
 * searches and a prefix-sum difference: no scan.
 */
export function breakdownByPlaceKind(
  ds: Dataset,
  scopeId: string | null,
  kind: PlaceKind,
  from: string | null,
  to: string | null,
  actorId: string | null = null,
): PlaceBreakdownRow[] {
  const g = ds.gazetteer;
  let candidates: string[];
  if (!scopeId) candidates = [...g.all()].filter((p) => p.kind === kind).map((p) => p.id);
  // Only places inside the scope: a row for the province around a city would count incidents outside it.
  else candidates = g.descendants(scopeId).filter((id) => id !== scopeId && g.get(id)?.kind === kind);
  const rows: PlaceBreakdownRow[] = [];
  const focus = actorId !== null && actorId === ds.incidents.focusActorId;
  for (const id of candidates) {
    if (actorId !== null && !focus) {
      // Another actor has no per-place lists: one intersection walk per place.
      const r = queryIncidents(ds, { placeId: id, from, to, actorId }, { offset: 0, limit: 0 });
      if (r.total) rows.push({ placeId: id, count: r.total, totals: r.totals, withoutFigures: r.withoutFigures, figuresGiven: r.figuresGiven });
      continue;
    }
    const list = focus ? ds.incidents.forFocusInPlace(id) : ds.incidents.forPlace(id);
    if (!list) continue;
    const [lo, hi] = ds.incidents.dateRange(list, from, to);
    if (hi <= lo) continue;
    rows.push({
      placeId: id,
      count: hi - lo,
      totals: list.totals(lo, hi),
      withoutFigures: list.withoutFigures(lo, hi),
      figuresGiven: list.figuresGiven(lo, hi),
    });
  }
  return rows.sort((a, b) => b.count - a.count || a.placeId.localeCompare(b.placeId));
}
