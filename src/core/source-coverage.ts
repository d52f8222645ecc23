import type { Dataset } from './dataset.ts';
import type { PostingList } from './incident-index.ts';
import { isoOfDayKey } from './calendar-day.ts';
import { lowerBound } from './lower-bound.ts';
import { perDataset } from './per-dataset.ts';

/** What one source's incidents cover. */
export interface SourceCoverage {
  /** How many incidents cite the source. */
  incidents: number;
  /** Days of its oldest and newest incident (null when it backs none). */
  first: string | null;
  last: string | null;
  /** Ids of the countries its incidents happened in, sorted. */
  countries: string[];
}

/**
 * Per source cited by at least one incident: how many, first and last day, and the countries. Read
 * from the index's columns and per-source posting lists, never from the records (which stay on disk
 * for a large dataset): one pass over the place column of each source's list. Computed once per
 * dataset.
 */
export const sourceCoverage = perDataset(function sourceCoverage(ds: Dataset): ReadonlyMap<string, SourceCoverage> {
  const idx = ds.incidents;
  const { place, placeIds } = idx.columns;
  // Country of each place number; -1 for a place outside any country.
  const countryIds: string[] = [];
  const countryNumber = new Map<string, number>();
  const countryOfPlace = Int32Array.from(placeIds, (id) => {
    const c = ds.gazetteer.country(id);
    if (!c) return -1;
    let k = countryNumber.get(c.id);
    if (k === undefined) {
      countryNumber.set(c.id, (k = countryIds.length));
      countryIds.push(c.id);
    }
    return k;
  });
  const out = new Map<string, SourceCoverage>();
  for (const sourceId of idx.sourceIds()) {
    const list = idx.forSource(sourceId);
    if (!list?.length) continue;
    const pos = list.positions;
    const seen = new Uint8Array(countryIds.length);
    let found = 0;
    for (let i = 0; i < pos.length && found < countryIds.length; i++) {
      const c = countryOfPlace[place[pos[i]!]!]!;
      if (c >= 0 && !seen[c]) {
        seen[c] = 1;
        found++;
      }
    }
    out.set(sourceId, {
      incidents: pos.length,
      // positions are newest first
      first: isoOfDayKey(idx.dayKeys[pos[pos.length - 1]!]!),
      last: isoOfDayKey(idx.dayKeys[pos[0]!]!),
      countries: countryIds.filter((_, k) => seen[k]).sort(),
    });
  }
  return out;
});

/**
 * The sources with at least one incident in a place (at any level below it; null for anywhere) between
 * two days (inclusive; null for open), in the order of the dataset's sources. Intersects the place's
 * list, cut to the dates, with each source's list cut the same way: positions only, no record read.
 */
export function sourcesMatching(ds: Dataset, placeId: string | null, from: string | null, to: string | null): string[] {
  const idx = ds.incidents;
  const placeList = placeId === null ? idx.all : idx.forPlace(placeId);
  if (!placeList) return [];
  const [pLo, pHi] = idx.dateRange(placeList, from, to);
  if (pLo >= pHi) return [];
  return sourcesOfSlice(ds, placeList, pLo, pHi);
}

/**
 * The sources (in the order of the dataset's sources) of the entries [lo, hi) of a posting list: each
 * source's list is cut to the slice's span of positions, then intersected with it. No record is read.
 */
export function sourcesOfSlice(ds: Dataset, list: PostingList, lo: number, hi: number): string[] {
  if (lo >= hi) return [];
  const idx = ds.incidents;
  const first = list.positions[lo]!;
  const last = list.positions[hi - 1]!;
  const out: string[] = [];
  for (const sourceId of ds.sources.keys()) {
    const src = idx.forSource(sourceId);
    if (!src) continue;
    const sLo = lowerBound(0, src.positions.length, (m) => src.positions[m]! < first);
    const sHi = lowerBound(0, src.positions.length, (m) => src.positions[m]! < last + 1);
    if (sLo >= sHi) continue;
    if (src === list || intersects(list, lo, hi, src, sLo, sHi)) out.push(sourceId);
  }
  return out;
}

/**
 * Whether two ascending position slices share an entry: walks the shorter one and gallops through the
 * longer (exponential then binary search from where the last lookup ended), so a short list against a
 * long one costs short × log(gap), and it stops at the first common position.
 */
function intersects(a: PostingList, aLo: number, aHi: number, b: PostingList, bLo: number, bHi: number): boolean {
  let small = a.positions;
  let big = b.positions;
  let sLo = aLo;
  let sHi = aHi;
  let lo = bLo;
  let hi = bHi;
  if (aHi - aLo > bHi - bLo) {
    [small, big] = [big, small];
    [sLo, sHi, lo, hi] = [bLo, bHi, aLo, aHi];
  }
  for (let i = sLo; i < sHi && lo < hi; i++) {
    const x = small[i]!;
    if (big[hi - 1]! < x) return false;
    // gallop: first index in [lo, hi) with big[index] >= x
    let step = 1;
    let upper = lo;
    while (upper < hi && big[upper]! < x) {
      lo = upper + 1;
      upper += step;
      step *= 2;
    }
    lo = lowerBound(lo, Math.min(upper, hi), (m) => big[m]! < x);
    if (lo < hi && big[lo] === x) return true;
  }
  return false;
}
