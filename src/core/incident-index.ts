import { CASUALTY_GROUPS, type CasualtyGroup, type Incident } from '../schema/index.ts';
import type { Gazetteer } from './gazetteer.ts';

export type GroupTotals = Record<CasualtyGroup, { killed: number; injured: number }>;

export function emptyTotals(): GroupTotals {
  return Object.fromEntries(CASUALTY_GROUPS.map((g) => [g, { killed: 0, injured: 0 }])) as GroupTotals;
}

export function addIncidentToTotals(t: GroupTotals, inc: Incident): void {
  for (const c of inc.casualties) {
    t[c.group].killed += c.killed ?? 0;
    t[c.group].injured += c.injured ?? 0;
  }
}

export function killedPlusInjured(inc: Incident): number {
  let n = 0;
  for (const c of inc.casualties) n += (c.killed ?? 0) + (c.injured ?? 0);
  return n;
}

/** Whether the source gives every casualty figure (a group with an open killed or injured count does not). */
export function hasAllFigures(inc: Incident): boolean {
  return inc.casualties.length > 0 && inc.casualties.every((c) => c.killed !== null && c.injured !== null);
}

const G = CASUALTY_GROUPS.length;
const OPEN = G * 2; // slot counting incidents with open figures
const KILLED_GIVEN = G * 2 + 1; // slot counting incidents that give any killed figure
const INJURED_GIVEN = G * 2 + 2; // ... any injured figure
const STRIDE = G * 2 + 3; // killed and injured per group, then those counts

/**
 * A list of incidents (positions into the newest-first array) with prefix sums of killed/injured per
 * group, so totals over any date range are two lookups instead of a scan.
 */
export class PostingList {
  /** Ascending positions in the global newest-first order, i.e. newest first. */
  readonly positions: Int32Array;
  private readonly prefix: Float64Array;

  constructor(positions: number[], incidents: readonly Incident[]) {
    this.positions = Int32Array.from(positions);
    this.prefix = new Float64Array((positions.length + 1) * STRIDE);
    for (let i = 0; i < positions.length; i++) {
      const base = i * STRIDE;
      for (let k = 0; k < STRIDE; k++) this.prefix[base + STRIDE + k] = this.prefix[base + k]!;
      const row = this.prefix.subarray(base + STRIDE, base + 2 * STRIDE);
      const inc = incidents[positions[i]!]!;
      for (const c of inc.casualties) {
        const g = CASUALTY_GROUPS.indexOf(c.group);
        row[g * 2] = row[g * 2]! + (c.killed ?? 0);
        row[g * 2 + 1] = row[g * 2 + 1]! + (c.injured ?? 0);
      }
      if (!hasAllFigures(inc)) row[OPEN] = row[OPEN]! + 1;
      if (inc.casualties.some((c) => c.killed !== null)) row[KILLED_GIVEN] = row[KILLED_GIVEN]! + 1;
      if (inc.casualties.some((c) => c.injured !== null)) row[INJURED_GIVEN] = row[INJURED_GIVEN]! + 1;
    }
  }

  get length(): number {
    return this.positions.length;
  }

  /** Totals of the list's entries [lo, hi). */
  totals(lo: number, hi: number): GroupTotals {
    const t = emptyTotals();
    CASUALTY_GROUPS.forEach((g, gi) => {
      t[g].killed = this.prefix[hi * STRIDE + gi * 2]! - this.prefix[lo * STRIDE + gi * 2]!;
      t[g].injured = this.prefix[hi * STRIDE + gi * 2 + 1]! - this.prefix[lo * STRIDE + gi * 2 + 1]!;
    });
    return t;
  }

  /** How many of the entries [lo, hi) give any killed figure, and any injured figure. */
  figuresGiven(lo: number, hi: number): { killed: number; injured: number } {
    return {
      killed: this.prefix[hi * STRIDE + KILLED_GIVEN]! - this.prefix[lo * STRIDE + KILLED_GIVEN]!,
      injured: this.prefix[hi * STRIDE + INJURED_GIVEN]! - this.prefix[lo * STRIDE + INJURED_GIVEN]!,
    };
  }

  /** How many of the entries [lo, hi) have casualty figures the source leaves open. */
  withoutFigures(lo: number, hi: number): number {
    return this.prefix[hi * STRIDE + OPEN]! - this.prefix[lo * STRIDE + OPEN]!;
  }
}

/** Incidents sorted newest first, with posting lists by place (at every level) and by actor. */
export class IncidentIndex {
  readonly incidents: readonly Incident[];
  /** Day of each incident as a number YYYYMMDD, parallel to `incidents`, for binary search. */
  readonly dayKeys: Int32Array;
  readonly all: PostingList;
  private readonly byPlace = new Map<string, PostingList>();
  private readonly byActor = new Map<string, PostingList>();
  private readonly positionById = new Map<string, number>();

  constructor(incidents: readonly Incident[], gazetteer: Gazetteer) {
    this.incidents = [...incidents].sort((a, b) => (a.date.date < b.date.date ? 1 : a.date.date > b.date.date ? -1 : a.id < b.id ? -1 : 1));
    this.dayKeys = Int32Array.from(this.incidents, (i) => dayKey(i.date.date));
    const place = new Map<string, number[]>();
    const actor = new Map<string, number[]>();
    const lineageIds = new Map<string, string[]>();
    this.incidents.forEach((inc, pos) => {
      this.positionById.set(inc.id, pos);
      let ids = lineageIds.get(inc.placeId);
      if (!ids) lineageIds.set(inc.placeId, (ids = gazetteer.lineage(inc.placeId).map((p) => p.id)));
      for (const id of ids) push(place, id, pos);
      const actors = new Set<string>();
      if (inc.perpetratorId) actors.add(inc.perpetratorId);
      for (const c of inc.casualties) if (c.actorId) actors.add(c.actorId);
      for (const a of actors) push(actor, a, pos);
    });
    this.all = new PostingList(this.incidents.map((_, i) => i), this.incidents);
    for (const [id, list] of place) this.byPlace.set(id, new PostingList(list, this.incidents));
    for (const [id, list] of actor) this.byActor.set(id, new PostingList(list, this.incidents));
  }

  get(id: string): Incident | undefined {
    const p = this.positionById.get(id);
    return p === undefined ? undefined : this.incidents[p];
  }

  forPlace(placeId: string): PostingList | undefined {
    return this.byPlace.get(placeId);
  }

  forActor(actorId: string): PostingList | undefined {
    return this.byActor.get(actorId);
  }

  /**
   * The slice [lo, hi) of a posting list whose incidents fall within [from, to] (inclusive days).
   * The list is newest first, so later days come first.
   */
  dateRange(list: PostingList, from: string | null, to: string | null): [number, number] {
    const pos = list.positions;
    const keys = this.dayKeys;
    const toKey = to ? dayKey(to) : Infinity;
    const fromKey = from ? dayKey(from) : -Infinity;
    // first index whose day <= to
    let lo = 0;
    let hi = pos.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[pos[mid]!]! > toKey) lo = mid + 1;
      else hi = mid;
    }
    const start = lo;
    // first index whose day < from
    hi = pos.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[pos[mid]!]! >= fromKey) lo = mid + 1;
      else hi = mid;
    }
    return [start, lo];
  }
}

export function dayKey(isoDay: string): number {
  return Number(isoDay.slice(0, 4)) * 10000 + Number(isoDay.slice(5, 7)) * 100 + Number(isoDay.slice(8, 10));
}

function push<K>(m: Map<K, number[]>, k: K, v: number) {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
