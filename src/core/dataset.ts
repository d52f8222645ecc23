import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Actor, DatasetInfo, Incident, Quote, RawDataset, Source, Statistic } from '../schema/index.ts';
import { Gazetteer } from './gazetteer.ts';
import { IncidentIndex, type IncidentColumns } from './incident-index.ts';
import { BINARY_SNAPSHOT_MIN, loadRawDataset, pruneSnapshots, snapshotPaths, snapshotsEnabled, type LoadOptions } from './load-dataset.ts';
import { NameIndex } from './name-index.ts';

/** The repository's data/ folder, wherever the process was started from. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

/** The validated dataset with everything a query needs already indexed. Immutable once built. */
export class Dataset {
  readonly sources: ReadonlyMap<string, Source>;
  readonly actors: ReadonlyMap<string, Actor>;
  readonly gazetteer: Gazetteer;
  readonly incidents: IncidentIndex;
  readonly statistics: readonly Statistic[];
  readonly quotes: readonly Quote[];
  /** Actors by name and alias ("IS", "Daesh"). */
  readonly actorNames: NameIndex;
  /** Speakers of quotes by name, alias and role ("pompeo", "Secretary of State"). */
  readonly speakerNames: NameIndex;

  /** `prebuilt`: index columns from a snapshot, with `raw.incidents` already newest first (see openDatasetSnapshot). */
  constructor(
    readonly raw: RawDataset,
    prebuilt?: IncidentColumns,
  ) {
    this.sources = new Map(raw.sources.map((s) => [s.id, s]));
    this.actors = new Map(raw.actors.map((a) => [a.id, a]));
    this.gazetteer = new Gazetteer(raw.places);
    this.incidents = new IncidentIndex(raw.incidents, this.gazetteer, prebuilt, raw.info?.focus.actorId ?? null);
    this.statistics = raw.statistics;
    this.quotes = raw.quotes;
    this.actorNames = new NameIndex(raw.actors.map((a) => ({ id: a.id, names: [a.name, ...a.aliases] })));
    const speakerIds = new Set(raw.quotes.map((q) => q.speakerId));
    this.speakerNames = new NameIndex(
      raw.actors
        .filter((a) => speakerIds.has(a.id))
        .map((a) => ({ id: a.id, names: [a.name, ...a.aliases, ...(a.role ? roleNames(a.role) : [])], rank: a.kind === 'person' ? 0 : 1 })),
    );
  }

  /** The actor the dataset is about (data/dataset.json), or null when it declares none. */
  get focus(): DatasetInfo['focus'] | null {
    return this.raw.info?.focus ?? null;
  }

  actorName(id: string | null | undefined): string {
    return id ? (this.actors.get(id)?.name ?? id) : 'unknown';
  }

  counts(): Record<Exclude<keyof RawDataset, 'info'>, number> {
    return {
      sources: this.raw.sources.length,
      places: this.raw.places.length,
      actors: this.raw.actors.length,
      incidents: this.raw.incidents.length,
      statistics: this.raw.statistics.length,
      quotes: this.raw.quotes.length,
    };
  }

  incident(id: string): Incident | undefined {
    return this.incidents.get(id);
  }
}

/** A role is also searchable without its country prefix: "US Secretary of State" -> "Secretary of State". */
function roleNames(role: string): string[] {
  const names = [role];
  const m = /^(US|UK|Iraqi|Syrian)\s+(.+)$/.exec(role);
  if (m) names.push(m[2]!);
  return names;
}

/**
 * Loads, validates and indexes data/. With snapshots on (the default, see loadRawDataset), a data
 * folder whose content was validated before loads from its snapshot: validated records as JSON, or,
 * from BINARY_SNAPSHOT_MIN incidents on, a binary snapshot whose records stay on disk until asked for.
 */
export function loadDataset(dataDir: string = DEFAULT_DATA_DIR, opts: LoadOptions = {}): Dataset {
  if (!snapshotsEnabled(opts)) return new Dataset(loadRawDataset(dataDir, opts));
  const paths = snapshotPaths(dataDir, opts);
  if (existsSync(paths.bin)) {
    try {
      return openDatasetSnapshot(paths.bin);
    } catch {
      // unreadable: rebuild it below
    }
  }
  const ds = new Dataset(loadRawDataset(dataDir, opts, paths));
  if (ds.incidents.incidents.length >= (opts.binarySnapshotMin ?? BINARY_SNAPSHOT_MIN)) {
    try {
      mkdirSync(paths.dir, { recursive: true });
      writeDatasetSnapshot(ds, paths.bin);
      pruneSnapshots(paths, paths.bin);
    } catch {
      // a read-only checkout simply validates every time
    }
  }
  return ds;
}

