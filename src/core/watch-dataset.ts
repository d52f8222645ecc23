import { watch, type FSWatcher } from 'node:fs';
import { DEFAULT_DATA_DIR, loadDataset, type Dataset } from './dataset.ts';
import { DatasetError, formatIssue, type LoadOptions } from './load-dataset.ts';

export interface WatchLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type ReloadResult = { ok: true; dataset: Dataset; ms: number } | { ok: false; error: string; issues: string[] };

export interface DatasetWatcher {
  /** The dataset to use now: the last one that validated. Pass this as the handlers' `dataset` getter. */
  current(): Dataset;
  /** Loads and validates data/ now; swaps it in only if valid. */
  reload(): ReloadResult;
  /** Called after each successful swap. */
  onSwap(listener: (ds: Dataset) => void): void;
  close(): void;
}

export interface WatchOptions {
  logger?: WatchLogger;
  /** Changes arrive as bursts of events (an editor's save, an import writing many files): wait for quiet. */
  debounceMs?: number;
  /** Start from this dataset instead of loading the folder (it must be valid; start-up fails otherwise). */
  initial?: Dataset;
  /** How to load (snapshots on or off: the app passes INCIDENT_BOT_SNAPSHOT from its configuration). */
  load?: LoadOptions;
}

/**
 * Hot reload: watches the data folder; when files change, loads and validates the whole dataset and
 * swaps it in atomically (one reference assignment: a handler running meanwhile keeps the dataset it
 * started with). An invalid dataset is never swapped in: the last good one keeps serving, and every
 * problem is logged with its file, record and field.
 */
export function watchDataset(dataDir: string = DEFAULT_DATA_DIR, opts: WatchOptions = {}): DatasetWatcher {
  const log = opts.logger;
  let current = opts.initial ?? loadDataset(dataDir, opts.load);
  const listeners: ((ds: Dataset) => void)[] = [];
  let timer: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = null;

  const reload = (): ReloadResult => {
    const t0 = performance.now();
    try {
      const next = loadDataset(dataDir, opts.load);
      current = next;
      const ms = Math.round(performance.now() - t0);
      log?.info({ counts: next.counts(), ms }, 'dataset reloaded');
      for (const l of listeners) {
        try {
          l(next);
        } catch (err) {
          log?.error({ err }, 'dataset swap listener failed');
        }
      }
      return { ok: true, dataset: next, ms };
    } catch (err) {
      const issues = err instanceof DatasetError ? err.issues.map(formatIssue).map((s) => s.trim()) : [];
      const error = err instanceof DatasetError ? `${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}` : String((err as Error)?.message ?? err);
      log?.error({ issues: issues.slice(0, 50), more: Math.max(0, issues.length - 50), error }, 'dataset change rejected; still serving the last good dataset');
      return { ok: false, error, issues };
    }
  };

  try {
    watcher = watch(dataDir, { recursive: true }, () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        reload();
      }, opts.debounceMs ?? 500);
    });
    watcher.on('error', (err) => log?.error({ err }, 'watching the data folder failed; hot reload is off'));
  } catch (err) {
    log?.error({ err }, 'cannot watch the data folder; hot reload is off');
  }

  return {
    current: () => current,
    reload,
    onSwap: (l) => void listeners.push(l),
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
      watcher = null;
    },
  };
}

let shared: DatasetWatcher | null = null;

/**
 * One hot-reloading dataset per process, for the bot: pass `sharedDataset` as createBot's `dataset`
 * and the digest plugin uses the same one, so a reload reaches handlers and digests together.
 */
export function sharedDatasetWatcher(logger?: WatchLogger, dataDir: string = DEFAULT_DATA_DIR): DatasetWatcher {
  return (shared ??= watchDataset(dataDir, { ...(logger ? { logger } : {}) }));
}

export const sharedDataset = (): Dataset => sharedDatasetWatcher().current();
