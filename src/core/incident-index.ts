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
const GROUP_INDEX = new Map<CasualtyGroup, number>(CASUALTY_GROUPS.map((g, i) => [g, i]));
/** Slot counting incidents with open figures. */
export const OPEN = G * 2;
/** Slot counting incidents that give any killed figure, and any injured figure. */
export const KILLED_GIVEN = G * 2 + 1;
export const INJURED_GIVEN = G * 2 + 2;
/** Killed and injured per group, then those counts. */
export const STRIDE = G * 2 + 3;

/**
 * Per-incident figures in flat typed arrays (row i = incident at position i, newest first): killed and
 * injured per casualty group and a 1 when some figure is open. Queries that must filter incident by
 * incident read these instead of the records.
 */
export class IncidentFigures {
  readonly figs: Int32Array;
  constructor(incidents: readonly Incident[]) {
    this.figs = new Int32Array(incidents.length * STRIDE);
    for (let i = 0; i < incidents.length; i++) {
      const base = i * STRIDE;
      const inc = incidents[i]!;
      let open = inc.casualties.length === 0;
      const f = this.figs;
      for (const c of inc.casualties) {
        const g = base + GROUP_INDEX.get(c.group)! * 2;
        if (c.killed !== null) {
          f[g] = f[g]! + c.killed;
          f[base + KILLED_GIVEN] = 1;
        } else open = true;
        if (c.injured !== null) {
          f[g + 1] = f[g + 1]! + c.injured;
          f[base + INJURED_GIVEN] = 1;
        } else open = true;
      }
      if (open) f[base + OPEN] = 1;
    }
  }

  /** Known killed + injured of the incident at a position. */
  killedPlusInjured(pos: number): number {
    let n = 0;
    const base = pos * STRIDE;
    for (let k = 0; k < OPEN; k++) n += this.figs[base + k]!;
    return n;
  }

  /** Adds the incident's figures into a STRIDE-long accumulator. */
  addTo(acc: Float64Array, pos: number): void {
    const base = pos * STRIDE;
    for (let k = 0; k < STRIDE; k++) acc[k] = acc[k]! + this.figs[base + k]!;
  }
}

export function totalsFromAccumulator(acc: ArrayLike<number>): GroupTotals {
  const t = emptyTotals();
  for (let gi = 0; gi < G; gi++) {
    const g = CASUALTY_GROUPS[gi]!;
    t[g].killed = acc[gi * 2]!;
    t[g].injured = acc[gi * 2 + 1]!;
  }
  return t;
}

/**
 * A list of incidents (positions into the newest-first array) with per-day prefix sums of killed and
 * injured per group: totals over any run of whole days are two lookups, not a scan. Memory grows with
 * the number of distinct days in the list, not with the number of incidents.
 */
export class PostingList {
  /** Ascending positions in the global newest-first order, i.e. newest first. */
  readonly positions: Int32Array;
  /** For each distinct day of the list, in list order, the index just past its last entry. */
  private readonly dayEnds: Int32Array;
  /** prefix[j * STRIDE + k]: sum of slot k over the list's first j days. */
  private readonly prefix: Float64Array;

  constructor(
    positions: Int32Array,
    dayKeys: Int32Array,
    private readonly figures: IncidentFigures,
  ) {
    this.positions = positions;
    let days = 0;
    for (let i = 0; i < positions.length; i++) if (i === 0 || dayKeys[positions[i]!] !== dayKeys[positions[i - 1]!]) days++;
    this.dayEnds = new Int32Array(days);
    this.prefix = new Float64Array((days + 1) * STRIDE);
    const figs = figures.figs;
    let j = -1;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (i === 0 || dayKeys[p] !== dayKeys[positions[i - 1]!]) {
        j++;
        const from = j * STRIDE;
        for (let k = 0; k < STRIDE; k++) this.prefix[from + STRIDE + k] = this.prefix[from + k]!;
      }
      this.dayEnds[j] = i + 1;
      const row = (j + 1) * STRIDE;
      const src = p * STRIDE;
      for (let k = 0; k < STRIDE; k++) this.prefix[row + k] = this.prefix[row + k]! + figs[src + k]!;
    }
  }

  get length(): number {
    return this.positions.length;
  }

  /** Sum of slot k over entries [0, i): the whole days before i from the prefix, plus i's own day up to i. */
  private upTo(i: number, k: number): number {
    if (i <= 0) return 0;
    // first day j with dayEnds[j] > i - 1, i.e. the day holding entry i - 1
    let lo = 0;
    let hi = this.dayEnds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.dayEnds[mid]! > i - 1) hi = mid;
      else lo = mid + 1;
    }
    const j = lo;
    if (this.dayEnds[j] === i) return this.prefix[(j + 1) * STRIDE + k]!;
    let s = this.prefix[j * STRIDE + k]!;
    const start = j === 0 ? 0 : this.dayEnds[j - 1]!;
    for (let e = start; e < i; e++) s += this.figures.figs[this.positions[e]! * STRIDE + k]!;
    return s;
  }

  /** Totals of the list's entries [lo, hi). */
  totals(lo: number, hi: number): GroupTotals {
    const acc = new Float64Array(OPEN);
    for (let k = 0; k < OPEN; k++) acc[k] = this.upTo(hi, k) - this.upTo(lo, k);
    return totalsFromAccumulator(acc);
  }

  /** How many of the entries [lo, hi) give any killed figure, and any injured figure. */
  figuresGiven(lo: number, hi: number): { killed: number; injured: number } {
    return { killed: this.upTo(hi, KILLED_GIVEN) - this.upTo(lo, KILLED_GIVEN), injured: this.upTo(hi, INJURED_GIVEN) - this.upTo(lo, INJURED_GIVEN) };
  }

  /** How many of the entries [lo, hi) have casualty figures the source leaves open. */
  withoutFigures(lo: number, hi: number): number {
    return this.upTo(hi, OPEN) - this.upTo(lo, OPEN);
  }
}

