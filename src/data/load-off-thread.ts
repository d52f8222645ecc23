import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Dataset } from '../core/dataset.ts';
import { DatasetError, type DatasetIssue } from '../core/dataset-issue.ts';
import type { IncidentColumns } from '../core/incident-index.ts';
import type { Incident, RawDataset } from '../schema/index.ts';
import type { LoadOptions } from './load-dataset.ts';
import { openRecordsSnapshot } from './records-snapshot.ts';

// The ESM entry of tsx/esm/api (require.resolve finds the CommonJS one next to it).
const TSX_API = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;
const WORKER = new URL('./load-worker.ts', import.meta.url).href;

type WorkerReply = { id: number; slice: Incident[] } | WorkerAnswer;
type WorkerAnswer = { id: number; warnings: string[] } & (
  | { ok: true; snapshot: string }
  | { ok: true; raw: RawDataset; columns: IncidentColumns; placesKey: string }
  | { ok: false; issues: DatasetIssue[] }
  | { ok: false; message: string }
);

interface Pending {
  /** Records received so far, in order (the answer then comes with no records of its own). */
  records: Incident[];
  resolve: (ds: Dataset) => void;
  reject: (err: unknown) => void;
  warn?: ((message: string) => void) | undefined;
}

/**
 * loadDataset in a worker thread: the reading, hashing, zod validation and column building (seconds
 * for a large dataset) run off the event loop, which keeps answering interactions meanwhile. What is
 * left for this thread is decoding the records a slice per turn of the event loop, taking the
 * transferred columns and building the posting lists from them; the gazetteer (the costliest index) is
 * kept from the last load when the places and their names are the same. One thread, started on first use
 * and kept (it does not keep the process alive) so a reload does not pay its start-up again.
 */
export class DatasetLoaderThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** The places of the last load, and what identifies them: the same arrays share the gazetteer built from them. */
  private lastPlaces: { key: string; places: RawDataset['places']; names: RawDataset['place-names'] } | null = null;

  /** Rejects with a DatasetError when the data is invalid. */
  load(dataDir: string, opts: LoadOptions = {}): Promise<Dataset> {
    const { warn, ...plain } = opts;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, warn, records: [] });
      const w = this.thread();
      w.ref(); // a load in progress keeps the process alive; an idle thread does not
      w.postMessage({ id, dataDir, opts: plain });
    });
  }

  /** Starts the thread now, so that the first load does not wait for it to import its code. */
  start(): void {
    this.thread();
  }

  /** Stops the thread; loads in progress are rejected. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    // The worker runs TypeScript through tsx's API, whatever started this process (tsx, vitest):
    // Node 20 does not pass a loader given with --import on to worker threads.
    const w = new Worker(`import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER)}); })`, { eval: true });
    w.unref();
    w.on('message', (m: WorkerReply) => this.answer(m));
    const fail = (err: unknown) => {
      if (this.worker === w) this.worker = null;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the dataset loader thread exited (code ${code})`)));
    return (this.worker = w);
  }

  private answer(m: WorkerReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if ('slice' in m) {
      for (const r of m.slice) p.records.push(r);
      // The next slice on a later turn: whatever else is waiting (an interaction) runs first.
      setImmediate(() => this.worker?.postMessage({ id: m.id, next: true }));
      return;
    }
    this.pending.delete(m.id);
    if (!this.pending.size) this.worker?.unref();
    for (const w of m.warnings) p.warn?.(w);
    try {
      if (!m.ok) p.reject('issues' in m ? new DatasetError(m.issues) : new Error(m.message));
      else if ('snapshot' in m) p.resolve(openRecordsSnapshot(m.snapshot));
      else {
        if (this.lastPlaces?.key !== m.placesKey) this.lastPlaces = { key: m.placesKey, places: m.raw.places, names: m.raw['place-names'] };
        const { places, names } = this.lastPlaces;
        p.resolve(new Dataset({ ...m.raw, places, 'place-names': names, incidents: p.records }, m.columns));
      }
    } catch (err) {
      p.reject(err);
    }
  }
}
