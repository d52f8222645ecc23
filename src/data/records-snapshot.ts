import { renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Dataset } from '../core/dataset.ts';
import type { IncidentColumns } from '../core/incident-index.ts';
import type { Incident, RawDataset } from '../schema/index.ts';

/**
 * Records snapshot for large datasets, in SQLite: the index columns as blobs, the small kinds as one
 * JSON value, and each incident's JSON in a row, in the order the incidents were read; the `rows`
 * column maps each newest-first position to its row. Opening it reads the columns (a few tens of MB
 * for a million incidents) and nothing else: a record is read and parsed when something asks for it,
 * so a million incidents load without a million objects on the heap.
 */

const TYPED_COLUMNS = ['dayKeys', 'place', 'partyStart', 'parties', 'source', 'figs', 'rows'] as const;

interface Header {
  n: number;
  placeIds: string[];
  actorIds: string[];
  sourceIds: string[];
  rest: Omit<RawDataset, 'incidents'>;
}

const bytesOf = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * Writes a snapshot one record at a time (each incident's validated JSON, in any order), then the
 * columns once all are in: a loader can stream records into it without holding them. The file
 * appears at `path` only when finished (written to a temporary file, then renamed).
 */
export class RecordsSnapshotWriter {
  private readonly tmp: string;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[number, string]>;
  private rows = 0;

  constructor(private readonly path: string) {
    this.tmp = `${path}.${process.pid}.tmp`;
    rmSync(this.tmp, { force: true });
    this.db = new Database(this.tmp);
    // Large pages: the column blobs (tens of MB) are read as a few long chains rather than many short ones.
    this.db.pragma('page_size = 65536');
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL); CREATE TABLE records (row INTEGER PRIMARY KEY, json TEXT NOT NULL);');
    this.insert = this.db.prepare('INSERT INTO records (row, json) VALUES (?, ?)');
    this.db.exec('BEGIN');
  }

  /** Adds one incident's JSON; returns its row number (0, 1, 2, … in the order added). */
  add(json: string): number {
    this.insert.run(this.rows, json);
    return this.rows++;
  }

  /**
   * Writes the columns (newest first, as IncidentIndex keeps them), the ids by position, `rows` (the row
   * of each position) and the other kinds, then puts the file in place.
   */
  finish(columns: IncidentColumns, ids: readonly string[], rows: Int32Array, rest: Omit<RawDataset, 'incidents'>): void {
    try {
      const header: Header = { n: ids.length, placeIds: columns.placeIds, actorIds: columns.actorIds, sourceIds: columns.sourceIds, rest };
      const meta = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      meta.run('header', JSON.stringify(header));
      const typed = { ...columns, rows };
      for (const name of TYPED_COLUMNS) meta.run(name, bytesOf(typed[name]));
      if (columns.sameEvent) meta.run('sameEvent', bytesOf(columns.sameEvent));
      meta.run('ids', Buffer.from(ids.join('\n'), 'utf8'));
      this.db.exec('COMMIT');
    } finally {
      this.db.close();
    }
    renameSync(this.tmp, this.path);
  }

  /** Drops the unfinished file (the records did not validate). */
  abandon(): void {
    if (this.db.open) this.db.close();
    rmSync(this.tmp, { force: true });
  }
}

/** Writes `ds` (validated and indexed) to `path`, replacing it atomically. */
export function writeRecordsSnapshot(ds: Dataset, path: string): void {
  const writer = new RecordsSnapshotWriter(path);
  try {
    const incs = ds.incidents.incidents;
    const rows = new Int32Array(incs.length);
    for (let i = 0; i < incs.length; i++) rows[i] = writer.add(JSON.stringify(incs[i]));
    const { incidents: _records, ...rest } = ds.raw;
    writer.finish(ds.incidents.columns, ds.incidents.ids(), rows, rest);
  } catch (e) {
    writer.abandon();
    throw e;
  }
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
 * Opens a snapshot written by writeRecordsSnapshot. Records are read through an array-like view
 * (`ds.incidents.incidents[pos]`, `ds.incidents.get(id)`): code that walks every record still works,
 * but reads them all from disk. The database stays open as long as that view is reachable.
 */
export function openRecordsSnapshot(path: string): Dataset {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const value = db.prepare<[string], Buffer | string>('SELECT value FROM meta WHERE key = ?').pluck();
    const blob = (name: string) => {
      const b = value.get(name);
      if (!Buffer.isBuffer(b)) throw new Error(`${path} has no ${name} column`);
      if (b.byteOffset % 4 === 0) return new Int32Array(b.buffer, b.byteOffset, b.length / 4);
      const ab = new ArrayBuffer(b.length); // a copy, aligned for the typed array
      new Uint8Array(ab).set(b);
      return new Int32Array(ab);
    };
    const h = JSON.parse(String(value.get('header'))) as Header;
    const ids = value.get('ids');
    const columns: IncidentColumns = {
      dayKeys: blob('dayKeys'),
      place: blob('place'),
      placeIds: h.placeIds,
      partyStart: blob('partyStart'),
      parties: blob('parties'),
      actorIds: h.actorIds,
      source: blob('source'),
      sourceIds: h.sourceIds,
      figs: blob('figs'),
      ids: h.n ? String(ids).split('\n') : [],
    };
    // Present only when some record links to another (sameEventAs).
    if (value.get('sameEvent') !== undefined) columns.sameEvent = blob('sameEvent');
    const rows = blob('rows');
    const json = db.prepare<[number], string>('SELECT json FROM records WHERE row = ?').pluck();
    const records = lazyArray(h.n, (i) => JSON.parse(json.get(rows[i]!)!) as Incident);
    return new Dataset({ ...h.rest, incidents: records as Incident[] }, columns);
  } catch (e) {
    db.close();
    throw e;
  }
}
