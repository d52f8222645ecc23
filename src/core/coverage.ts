import type { Dataset } from './dataset.ts';
import { dayKey, isoOfDayKey } from './calendar-day.ts';

/** The days one source's incidents span in one country: what the source covers there. */
export interface CoverageSpan {
  sourceId: string;
  countryId: string;
  from: string;
  to: string;
  incidents: number;
  /** A source that records every incident it can find in its span (a dataset), not one that reports a few (an article). */
  systematic: boolean;
}

const spansCache = new WeakMap<Dataset, CoverageSpan[]>();

/**
 * Per source and country, the first and last day of its incidents, computed from the index's columns
 * (one pass, cached per dataset). A dataset source is systematic: inside its span a day without
 * incidents is a true zero; outside every systematic span a day is "no data", whatever an article says.
 */
export function coverageSpans(ds: Dataset): readonly CoverageSpan[] {
  const cached = spansCache.get(ds);
  if (cached) return cached;
  const idx = ds.incidents;
  const { place, placeIds, source, sourceIds } = idx.columns;
  // Numbers, not string keys: this runs on a bot's first answer, and a blocked event loop drops its gateway.
  const countryIds: string[] = [];
  const countryNumber = new Map<string, number>();
  const countryOfPlace = Int32Array.from(placeIds, (id) => {
    const c = ds.gazetteer.country(id);
    if (!c) return -1;
    let k = countryNumber.get(c.id);
    if (k === undefined) countryNumber.set(c.id, (k = countryIds.push(c.id) - 1));
    return k;
  });
  const C = Math.max(1, countryIds.length);
  const cells = sourceIds.length * C;
  const min = new Int32Array(cells).fill(0x7fffffff);
  const max = new Int32Array(cells);
  const count = new Int32Array(cells);
  const days = idx.dayKeys;
  for (let pos = 0; pos < days.length; pos++) {
    const c = countryOfPlace[place[pos]!]!;
    if (c < 0) continue;
    const cell = source[pos]! * C + c;
    const k = days[pos]!;
    if (k < min[cell]!) min[cell] = k;
    if (k > max[cell]!) max[cell] = k;
    count[cell]!++;
  }
  const out: CoverageSpan[] = [];
  for (let cell = 0; cell < cells; cell++) {
    if (!count[cell]) continue;
    const sourceId = sourceIds[Math.floor(cell / C)]!;
    out.push({
      sourceId,
      countryId: countryIds[cell % C]!,
      from: isoOfDayKey(min[cell]!),
      to: isoOfDayKey(max[cell]!),
      incidents: count[cell]!,
      systematic: ds.sources.get(sourceId)?.kind === 'dataset',
    });
  }
  out.sort((a, b) => a.countryId.localeCompare(b.countryId) || a.from.localeCompare(b.from) || a.sourceId.localeCompare(b.sourceId));
  spansCache.set(ds, out);
  return out;
}

/** The systematic spans in a country, oldest first. */
export function systematicSpans(ds: Dataset, countryId: string): CoverageSpan[] {
  return coverageSpans(ds).filter((s) => s.systematic && s.countryId === countryId);
}

/** The countries a scope concerns: the place's country, or (null) every country with incidents. */
export function countriesOf(ds: Dataset, placeId: string | null): string[] {
  if (placeId) {
    const c = ds.gazetteer.country(placeId);
    return c ? [c.id] : [];
  }
  return [...new Set(coverageSpans(ds).map((s) => s.countryId))].sort();
}

export interface DayRange {
  from: string;
  to: string;
}

/** The parts of [from, to] that no systematic source covers in a country, oldest first. */
export function uncoveredParts(ds: Dataset, countryId: string, from: string, to: string): DayRange[] {
  const spans = systematicSpans(ds, countryId)
    .map((s) => [dayKey(s.from), dayKey(s.to)] as const)
    .sort((a, b) => a[0] - b[0]);
  const out: DayRange[] = [];
  let cursor = from;
  for (const [a, b] of spans) {
    const sFrom = isoOfDayKey(a);
    const sTo = isoOfDayKey(b);
    if (sTo < cursor) continue;
    if (sFrom > to) break;
    if (sFrom > cursor) out.push({ from: cursor, to: dayBefore(sFrom) });
    cursor = dayAfter(sTo);
    if (cursor > to) return out;
  }
  if (cursor <= to) out.push({ from: cursor, to });
  return out;
}

/** Whether a systematic source covers every day of [from, to] in each of the countries. */
export function fullyCovered(ds: Dataset, countryIds: readonly string[], from: string, to: string): boolean {
  return countryIds.length > 0 && countryIds.every((c) => uncoveredParts(ds, c, from, to).length === 0);
}

/** Whether a systematic source covers some day of [from, to] in one of the countries. */
export function partlyCovered(ds: Dataset, countryIds: readonly string[], from: string, to: string): boolean {
  return countryIds.some((c) => {
    const gaps = uncoveredParts(ds, c, from, to);
    return !(gaps.length === 1 && gaps[0]!.from === from && gaps[0]!.to === to);
  });
}

/** The newest day with an incident in a place (anywhere: null), or null when it has none. */
export function newestDataDay(ds: Dataset, placeId: string | null): string | null {
  const list = placeId ? ds.incidents.forPlace(placeId) : ds.incidents.all;
  return list?.length ? isoOfDayKey(ds.incidents.dayKeys[list.positions[0]!]!) : null;
}

function dayAfter(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function dayBefore(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
