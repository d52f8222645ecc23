import { renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Dataset } from '../core/dataset.ts';
import type { IncidentColumns } from '../core/incident-index.ts';
import type { Incident, RawDataset } from '../schema/index.ts';

/**
 * Records snapshot for large datasets, in SQLite: the index columns as blobs, the small kinds as one
 * JSON value, and each incident's JSON in a row keyed by its newest-first position. Opening it reads
 * the columns (a few tens of MB for a million incidents) and nothing else: a record is read and parsed
 * when something asks for it, so a million incidents load without a million objects on the heap.
 */

const TYPED_COLUMNS = ['dayKeys', 'place', 'partyStart', 'parties', 'source', 'figs'] as const;

interface Header {
  n: number;
  placeIds: string[];
  actorIds: string[];
  sourceIds: string[];
  rest: Omit<RawDataset, 'incidents'>;
}

const bytesOf = (a: Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Writes `ds` (validated and indexed) to `path`, replacing it atomically. */
export function writeRecordsSnapshot(ds: Dataset, path: string): void {
  const cols = ds.incidents.columns;
  const incs = ds.incidents.incidents;
  const tmp = `${path}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const db = new Database(tmp);
  try {
    // Large pages: the column blobs (tens of MB) are read as a few long chains rather than many short ones.
    db.pragma('page_size = 65536');
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL); CREATE TABLE records (pos INTEGER PRIMARY KEY, json TEXT NOT NULL);');
    const { incidents: _records, ...rest } = ds.raw;
    const header: Header = { n: incs.length, placeIds: cols.placeIds, actorIds: cols.actorIds, sourceIds: cols.sourceIds, rest };
    const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    const record = db.prepare('INSERT INTO records (pos, json) VALUES (?, ?)');
    db.transaction(() => {
      meta.run('header', JSON.stringify(header));
      for (const name of TYPED_COLUMNS) meta.run(name, bytesOf(cols[name]));
      if (cols.sameEvent) meta.run('sameEvent', bytesOf(cols.sameEvent));
      meta.run('ids', Buffer.from(ds.incidents.ids().join('\n'), 'utf8'));
      for (let i = 0; i < incs.length; i++) record.run(i, JSON.stringify(incs[i]));
    })();
  } finally {
    db.close();
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
    const json = db.prepare<[number], string>('SELECT json FROM records WHERE pos = ?').pluck();
    const records = lazyArray(h.n, (i) => JSON.parse(json.get(i)!) as Incident);
    return new Dataset({ ...h.rest, incidents: records as Incident[] }, columns);
  } catch (e) {
    db.close();
    throw e;
  }
}
