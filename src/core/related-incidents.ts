import type { Incident } from '../schema/index.ts';
import { addDays as shift, dayNumber } from './calendar-day.ts';
import type { Dataset } from './dataset.ts';

/** How far apart (in days) two reports of the same event may date it. */
export const RELATED_MAX_DAYS = 2;
/** Records dated over a longer span than this are too vague to pair with anything. */
const MAX_SPAN_DAYS = 7;
const MAX_RESULTS = 5;

/**
 * Other records that likely describe the same event as `incident`, from a different source: the
 * places lie one inside the other (or are the same) within the same province or a smaller place, the
 * dates (or date ranges) come within RELATED_MAX_DAYS days of each other, and when both name parties
 * they share one (a named perpetrator must be among the other record's parties). Closest in date first, then same place first. Touches only the incidents of the
 * enclosing province within the date window (a posting list and two binary searches).
 */
export function findRelatedIncidents(ds: Dataset, incident: Incident): Incident[] {
  const g = ds.gazetteer;
  const lineage = g.lineage(incident.placeId);
  // The outermost enclosing place that is still specific enough: a province, district, city or site.
  const scope = [...lineage].reverse().find((p) => p.kind !== 'country' && p.kind !== 'region');
  if (!scope) return [];
  const list = ds.incidents.forPlace(scope.id);
  if (!list) return [];
  const ownLineage = new Set(lineage.map((p) => p.id));
  const start = incident.date.date;
  const end = incident.date.end ?? start;
  const from = shift(start, -RELATED_MAX_DAYS);
  const to = shift(end, RELATED_MAX_DAYS);
  const parties = partiesOf(incident);

  const [lo, hi] = ds.incidents.dateRange(list, shift(from, -MAX_SPAN_DAYS), to);
  const { place, placeIds } = ds.incidents.columns;
  const nestedPlace = new Map<number, boolean>();
  const found: { inc: Incident; gap: number; samePlace: boolean }[] = [];
  for (let i = lo; i < hi; i++) {
    // The place test runs on the index columns first, so only candidates' records are read.
    const pos = list.positions[i]!;
    const pn = place[pos]!;
    let ok = nestedPlace.get(pn);
    if (ok === undefined) {
      const pid = placeIds[pn]!;
      nestedPlace.set(pn, (ok = ownLineage.has(pid) || g.lineage(pid).some((p) => p.id === incident.placeId)));
    }
    if (!ok) continue;
    const other = ds.incidents.incidents[pos]!;
    if (other.sourceId === incident.sourceId || other.id === incident.id) continue;
    const oStart = other.date.date;
    const oEnd = other.date.end ?? oStart;
    if (dayNumber(oEnd) - dayNumber(oStart) > MAX_SPAN_DAYS) continue;
    if (oEnd < from || oStart > to) continue;
    const otherParties = partiesOf(other);
    if (parties.size && otherParties.size && ![...parties].some((a) => otherParties.has(a))) continue;
    // A named perpetrator must be a party of the other record too (an IS attack is not a clash between others).
    if (incident.perpetratorId && otherParties.size && !otherParties.has(incident.perpetratorId)) continue;
    if (other.perpetratorId && parties.size && !parties.has(other.perpetratorId)) continue;
    const gap = Math.max(0, dayNumber(oStart) - dayNumber(end), dayNumber(start) - dayNumber(oEnd));
    found.push({ inc: other, gap, samePlace: other.placeId === incident.placeId });
  }
  found.sort((a, b) => a.gap - b.gap || Number(b.samePlace) - Number(a.samePlace) || (a.inc.id < b.inc.id ? -1 : 1));
  return found.slice(0, MAX_RESULTS).map((f) => f.inc);
}

function partiesOf(inc: Incident): Set<string> {
  const s = new Set<string>();
  if (inc.perpetratorId) s.add(inc.perpetratorId);
  for (const c of inc.casualties) if (c.actorId) s.add(c.actorId);
  return s;
}
