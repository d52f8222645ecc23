import { Worker } from 'node:worker_threads';
import { Dataset } from '../core/dataset.ts';
import { DatasetError, type DatasetIssue } from '../core/dataset-issue.ts';
import type { IncidentColumns } from '../core/incident-index.ts';
import type { RawDataset } from '../schema/index.ts';
import type { LoadOptions } from './load-dataset.ts';
import { openRecordsSnapshot } from './records-snapshot.ts';

type WorkerReply =
  | { ok: true; warnings: string[]; snapshot: string }
  | { ok: true; warnings: string[]; raw: RawDataset; columns: IncidentColumns }
  | { ok: false; warnings: string[]; issues: DatasetIssue[] }
  | { ok: false; warnings: string[]; message: string };

/**
 * loadDataset in a worker thread: the reading, hashing, zod validation and column building (seconds
 * for a large dataset) run off the event loop, which keeps answering interactions meanwhile. What is
 * left for this thread is building the posting lists from the transferred columns. Rejects with a
 * DatasetError when the data is invalid.
 */
export function loadDatasetOffThread(dataDir: string, opts: LoadOptions = {}): Promise<Dataset> {
  const { warn, ...plain } = opts;
  return new Promise((resolve, reject) => {
    // The worker runs TypeScript as this process does: through tsx, whatever started us (tsx, vitest).
    const worker = new Worker(new URL('./load-worker.ts', import.meta.url), {
      workerData: { dataDir, opts: plain },
      execArgv: [...process.execArgv.filter((a) => !a.startsWith('--input-type')), '--import', 'tsx'],
    });
    let settled = false;
    worker.once('message', (m: WorkerReply) => {
      settled = true;
      for (const w of m.warnings) warn?.(w);
      void worker.terminate();
      try {
        if (!m.ok) reject('issues' in m ? new DatasetError(m.issues) : new Error(m.message));
        else if ('snapshot' in m) resolve(openRecordsSnapshot(m.snapshot));
        else resolve(new Dataset(m.raw, m.columns));
      } catch (err) {
        reject(err);
      }
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the dataset loader thread exited with code ${code} before answering`));
      settled = true;
    });
  });
}
