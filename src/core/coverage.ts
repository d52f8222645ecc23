import type { Dataset } from './dataset.ts';
import { dayKey, isoOfDayKey } from './incident-index.ts';

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
  const countryOfPlace = placeIds.map((id) => ds.gazetteer.country(id)?.id ?? null);
  const byKey = new Map<string, { s: number; c: string; min: number; max: number; n: number }>();
  for (let pos = 0; pos < idx.dayKeys.length; pos++) {
    const c = countryOfPlace[place[pos]!];
    if (!c) continue;
    const key = `${source[pos]}|${c}`;
    const k = idx.dayKeys[pos]!;
    const e = byKey.get(key);
    if (!e) byKey.set(key, { s: source[pos]!, c, min: k, max: k, n: 1 });
    else {
      if (k < e.min) e.min = k;
      if (k > e.max) e.max = k;
      e.n++;
    }
  }
  const out = [...byKey.values()]
    .map((e) => {
      const sourceId = sourceIds[e.s]!;
      return { sourceId, countryId: e.c, from: isoOfDayKey(e.min), to: isoOfDayKey(e.max), incidents: e.n, systematic: ds.sources.get(sourceId)?.kind === 'dataset' };
    })
    .sort((a, b) => a.countryId.localeCompare(b.countryId) || a.from.localeCompare(b.from) || a.sourceId.localeCompare(b.sourceId));
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
  return list && list.length ? isoOfDayKey(ds.incidents.dayKeys[list.positions[0]!]!) : null;
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