/** Incidents sorted newest first, with posting lists by place (at every level) and by actor. */
export class IncidentIndex {
  readonly incidents: readonly Incident[];
  /** Day of each incident as a number YYYYMMDD, parallel to `incidents`, for binary search. */
  readonly dayKeys: Int32Array;
  readonly figures: IncidentFigures;
  readonly all: PostingList;
  private readonly byPlace = new Map<string, PostingList>();
  private readonly byActor = new Map<string, PostingList>();
  private readonly positionById = new Map<string, number>();

  constructor(incidents: readonly Incident[], gazetteer: Gazetteer) {
    this.incidents = sortNewestFirst(incidents);
    const n = this.incidents.length;
    this.dayKeys = new Int32Array(n);
    for (let i = 0; i < n; i++) this.dayKeys[i] = dayKey(this.incidents[i]!.date.date);
    this.figures = new IncidentFigures(this.incidents);

    // Two passes: count each list's length, then fill typed arrays in position order (so newest first).
    const listOf = new Map<string, number>(); // 'p:<place>' / 'a:<actor>' -> list number
    const keys: string[] = [];
    const lengths: number[] = [];
    const lineageLists = new Map<string, number[]>();
    const memberships = new Int32Array(n + 1); // offsets into `members`
    const members: number[] = [];
    const list = (key: string) => {
      let l = listOf.get(key);
      if (l === undefined) {
        listOf.set(key, (l = keys.length));
        keys.push(key);
        lengths.push(0);
      }
      return l;
    };
    for (let pos = 0; pos < n; pos++) {
      const inc = this.incidents[pos]!;
      this.positionById.set(inc.id, pos);
      let ls = lineageLists.get(inc.placeId);
      if (!ls) lineageLists.set(inc.placeId, (ls = gazetteer.lineage(inc.placeId).map((p) => list(`p:${p.id}`))));
      for (const l of ls) members.push(l);
      const first = members.length;
      if (inc.perpetratorId) members.push(list(`a:${inc.perpetratorId}`));
      for (const c of inc.casualties) {
        if (!c.actorId) continue;
        const l = list(`a:${c.actorId}`);
        let dup = false;
        for (let m = first; m < members.length; m++) if (members[m] === l) dup = true;
        if (!dup) members.push(l);
      }
      memberships[pos + 1] = members.length;
    }
    for (const l of members) lengths[l]!++;
    const arrays = lengths.map((len) => new Int32Array(len));
    const fill = new Int32Array(keys.length);
    for (let pos = 0; pos < n; pos++)
      for (let m = memberships[pos]!; m < memberships[pos + 1]!; m++) {
        const l = members[m]!;
        arrays[l]![fill[l]!++] = pos;
      }
    const allPositions = new Int32Array(n);
    for (let i = 0; i < n; i++) allPositions[i] = i;
    this.all = new PostingList(allPositions, this.dayKeys, this.figures);
    keys.forEach((key, l) => {
      const pl = new PostingList(arrays[l]!, this.dayKeys, this.figures);
      (key.startsWith('p:') ? this.byPlace : this.byActor).set(key.slice(2), pl);
    });
  }

  get(id: string): Incident | undefined {
    const p = this.positionById.get(id);
    return p === undefined ? undefined : this.incidents[p];
  }

  /** The incident's position in the newest-first order. */
  positionOf(id: string): number | undefined {
    return this.positionById.get(id);
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

/** Newest day first, then id; skips the sort when the input is already in that order. */
function sortNewestFirst(incidents: readonly Incident[]): Incident[] {
  const before = (a: Incident, b: Incident) => (a.date.date > b.date.date ? -1 : a.date.date < b.date.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  let sorted = true;
  for (let i = 1; i < incidents.length && sorted; i++) if (before(incidents[i - 1]!, incidents[i]!) > 0) sorted = false;
  return sorted ? [...incidents] : [...incidents].sort(before);
}

export function dayKey(isoDay: string): number {
  return Number(isoDay.slice(0, 4)) * 10000 + Number(isoDay.slice(5, 7)) * 100 + Number(isoDay.slice(8, 10));
}
