import type { Incident } from '../schema/index.ts';
import type { Dataset } from './dataset.ts';
import {
  emptyTotals,
  focusFromAccumulator,
  INJURED_GIVEN,
  KILLED_GIVEN,
  OPEN,
  STRIDE,
  totalsFromAccumulator,
  type GroupTotals,
  type PostingList,
} from './incident-index.ts';
import { lowerBound } from './lower-bound.ts';
import { sourcesOfSlice } from './source-coverage.ts';

export interface IncidentQuery {
  /** A place id: matches incidents in that place and everything inside it. */
  placeId?: string | null;
  /** Inclusive ISO days; either end may be open. */
  from?: string | null;
  to?: string | null;
  /** An actor id: the perpetrator, or a party among the casualties. */
  actorId?: string | null;
  /** Killed + injured (known figures) at least this. */
  minCasualties?: number | null;
}

export interface IncidentPage {
  /** The requested page, newest first. */
  incidents: Incident[];
  /** How many incidents match in all. */
  total: number;
  /** Killed and injured per group over every match (known figures only). */
  totals: GroupTotals;
  /** Matches whose casualty figures the source leaves open (none, or some groups unknown). */
  withoutFigures: number;
  /** How many matches give any killed figure, and any injured figure: 0 means "not stated", not "none". */
  figuresGiven: { killed: number; injured: number };
  /**
   * Of the totals, the dataset's focus actor's own killed and injured (its own dead, e.g. IS militants;
   * also counted in their group). Zero when the dataset declares no focus actor.
   */
  focusOwn: { killed: number; injured: number };
  /**
   * Every source whose records are among the matches (not only the page): what the totals draw on,
   * including the sources of records linked to a match as the same event (counted once, under the match).
   */
  sourceIds: string[];
}

/**
 * Incidents matching a query, newest first. An event reported by several records (`sameEventAs`) is
 * matched, listed and counted once, as its primary record with the primary's figures. Starts from the place or actor posting list, narrows it to
 * the date range by binary search; with place/actor and dates alone, totals come from per-day prefix
 * sums and only the returned page's records are touched. A second filter (place and actor, or a
 * minimum of casualties) walks posting-list positions and the per-incident figure columns, still
 * reading no record except those on the page.
 */
export function queryIncidents(ds: Dataset, q: IncidentQuery, page: { offset: number; limit: number } = { offset: 0, limit: 10 }): IncidentPage {
  const idx = ds.incidents;
  // The focus actor in a place has lists of its own (the default query): one list, prefix sums.
  const focusInPlace = q.placeId && q.actorId && q.actorId === idx.focusActorId;
  const placeList = q.placeId ? (focusInPlace ? idx.forFocusInPlace(q.placeId) : idx.forPlace(q.placeId)) : undefined;
  const actorList = q.actorId && !focusInPlace ? idx.forActor(q.actorId) : undefined;
  if ((q.placeId && !placeList) || (q.actorId && !focusInPlace && !actorList))
    return {
      incidents: [],
      total: 0,
      totals: emptyTotals(),
      withoutFigures: 0,
      figuresGiven: { killed: 0, injured: 0 },
      focusOwn: { killed: 0, injured: 0 },
      sourceIds: [],
    };

  const base: PostingList = placeList && actorList ? (placeList.length <= actorList.length ? placeList : actorList) : (placeList ?? actorList ?? idx.all);
  const other: PostingList | null = placeList && actorList ? (base === placeList ? actorList : placeList) : null;
  const [lo, hi] = idx.dateRange(base, q.from ?? null, q.to ?? null);
  const min = q.minCasualties ?? 0;
  const { offset, limit } = page;

  if (!other && min <= 0) {
    const incidents: Incident[] = [];
    for (let i = lo + offset; i < Math.min(hi, lo + offset + limit); i++) incidents.push(idx.incidents[base.positions[i]!]!);
    const sums = base.sums(lo, hi);
    return {
      incidents,
      total: hi - lo,
      totals: totalsFromAccumulator(sums),
      withoutFigures: sums[OPEN]!,
      figuresGiven: { killed: sums[KILLED_GIVEN]!, injured: sums[INJURED_GIVEN]! },
      focusOwn: focusFromAccumulator(sums),
      sourceIds: sourcesOfSlice(ds, base, lo, hi),
    };
  }

  // Intersect with the other list by a merge over positions (both ascending), filter on the figure columns.
  const figs = idx.figures;
  const acc = new Array<number>(STRIDE).fill(0);
  const incidents: Incident[] = [];
  const sourceCol = idx.columns.source;
  const sourcesSeen = new Uint8Array(idx.columns.sourceIds.length);
  let total = 0;
  const op = other?.positions;
  let j = 0;
  if (op && lo < hi) {
    // start the other list at the first position >= base.positions[lo]
    const first = base.positions[lo]!;
    j = lowerBound(0, op.length, (m) => op[m]! < first);
  }
  for (let i = lo; i < hi; i++) {
    const pos = base.positions[i]!;
    if (op) {
      while (j < op.length && op[j]! < pos) j++;
      if (j >= op.length) break;
      if (op[j] !== pos) continue;
    }
    if (min > 0 && figs.killedPlusInjured(pos) < min) continue;
    if (total >= offset && incidents.length < limit) incidents.push(idx.incidents[pos]!);
    total++;
    figs.addTo(acc, pos);
    sourcesSeen[sourceCol[pos]!] = 1;
    // The other reports of the event (sameEventAs) are credited with it; their figures are not added.
    for (const other of idx.linkedPositions(pos)) sourcesSeen[sourceCol[other]!] = 1;
  }
  const seenIds = new Set(idx.columns.sourceIds.filter((_, s) => sourcesSeen[s]));
  return {
    incidents,
    total,
    totals: totalsFromAccumulator(acc),
    withoutFigures: acc[OPEN]!,
    figuresGiven: { killed: acc[KILLED_GIVEN]!, injured: acc[INJURED_GIVEN]! },
    focusOwn: focusFromAccumulator(acc),
    sourceIds: [...ds.sources.keys()].filter((id) => seenIds.has(id)),
  };
}
