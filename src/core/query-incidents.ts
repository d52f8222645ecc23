import type { Incident } from '../schema/index.ts';
import type { Dataset } from './dataset.ts';
import { addIncidentToTotals, emptyTotals, hasAllFigures, killedPlusInjured, type GroupTotals, type PostingList } from './incident-index.ts';

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
}

/**
 * Incidents matching a query, newest first. Starts from the smallest posting list (place or actor),
 * narrows it to the date range by binary search, and only scans when a second filter applies; with
 * place/actor and dates alone, totals come from prefix sums and nothing is scanned.
 */
export function queryIncidents(ds: Dataset, q: IncidentQuery, page: { offset: number; limit: number } = { offset: 0, limit: 10 }): IncidentPage {
  const idx = ds.incidents;
  const placeList = q.placeId ? idx.forPlace(q.placeId) : undefined;
  const actorList = q.actorId ? idx.forActor(q.actorId) : undefined;
  if ((q.placeId && !placeList) || (q.actorId && !actorList)) return { incidents: [], total: 0, totals: emptyTotals(), withoutFigures: 0, figuresGiven: { killed: 0, injured: 0 } };

  let base: PostingList = idx.all;
  let placeCheck: Set<string> | null = null;
  let actorCheck: string | null = null;
  if (placeList && actorList) {
    if (placeList.length <= actorList.length) {
      base = placeList;
      actorCheck = q.actorId!;
    } else {
      base = actorList;
      placeCheck = new Set(ds.gazetteer.descendants(q.placeId!));
    }
  } else base = placeList ?? actorList ?? idx.all;

  const [lo, hi] = idx.dateRange(base, q.from ?? null, q.to ?? null);
  const min = q.minCasualties ?? 0;
  const { offset, limit } = page;

  if (!placeCheck && !actorCheck && min <= 0) {
    const incidents: Incident[] = [];
    for (let i = lo + offset; i < Math.min(hi, lo + offset + limit); i++) incidents.push(idx.incidents[base.positions[i]!]!);
    return { incidents, total: hi - lo, totals: base.totals(lo, hi), withoutFigures: base.withoutFigures(lo, hi), figuresGiven: base.figuresGiven(lo, hi) };
  }

  const incidents: Incident[] = [];
  const totals = emptyTotals();
  let total = 0;
  let withoutFigures = 0;
  const figuresGiven = { killed: 0, injured: 0 };
  for (let i = lo; i < hi; i++) {
    const inc = idx.incidents[base.positions[i]!]!;
    if (placeCheck && !placeCheck.has(inc.placeId)) continue;
    if (actorCheck && inc.perpetratorId !== actorCheck && !inc.casualties.some((c) => c.actorId === actorCheck)) continue;
    if (min > 0 && killedPlusInjured(inc) < min) continue;
    if (total >= offset && incidents.length < limit) incidents.push(inc);
    total++;
    addIncidentToTotals(totals, inc);
    if (!hasAllFigures(inc)) withoutFigures++;
    if (inc.casualties.some((c) => c.killed !== null)) figuresGiven.killed++;
    if (inc.casualties.some((c) => c.injured !== null)) figuresGiven.injured++;
  }
  return { incidents, total, totals, withoutFigures, figuresGiven };
}