// ---------------------------------------------------------------------------------------------
// Binary snapshot for large datasets: the index columns, and every record's JSON read from disk
// only when asked for, so a million incidents load in about a second without a million objects
// on the JavaScript heap.

const MAGIC = 'IBSNAP02';
const ALIGN = 8;

interface SnapshotHeader {
  magic: string;
  n: number;
  placeIds: string[];
  actorIds: string[];
  sourceIds: string[];
  rest: Omit<RawDataset, 'incidents'>;
  /** name -> [byte offset, byte length] in the file. */
  sections: Record<string, [number, number]>;
}

const ascii = (json: string) => json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Writes `ds` (already validated and indexed) as a binary snapshot: a JSON header (every record of
 * the small kinds, the place and actor id tables, where each section is), then the typed columns,
 * the ids, the byte offsets of the records, and the records as ASCII JSON, newest first.
 */
export function writeDatasetSnapshot(ds: Dataset, path: string): void {
  const cols = ds.incidents.columns;
  const incs = ds.incidents.incidents;
  const n = incs.length;
  const idsBuf = Buffer.from(incs.map((i) => i.id).join('\n'), 'latin1');
  const offsets = new Float64Array(n + 1);
  const chunks: Buffer[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const b = Buffer.from(ascii(JSON.stringify(incs[i])), 'latin1');
    chunks.push(b);
    total += b.length;
    offsets[i + 1] = total;
  }
  const columns: [string, Uint8Array][] = [
    ['dayKeys', new Uint8Array(cols.dayKeys.buffer, cols.dayKeys.byteOffset, cols.dayKeys.byteLength)],
    ['place', new Uint8Array(cols.place.buffer, cols.place.byteOffset, cols.place.byteLength)],
    ['source', new Uint8Array(cols.source.buffer, cols.source.byteOffset, cols.source.byteLength)],
    ['partyStart', new Uint8Array(cols.partyStart.buffer, cols.partyStart.byteOffset, cols.partyStart.byteLength)],
    ['parties', new Uint8Array(cols.parties.buffer, cols.parties.byteOffset, cols.parties.byteLength)],
    ['figs', new Uint8Array(cols.figs.buffer, cols.figs.byteOffset, cols.figs.byteLength)],
    ['offsets', new Uint8Array(offsets.buffer)],
    ['ids', idsBuf],
  ];
  const { incidents: _records, ...rest } = ds.raw;
  // Lay out sections after a header whose size is only known once the offsets are: reserve generously.
  const headerBase: Omit<SnapshotHeader, 'sections'> = { magic: MAGIC, n, placeIds: cols.placeIds, actorIds: cols.actorIds, sourceIds: cols.sourceIds, rest };
  const reserve = Buffer.byteLength(ascii(JSON.stringify(headerBase))) + 4096;
  const sections: Record<string, [number, number]> = {};
  let at = 8 + 4 + reserve;
  const pad = (x: number) => Math.ceil(x / ALIGN) * ALIGN;
  at = pad(at);
  for (const [name, bytes] of columns) {
    sections[name] = [at, bytes.byteLength];
    at = pad(at + bytes.byteLength);
  }
  sections.records = [at, total];
  const header = Buffer.from(ascii(JSON.stringify({ ...headerBase, sections })), 'latin1');
  if (header.length > reserve) throw new Error('snapshot header larger than reserved');
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const lead = Buffer.alloc(12);
    lead.write(MAGIC, 0, 'latin1');
    lead.writeUInt32LE(header.length, 8);
    writeSync(fd, lead, 0, 12, 0);
    writeSync(fd, header, 0, header.length, 12);
    for (const [name, bytes] of columns) writeSync(fd, bytes, 0, bytes.byteLength, sections[name]![0]);
    let pos = sections.records[0];
    for (const c of chunks) {
      writeSync(fd, c, 0, c.length, pos);
      pos += c.length;
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** An array whose elements are produced on first access (and kept in a bounded cache). */
function lazyArray<T>(length: number, at: (i: number) => T): readonly T[] {
  const cache = new Map<number, T>();
  const get = (i: number) => {
    let v = cache.get(i);
    if (v === undefined) {
      if (cache.size >= 20_000) cache.clear();
      cache.set(i, (v = at(i)));
    }
    return v;
  };
  const target: T[] = [];
  target.length = length;
  const index = (p: string | symbol) => (typeof p === 'string' && /^(0|[1-9]\d*)$/.test(p) ? Number(p) : -1);
  return new Proxy(target, {
    get(t, p, receiver) {
      const i = index(p);
      if (i >= 0) return i < length ? get(i) : undefined;
      if (p === 'length') return length;
      return Reflect.get(t, p, receiver);
    },
    has(t, p) {
      const i = index(p);
      return i >= 0 ? i < length : Reflect.has(t, p);
    },
    set() {
      return false;
    },
  });
}

/**
 * Opens a snapshot written by writeDatasetSnapshot. Reads the header and the columns (a few tens of
 * MB for a million incidents) and keeps the file open: a record is read and parsed when something
 * asks for it (`ds.incidents.incidents[pos]`, `ds.incidents.get(id)`, a page of results). Code that
 * walks every record still works, but reads them all from disk.
 */
export function openDatasetSnapshot(path: string): Dataset {
  const fd = openSync(path, 'r');
  try {
    return readSnapshot(path, fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** How many records each snapshot-backed Dataset has read from disk so far (see recordsReadFromDisk). */
const diskReads = new WeakMap<Dataset, { reads: number }>();

/**
 * How many records `ds` has read from its snapshot file: 0 for a dataset held in memory. For tests and
 * benchmarks that check a query answers from the index alone.
 */
export function recordsReadFromDisk(ds: Dataset): number {
  return diskReads.get(ds)?.reads ?? 0;
}

function readSnapshot(path: string, fd: number): Dataset {
  const lead = Buffer.alloc(12);
  readSync(fd, lead, 0, 12, 0);
  if (lead.toString('latin1', 0, 8) !== MAGIC) {
    throw new Error(`${path} is not an incident-bot snapshot`);
  }
  const headerBuf = Buffer.alloc(lead.readUInt32LE(8));
  readSync(fd, headerBuf, 0, headerBuf.length, 12);
  const h = JSON.parse(headerBuf.toString('latin1')) as SnapshotHeader;
  const bytes = (name: string) => {
    const section = h.sections[name];
    if (!section || (name === 'source' && !h.sourceIds)) throw new Error(`${path} has no ${name} section (an older layout)`);
    const [at, len] = section;
    const ab = new ArrayBuffer(len);
    let done = 0;
    while (done < len) done += readSync(fd, new Uint8Array(ab, done, len - done), 0, len - done, at + done);
    return ab;
  };
  const offsets = new Float64Array(bytes('offsets'));
  const idsBuf = Buffer.from(bytes('ids'));
  const columns: IncidentColumns = {
    dayKeys: new Int32Array(bytes('dayKeys')),
    place: new Int32Array(bytes('place')),
    placeIds: h.placeIds,
    partyStart: new Int32Array(bytes('partyStart')),
    parties: new Int32Array(bytes('parties')),
    actorIds: h.actorIds,
    source: new Int32Array(bytes('source')),
    sourceIds: h.sourceIds,
    figs: new Int32Array(bytes('figs')),
    ids: h.n ? idsBuf.toString('latin1').split('\n') : [],
  };
  const recordsAt = h.sections.records![0];
  let scratch = Buffer.alloc(1 << 16);
  const counter = { reads: 0 };
  const read = (i: number): Incident => {
    counter.reads++;
    const start = offsets[i]!;
    const len = offsets[i + 1]! - start;
    if (len > scratch.length) scratch = Buffer.alloc(len * 2);
    readSync(fd, scratch, 0, len, recordsAt + start);
    return JSON.parse(scratch.toString('latin1', 0, len)) as Incident;
  };
  const records = lazyArray(h.n, read);
  const raw: RawDataset = { ...h.rest, incidents: records as Incident[] };
  const ds = new Dataset(raw, columns);
  diskReads.set(ds, counter);
  // The file is read through the lazy records, which can outlive the Dataset (a caller keeping
  // `ds.incidents.incidents`): it is closed once they are collected, not when the Dataset is.
  closeWhenCollected.register(records, fd);
  return ds;
}

/** A snapshot's file stays open while its lazy records live; once they are collected it is closed. */
const closeWhenCollected = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});
