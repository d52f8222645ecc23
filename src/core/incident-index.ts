import { CASUALTY_GROUPS, type CasualtyGroup, type Incident } from '../schema/index.ts';
import type { Gazetteer } from './gazetteer.ts';
import { lowerBound } from './lower-bound.ts';
import { dayKey } from './calendar-day.ts';

export type GroupTotals = Record<CasualtyGroup, { killed: number; injured: number }>;

export function emptyTotals(): GroupTotals {
  return Object.fromEntries(CASUALTY_GROUPS.map((g) => [g, { killed: 0, injured: 0 }])) as GroupTotals;
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
const GROUP_INDEX = Object.fromEntries(CASUALTY_GROUPS.map((g, i) => [g, i])) as Record<CasualtyGroup, number>;
/** Slot counting incidents with open figures. */
export const OPEN = G * 2;
/** Slot counting incidents that give any killed figure, and any injured figure. */
export const KILLED_GIVEN = G * 2 + 1;
export const INJURED_GIVEN = G * 2 + 2;
/**
 * Killed and injured of the dataset's focus actor itself (its own dead, e.g. IS militants), also
 * counted in their casualty group: totals can say "of whom 310 IS militants" from the same prefix sums.
 */
export const FOCUS_KILLED = G * 2 + 3;
export const FOCUS_INJURED = G * 2 + 4;
/** Killed and injured per group, then those counts, then the focus actor's own. */
export const STRIDE = G * 2 + 5;

/**
 * Per-incident figures in flat typed arrays (row i = incident at position i, newest first): killed and
 * injured per casualty group and a 1 when some figure is open. Queries that must filter incident by
 * incident read these instead of the records.
 */
export class IncidentFigures {
  constructor(readonly figs: Int32Array) {}

  /** Writes one incident's row at `base`; `focusActorId`: whose own dead go to the FOCUS slots too. */
  static write(f: Int32Array, base: number, inc: Incident, focusActorId: string | null): void {
    let open = inc.casualties.length === 0;
    for (const c of inc.casualties) {
      if (focusActorId !== null && c.actorId === focusActorId) {
        f[base + FOCUS_KILLED] = f[base + FOCUS_KILLED]! + (c.killed ?? 0);
        f[base + FOCUS_INJURED] = f[base + FOCUS_INJURED]! + (c.injured ?? 0);
      }
      const g = base + GROUP_INDEX[c.group] * 2;
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

  /** Known killed + injured of the incident at a position. */
  killedPlusInjured(pos: number): number {
    let n = 0;
    const base = pos * STRIDE;
    for (let k = 0; k < OPEN; k++) n += this.figs[base + k]!;
    return n;
  }

  /** Adds the incident's figures into a STRIDE-long accumulator. */
  addTo(acc: number[], pos: number): void {
    const base = pos * STRIDE;
    for (let k = 0; k < STRIDE; k++) acc[k] = acc[k]! + this.figs[base + k]!;
  }
}

/** The focus actor's own killed and injured in an accumulator (see FOCUS_KILLED). */
export function focusFromAccumulator(acc: ArrayLike<number>): { killed: number; injured: number } {
  return { killed: acc[FOCUS_KILLED]!, injured: acc[FOCUS_INJURED]! };
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
  /** Day-grouped prefix sums, built on the first sum asked of this list (see `sumsByDay`). */
  private byDay: { dayEnds: Int32Array; prefix: Float64Array } | null = null;

  constructor(
    positions: Int32Array,
    private readonly dayKeys: Int32Array,
    private readonly figures: IncidentFigures,
  ) {
    this.positions = positions;
  }

  /**
   * For each distinct day of the list, in list order, the index just past its last entry (`dayEnds`),
   * and prefix[j * STRIDE + k], the sum of slot k over the list's first j days. Built when first needed:
   * a start-up opening a million incidents has thousands of lists (every place at every level, every
   * actor and source) and most are never summed, so it pays only for those a query sums.
   */
  private sumsByDay(): { dayEnds: Int32Array; prefix: Float64Array } {
    if (this.byDay) return this.byDay;
    const { positions, dayKeys } = this;
    let days = 0;
    for (let i = 0; i < positions.length; i++) if (i === 0 || dayKeys[positions[i]!] !== dayKeys[positions[i - 1]!]) days++;
    const dayEnds = new Int32Array(days);
    const prefix = new Float64Array((days + 1) * STRIDE);
    const figs = this.figures.figs;
    let j = -1;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (i === 0 || dayKeys[p] !== dayKeys[positions[i - 1]!]) {
        j++;
        const from = j * STRIDE;
        for (let k = 0; k < STRIDE; k++) prefix[from + STRIDE + k] = prefix[from + k]!;
      }
      dayEnds[j] = i + 1;
      const row = (j + 1) * STRIDE;
      const src = p * STRIDE;
      for (let k = 0; k < STRIDE; k++) prefix[row + k] = prefix[row + k]! + figs[src + k]!;
    }
    this.byDay = { dayEnds, prefix };
    return this.byDay;
  }

  get length(): number {
    return this.positions.length;
  }

  /** Adds (sign = 1) or subtracts (sign = -1) the sums of every slot over entries [0, i) into acc. */
  private addUpTo(i: number, sign: number, acc: number[]): void {
    if (i <= 0) return;
    const { dayEnds, prefix } = this.sumsByDay();
    // the day holding entry i - 1: first j with dayEnds[j] > i - 1
    const j = lowerBound(0, dayEnds.length, (m) => dayEnds[m]! <= i - 1);
    if (dayEnds[j] === i) {
      const row = (j + 1) * STRIDE;
      for (let k = 0; k < STRIDE; k++) acc[k] = acc[k]! + sign * prefix[row + k]!;
      return;
    }
    // i falls inside day j: whole days before it from the prefix, then its own entries one by one
    const row = j * STRIDE;
    for (let k = 0; k < STRIDE; k++) acc[k] = acc[k]! + sign * prefix[row + k]!;
    const figs = this.figures.figs;
    for (let e = j === 0 ? 0 : dayEnds[j - 1]!; e < i; e++) {
      const src = this.positions[e]! * STRIDE;
      for (let k = 0; k < STRIDE; k++) acc[k] = acc[k]! + sign * figs[src + k]!;
    }
  }

  /**
   * Every slot summed over the entries [lo, hi): killed/injured per group, open, killed given, injured
   * given. A plain array on purpose: a 13-slot Float64Array would get an off-heap buffer per call, and
   * those buffers make the collector run full collections over the whole (large) heap.
   */
  sums(lo: number, hi: number): number[] {
    const acc = new Array<number>(STRIDE).fill(0);
    this.addUpTo(hi, 1, acc);
    this.addUpTo(lo, -1, acc);
    return acc;
  }

  /** Totals of the list's entries [lo, hi). */
  totals(lo: number, hi: number): GroupTotals {
    return totalsFromAccumulator(this.sums(lo, hi));
  }

  /** How many of the entries [lo, hi) give any killed figure, and any injured figure. */
  figuresGiven(lo: number, hi: number): { killed: number; injured: number } {
    const s = this.sums(lo, hi);
    return { killed: s[KILLED_GIVEN]!, injured: s[INJURED_GIVEN]! };
  }

  /** How many of the entries [lo, hi) have casualty figures the source leaves open. */
  withoutFigures(lo: number, hi: number): number {
    return this.sums(lo, hi)[OPEN]!;
  }
}

/** Incidents sorted newest first, with posting lists by place (at every level), by actor and by source. */
export class IncidentIndex {
  readonly incidents: readonly Incident[];
  /** Day of each incident as a number YYYYMMDD, parallel to `incidents`, for binary search. */
  readonly dayKeys: Int32Array;
  readonly figures: IncidentFigures;
  readonly all: PostingList;
  private readonly byPlace = new Map<string, PostingList>();
  private readonly byActor = new Map<string, PostingList>();
  private readonly bySource = new Map<string, PostingList>();
  /**
   * Per place, only the incidents involving the focus actor (perpetrator or party): the default query
   * (focus actor in a place) is then one list with prefix sums, not an intersection walk.
   */
  private readonly byFocusPlace = new Map<string, PostingList>();
  /** The dataset's focus actor, or null when it declares none. */
  readonly focusActorId: string | null;
  /** Built on the first lookup by id: start-up does not pay for a million-entry map nobody asked for. */
  private positionById: Map<string, number> | null = null;
  /**
   * Same-event links: for each primary's position, the positions of the records that point at it
   * (`sameEventAs`), ascending. Those records are not counted: no list but their source's holds them.
   */
  private readonly linked = new Map<number, number[]>();

  /** The flat columns the lists were built from (a snapshot stores them so a load can skip the records). */
  readonly columns: IncidentColumns;

  /**
   * `incidents` in any order; or, with `prebuilt` columns (from a snapshot), already newest first and
   * possibly lazy (records read only when asked for).
   */
  constructor(incidents: readonly Incident[], gazetteer: Gazetteer, prebuilt?: IncidentColumns, focusActorId: string | null = null) {
    this.focusActorId = focusActorId;
    let cols: IncidentColumns;
    if (prebuilt) {
      cols = prebuilt;
      this.incidents = incidents;
    } else {
      const built = buildColumns(incidents, focusActorId);
      cols = built.columns;
      this.incidents = built.sorted;
    }
    this.columns = cols;
    const n = this.incidents.length;
    const { dayKeys, place, placeIds, partyStart, parties, actorIds, figs, source, sourceIds, sameEvent } = cols;
    this.dayKeys = dayKeys;
    this.figures = new IncidentFigures(figs);
    // A record of an event another record already counts (sameEventAs) is left out of every list that
    // counts: the event is counted once, with its primary's figures.
    const counted = (pos: number) => !sameEvent || sameEvent[pos]! < 0;
    if (sameEvent)
      for (let pos = 0; pos < n; pos++) {
        const p = sameEvent[pos]!;
        if (p < 0) continue;
        const l = this.linked.get(p);
        if (l) l.push(pos);
        else this.linked.set(p, [pos]);
      }

    // Lists: one per place at any level of a lineage, then one per actor.
    const listKeys: string[] = [];
    const placeList = new Map<string, number>();
    const lineageLists = placeIds.map((id) =>
      Int32Array.from(gazetteer.lineage(id), (p) => {
        let l = placeList.get(p.id);
        if (l === undefined) {
          placeList.set(p.id, (l = listKeys.length));
          listKeys.push(`p:${p.id}`);
        }
        return l;
      }),
    );
    const actorBase = listKeys.length;
    for (const a of actorIds) listKeys.push(`a:${a}`);
    // The focus actor's place lists come after: list l of a place is focusBase + l.
    const focusNumber = focusActorId === null ? -1 : actorIds.indexOf(focusActorId);
    const focusBase = listKeys.length;
    if (focusNumber >= 0) for (let l = 0; l < actorBase; l++) listKeys.push(`f:${listKeys[l]!.slice(2)}`);
    const involvesFocus = (pos: number) => {
      if (focusNumber < 0) return false;
      for (let k = partyStart[pos]!; k < partyStart[pos + 1]!; k++) if (parties[k] === focusNumber) return true;
      return false;
    };
    const lengths = new Int32Array(listKeys.length);
    for (let pos = 0; pos < n; pos++) {
      if (!counted(pos)) continue;
      const ls = lineageLists[place[pos]!]!;
      const focus = involvesFocus(pos);
      for (let k = 0; k < ls.length; k++) {
        lengths[ls[k]!]!++;
        if (focus) lengths[focusBase + ls[k]!]!++;
      }
      for (let k = partyStart[pos]!; k < partyStart[pos + 1]!; k++) lengths[actorBase + parties[k]!]!++;
    }
    const arrays = listKeys.map((_, l) => new Int32Array(lengths[l]!));
    const fill = new Int32Array(listKeys.length);
    for (let pos = 0; pos < n; pos++) {
      if (!counted(pos)) continue;
      const ls = lineageLists[place[pos]!]!;
      const focus = involvesFocus(pos);
      for (let k = 0; k < ls.length; k++) {
        arrays[ls[k]!]![fill[ls[k]!]!++] = pos;
        if (focus) arrays[focusBase + ls[k]!]![fill[focusBase + ls[k]!]!++] = pos;
      }
      for (let k = partyStart[pos]!; k < partyStart[pos + 1]!; k++) {
        const l = actorBase + parties[k]!;
        arrays[l]![fill[l]!++] = pos;
      }
    }
    let allPositions = new Int32Array(n);
    for (let i = 0; i < n; i++) allPositions[i] = i;
    if (sameEvent) allPositions = allPositions.filter(counted);
    this.all = new PostingList(allPositions, this.dayKeys, this.figures);
    listKeys.forEach((key, l) => {
      const pl = new PostingList(arrays[l]!, this.dayKeys, this.figures);
      (key.startsWith('p:') ? this.byPlace : key.startsWith('f:') ? this.byFocusPlace : this.byActor).set(key.slice(2), pl);
    });
    // One list per source: a handful of sources, so a counting pass and a filling pass over one column.
    // A source's list holds the events it reports as counted: its own counted records, and the primary
    // of each of its linked records (so every source behind a counted event is credited).
    const perSource = new Int32Array(sourceIds.length);
    for (let pos = 0; pos < n; pos++) if (counted(pos)) perSource[source[pos]!]!++;
    let sourceLists = sourceIds.map((_, s) => new Int32Array(perSource[s]!));
    perSource.fill(0);
    for (let pos = 0; pos < n; pos++) {
      if (!counted(pos)) continue;
      const s = source[pos]!;
      sourceLists[s]![perSource[s]!++] = pos;
    }
    if (this.linked.size) {
      const extra = sourceIds.map(() => [] as number[]);
      for (const [primary, secondaries] of this.linked) for (const pos of secondaries) extra[source[pos]!]!.push(primary);
      sourceLists = sourceLists.map((list, s) => (extra[s]!.length ? Int32Array.from(new Set([...list, ...extra[s]!])).sort() : list));
    }
    sourceIds.forEach((id, s) => this.bySource.set(id, new PostingList(sourceLists[s]!, this.dayKeys, this.figures)));
  }

  /** Whether the records live on disk (a records snapshot): walking `incidents` then reads every one of them. */
  private get recordsOnDisk(): boolean {
    return this.columns.ids !== undefined;
  }

  /**
   * Positions (newest first, at most `limit`) of the incidents whose id contains `q` (lower case), or
   * whose summary does when the records are in memory: with the records on disk only the id column is
   * searched, so a keystroke never reads a million records. Every incident when `q` is empty.
   */
  matching(q: string, limit: number): number[] {
    const out: number[] = [];
    const n = this.incidents.length;
    if (this.recordsOnDisk) {
      for (let pos = 0; pos < n && out.length < limit; pos++) if (!q || this.idAt(pos).includes(q)) out.push(pos);
      return out;
    }
    for (let pos = 0; pos < n && out.length < limit; pos++) {
      const inc = this.incidents[pos]!;
      if (!q || inc.id.includes(q) || inc.summary.toLowerCase().includes(q)) out.push(pos);
    }
    return out;
  }

  /** The id of the incident at a position, without reading the record when it is on disk. */
  idAt(pos: number): string {
    return this.columns.ids ? this.columns.ids[pos]! : this.incidents[pos]!.id;
  }

  /** Every incident id, newest first, without reading records kept on disk. */
  ids(): readonly string[] {
    return this.columns.ids ?? this.incidents.map((i) => i.id);
  }

  private positions(): Map<string, number> {
    if (!this.positionById) {
      const m = new Map<string, number>();
      const ids = this.columns.ids;
      if (ids) for (let pos = 0; pos < ids.length; pos++) m.set(ids[pos]!, pos);
      else this.incidents.forEach((inc, pos) => m.set(inc.id, pos));
      this.positionById = m;
    }
    return this.positionById;
  }

  get(id: string): Incident | undefined {
    const p = this.positions().get(id);
    return p === undefined ? undefined : this.incidents[p];
  }

  /** The incident's position in the newest-first order. */
  positionOf(id: string): number | undefined {
    return this.positions().get(id);
  }

  /** Whether the record at a position is counted (not another record's duplicate, see `sameEventAs`). */
  isCounted(pos: number): boolean {
    const se = this.columns.sameEvent;
    return !se || se[pos]! < 0;
  }

  /**
   * The records of the same event that point at this one (its other reports, from other sources), oldest
   * link first; empty for a record nobody links to.
   */
  alsoReported(id: string): Incident[] {
    const pos = this.linked.size ? this.positionOf(id) : undefined;
    return pos === undefined ? [] : (this.linked.get(pos)?.map((p) => this.incidents[p]!) ?? []);
  }

  /** Positions of the records linked to the record at a position (empty when none): no record is read. */
  linkedPositions(pos: number): readonly number[] {
    return this.linked.get(pos) ?? [];
  }

  /** The record an incident is counted under: itself, or the primary its `sameEventAs` names. */
  countedAs(id: string): Incident | undefined {
    const pos = this.positionOf(id);
    if (pos === undefined) return undefined;
    const p = this.columns.sameEvent?.[pos] ?? -1;
    return this.incidents[p >= 0 ? p : pos];
  }

  forPlace(placeId: string): PostingList | undefined {
    return this.byPlace.get(placeId);
  }

  forActor(actorId: string): PostingList | undefined {
    return this.byActor.get(actorId);
  }

  /** The incidents in a place (at any level below it) that involve the focus actor. */
  forFocusInPlace(placeId: string): PostingList | undefined {
    return this.byFocusPlace.get(placeId);
  }

  /** The incidents citing a source (undefined when none does). */
  forSource(sourceId: string): PostingList | undefined {
    return this.bySource.get(sourceId);
  }

  /** Ids of the sources cited by at least one incident, in the order the columns number them. */
  sourceIds(): readonly string[] {
    return this.columns.sourceIds;
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
    const start = lowerBound(0, pos.length, (m) => keys[pos[m]!]! > toKey); // first day <= to
    return [start, lowerBound(start, pos.length, (m) => keys[pos[m]!]! >= fromKey)]; // first day < from
  }
}

/** Per-incident columns in newest-first order; places and actors as numbers into the id tables. */
export interface IncidentColumns {
  dayKeys: Int32Array;
  place: Int32Array;
  placeIds: string[];
  /** Parties (perpetrator and casualty actors, no repeats) of position i: parties[partyStart[i] .. partyStart[i+1]). */
  partyStart: Int32Array;
  parties: Int32Array;
  actorIds: string[];
  /** Source of each position, as a number into sourceIds. */
  source: Int32Array;
  sourceIds: string[];
  /** STRIDE figures per incident (see IncidentFigures). */
  figs: Int32Array;
  /**
   * Per position, the position of the record it is the same event as (`sameEventAs`), or -1; absent
   * when no record links to another.
   */
  sameEvent?: Int32Array;
  /** Ids by position, when the records themselves are not in memory. */
  ids?: readonly string[];
}

/** Sorts the records newest first and reads each once into columns. */
function buildColumns(incidents: readonly Incident[], focusActorId: string | null): { sorted: Incident[]; columns: IncidentColumns } {
  const builder = new IncidentColumnsBuilder(focusActorId);
  for (const inc of incidents) builder.add(inc);
  const { columns, order } = builder.finish();
  return { sorted: Array.from(order, (o) => incidents[o]!), columns };
}

/**
 * Reads incidents one at a time, in any order, into flat columns: day, place, source, parties, figures
 * and id. Only these columns are kept, not the records, so a loader can stream a million records
 * through it and keep the records themselves elsewhere (see src/data/records-snapshot.ts). `finish`
 * sorts them newest first.
 */
export class IncidentColumnsBuilder {
  private n = 0;
  private dayKeys = new Int32Array(1024);
  private place = new Int32Array(1024);
  private source = new Int32Array(1024);
  private figs = new Int32Array(1024 * STRIDE);
  private partyStart = new Int32Array(1025);
  private parties = new Int32Array(2048);
  private partyCount = 0;
  private readonly ids: string[] = [];
  private readonly placeNumber = new Map<string, number>();
  private readonly placeIds: string[] = [];
  private readonly actorNumber = new Map<string, number>();
  private readonly actorIds: string[] = [];
  private readonly sourceNumber = new Map<string, number>();
  private readonly sourceIds: string[] = [];
  /** The same-event link (sameEventAs) of each incident added with one, by index. */
  private readonly links = new Map<number, string>();

  constructor(private readonly focusActorId: string | null) {}

  get length(): number {
    return this.n;
  }

  /** The id of the incident added at `i`. */
  idAt(i: number): string {
    return this.ids[i]!;
  }

  /** The record the incident added at `i` is the same event as (its sameEventAs), if any. */
  sameEventAt(i: number): string | undefined {
    return this.links.get(i);
  }

  /** The day (YYYYMMDD) of the incident added at `i`. */
  dayKeyAt(i: number): number {
    return this.dayKeys[i]!;
  }

  add(inc: Incident): void {
    const i = this.n++;
    if (i === this.dayKeys.length) {
      const grow = (a: Int32Array, size: number) => {
        const b = new Int32Array(size);
        b.set(a);
        return b;
      };
      this.dayKeys = grow(this.dayKeys, i * 2);
      this.place = grow(this.place, i * 2);
      this.source = grow(this.source, i * 2);
      this.figs = grow(this.figs, i * 2 * STRIDE);
      this.partyStart = grow(this.partyStart, i * 2 + 1);
    }
    this.ids.push(inc.id);
    if (inc.sameEventAs !== undefined) this.links.set(i, inc.sameEventAs);
    this.dayKeys[i] = dayKey(inc.date.date);
    this.place[i] = numberOf(this.placeNumber, this.placeIds, inc.placeId);
    this.source[i] = numberOf(this.sourceNumber, this.sourceIds, inc.sourceId);
    IncidentFigures.write(this.figs, i * STRIDE, inc, this.focusActorId);
    if (this.partyCount + inc.casualties.length + 1 > this.parties.length) {
      const bigger = new Int32Array(this.parties.length * 2 + inc.casualties.length + 1);
      bigger.set(this.parties);
      this.parties = bigger;
    }
    const parties = this.parties;
    const first = this.partyCount;
    let count = first;
    if (inc.perpetratorId) parties[count++] = numberOf(this.actorNumber, this.actorIds, inc.perpetratorId);
    for (const c of inc.casualties) {
      if (!c.actorId) continue;
      const a = numberOf(this.actorNumber, this.actorIds, c.actorId);
      let dup = false;
      for (let k = first; k < count; k++) if (parties[k] === a) dup = true;
      if (!dup) parties[count++] = a;
    }
    this.partyCount = count;
    this.partyStart[i + 1] = count;
  }

  /**
   * The sameEvent column (by position) from the links. A link whose target is missing, is the record
   * itself or is itself linked (which validation refuses) is ignored: that record then counts on its own.
   */
  private sameEventColumn(order: Int32Array): Int32Array {
    const n = this.n;
    const posOf = new Int32Array(n);
    for (let p = 0; p < n; p++) posOf[order[p]!] = p;
    const targets = new Map<string, number>();
    for (const target of this.links.values()) targets.set(target, -1);
    for (let i = 0; i < n; i++) if (targets.has(this.ids[i]!)) targets.set(this.ids[i]!, this.links.has(i) ? -1 : posOf[i]!);
    const col = new Int32Array(n).fill(-1);
    for (const [i, target] of this.links) {
      const p = targets.get(target)!;
      if (p !== posOf[i]) col[posOf[i]!] = p;
    }
    return col;
  }

  /**
   * The columns newest first (then by id); `ids`, the incident ids by position; and `order`: for each
   * position, the index at which its incident was added.
   */
  finish(): { columns: IncidentColumns; ids: string[]; order: Int32Array } {
    const n = this.n;
    const ids = this.ids;
    const day0 = this.dayKeys.subarray(0, n);
    const order = newestFirstOrder((i) => ids[i]!, day0);
    const dayKeys = new Int32Array(n);
    const place = new Int32Array(n);
    const source = new Int32Array(n);
    const figs = new Int32Array(n * STRIDE);
    const partyStart = new Int32Array(n + 1);
    const parties = new Int32Array(this.partyCount);
    const sortedIds = new Array<string>(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const o = order[i]!;
      sortedIds[i] = ids[o]!;
      dayKeys[i] = day0[o]!;
      place[i] = this.place[o]!;
      source[i] = this.source[o]!;
      figs.set(this.figs.subarray(o * STRIDE, (o + 1) * STRIDE), i * STRIDE);
      for (let k = this.partyStart[o]!; k < this.partyStart[o + 1]!; k++) parties[count++] = this.parties[k]!;
      partyStart[i + 1] = count;
    }
    const columns: IncidentColumns = {
      dayKeys,
      place,
      placeIds: this.placeIds,
      partyStart,
      parties,
      actorIds: this.actorIds,
      source,
      sourceIds: this.sourceIds,
      figs,
    };
    if (this.links.size) columns.sameEvent = this.sameEventColumn(order);
    return { columns, ids: sortedIds, order };
  }
}

function numberOf(numbers: Map<string, number>, ids: string[], id: string): number {
  let k = numbers.get(id);
  if (k === undefined) {
    numbers.set(id, (k = ids.length));
    ids.push(id);
  }
  return k;
}

/**
 * Positions in newest-first order (then by id) of the incidents with these days: a counting sort on
 * the day, then ids sorted within each day. O(n) plus small per-day sorts, where one comparison sort
 * over a million records would take seconds.
 */
function newestFirstOrder(idAt: (i: number) => string, keys: Int32Array): Int32Array {
  const n = keys.length;
  const order = new Int32Array(n);
  if (n === 0) return order;
  const all = keys.slice().sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || all[i] !== all[i - 1]) all[m++] = all[i]!;
  const distinct = all.subarray(0, m);
  const rank = (k: number) => distinct.length - lowerBound(0, distinct.length, (m) => distinct[m]! <= k); // newest day -> 0
  const ranks = new Int32Array(n);
  const start = new Int32Array(distinct.length + 1);
  for (let i = 0; i < n; i++) start[(ranks[i] = rank(keys[i]!)) + 1]!++;
  for (let d = 0; d < distinct.length; d++) start[d + 1]! += start[d]!;
  const next = start.slice(0, distinct.length);
  for (let i = 0; i < n; i++) order[next[ranks[i]!]!++] = i;
  const byId = (a: number, b: number) => (idAt(a) < idAt(b) ? -1 : idAt(a) > idAt(b) ? 1 : 0);
  for (let d = 0; d < distinct.length; d++) {
    const lo = start[d]!;
    const hi = start[d + 1]!;
    let inOrder = true;
    for (let k = lo + 1; k < hi && inOrder; k++) if (idAt(order[k - 1]!) > idAt(order[k]!)) inOrder = false;
    if (!inOrder) order.subarray(lo, hi).sort(byId);
  }
  return order;
}
