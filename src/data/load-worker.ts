/**
 * Worker thread for hot reloads (see load-off-thread.ts): for each request, reads, checks, validates
 * and indexes data/ off the main thread, then hands back either the path of a records snapshot to
 * open, or the validated records (newest first) with their index columns, whose buffers are
 * transferred rather than copied.
 */
import { parentPort } from 'node:worker_threads';
import { DatasetError } from '../core/dataset-issue.ts';
import { loadDatasetFrom, type LoadOptions } from './load-dataset.ts';

/** Records per message. */
const SLICE = 1000;

parentPort!.on('message', ({ id, dataDir, opts }: { id: number; dataDir: string; opts: Omit<LoadOptions, 'warn'> }) => {
  const warnings: string[] = [];
  try {
    const { dataset, snapshot } = loadDatasetFrom(dataDir, { ...opts, warn: (w) => warnings.push(w) });
    if (snapshot) parentPort!.postMessage({ id, ok: true, warnings, snapshot });
    else {
      const cols = dataset.incidents.columns;
      // The records in slices, each its own message: the main thread decodes one slice per turn of
      // its event loop instead of all of them in one block.
      const records = dataset.incidents.incidents;
      for (let at = 0; at < records.length; at += SLICE) parentPort!.postMessage({ id, slice: records.slice(at, at + SLICE) });
      const raw = { ...dataset.raw, incidents: [] };
      const buffers = [cols.dayKeys, cols.place, cols.partyStart, cols.parties, cols.source, cols.figs].map((a) => a.buffer as ArrayBuffer);
      parentPort!.postMessage({ id, ok: true, warnings, raw, columns: cols }, [...new Set(buffers)]);
    }
  } catch (err) {
    parentPort!.postMessage(
      err instanceof DatasetError
        ? { id, ok: false, warnings, issues: err.issues }
        : { id, ok: false, warnings, message: String((err as Error)?.stack ?? err) },
    );
  }
});
