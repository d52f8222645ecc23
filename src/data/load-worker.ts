/**
 * Worker thread for hot reloads (see load-off-thread.ts): for each request, reads, checks, validates
 * and indexes data/ off the main thread, then hands back either the path of a records snapshot to
 * open, or the validated records (newest first) with their index columns, whose buffers are
 * transferred rather than copied.
 */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { DatasetError } from '../core/dataset-issue.ts';
import { loadDatasetFrom, type LoadOptions } from './load-dataset.ts';

/** Records per message. */
const SLICE = 1000;

/**
 * Requests whose records are being handed over, by id: the next slice goes when the main thread asks
 * for it. Posted all at once, the slices would be decoded in one block: Node delivers every message
 * already queued on a port in the same turn of the event loop.
 */
const handingOver = new Map<number, () => void>();

/** What identifies the places and their names, so that the main thread can keep its gazetteer when they did not change. */
const placesKey = (raw: { places: unknown; 'place-names'?: unknown }) =>
  createHash('sha256')
    .update(JSON.stringify([raw.places, raw['place-names'] ?? null]))
    .digest('base64url');

type Request = { id: number; dataDir: string; opts: Omit<LoadOptions, 'warn'> } | { id: number; next: true };

parentPort!.on('message', (request: Request) => {
  if ('next' in request) return handingOver.get(request.id)?.();
  const { id, dataDir, opts } = request;
  const warnings: string[] = [];
  try {
    const { dataset, snapshot } = loadDatasetFrom(dataDir, { ...opts, warn: (w) => warnings.push(w) });
    if (snapshot) parentPort!.postMessage({ id, ok: true, warnings, snapshot });
    else {
      const cols = dataset.incidents.columns;
      // The records in slices, one at a time: the main thread decodes a slice, and asks for the next
      // one on a later turn of its event loop, so it is never blocked for the whole hand-over.
      const records = dataset.incidents.incidents;
      const raw = { ...dataset.raw, incidents: [] };
      const buffers = [cols.dayKeys, cols.place, cols.partyStart, cols.parties, cols.source, cols.figs].map((a) => a.buffer as ArrayBuffer);
      const answer = { id, ok: true, warnings, raw, columns: cols, placesKey: placesKey(raw) };
      let at = 0;
      const sendNext = () => {
        if (at < records.length) {
          parentPort!.postMessage({ id, slice: records.slice(at, (at += SLICE)) });
          return;
        }
        handingOver.delete(id);
        parentPort!.postMessage(answer, [...new Set(buffers)]);
      };
      handingOver.set(id, sendNext);
      sendNext();
    }
  } catch (err) {
    parentPort!.postMessage(
      err instanceof DatasetError
        ? { id, ok: false, warnings, issues: err.issues }
        : { id, ok: false, warnings, message: String((err as Error)?.stack ?? err) },
    );
  }
});
