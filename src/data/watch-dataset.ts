import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Dataset } from '../core/dataset.ts';
import { DatasetError, formatIssue } from '../core/dataset-issue.ts';
import { DEFAULT_DATA_DIR, loadDataset, type LoadOptions } from './load-dataset.ts';
import { DatasetLoaderThread } from './load-off-thread.ts';
import { MANIFEST_NAME } from './manifest.ts';
import { listDataFiles } from './read-data-dir.ts';

export interface WatchLogger {
  info(obj: object, msg?: string): void;
  warn?(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type ReloadResult = { ok: true; dataset: Dataset; ms: number } | { ok: false; error: string; issues: string[] };

export interface DatasetWatcher {
  /** The dataset to use now: the last one that validated. Pass this as the handlers' `dataset` getter. */
  current(): Dataset;
  /** Loads and validates data/ now (off the main thread); swaps it in only if valid. */
  reload(): Promise<ReloadResult>;
  /** Called after each successful swap. */
  onSwap(listener: (ds: Dataset) => void): void;
  /** Resolves once the watcher has scanned the folder and reports changes. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface WatchOptions {
  logger?: WatchLogger;
  /** Changes arrive as bursts of events (an editor's save, an import writing many files): wait for quiet. */
  debounceMs?: number;
  /** Start from this dataset instead of loading the folder (it must be valid; start-up fails otherwise). */
  initial?: Dataset;
  /** How reloads load (default: in a worker thread, see DatasetLoaderThread). */
  load?: (dataDir: string, opts: LoadOptions) => Promise<Dataset>;
  loadOptions?: LoadOptions;
}

/** Files whose changes are not data: dot-files (`._x.json`, `.#x.json`, `.x.json.swp`) and backups (`x.json~`). */
const notData = (path: string) => {
  const name = basename(path);
  return name.startsWith('.') || name.endsWith('~');
};

/**
 * Hot reload: watches the data folder (chokidar: a subfolder removed and recreated by a deploy is
 * watched again); when files change, loads and validates the whole dataset in a worker thread and
 * swaps it in when ready (one reference assignment: a handler running meanwhile keeps the dataset it
 * started with). An invalid dataset is never swapped in: the last good one keeps serving, and every
 * problem is logged with its file, record and field.
 */
export function watchDataset(dataDir: string = DEFAULT_DATA_DIR, opts: WatchOptions = {}): DatasetWatcher {
  const log = opts.logger;
  const warn = (msg: string) => (log?.warn ?? log?.info)?.call(log, { dataDir }, msg);
  const loadOptions: LoadOptions = { warn, ...opts.loadOptions };
  const startedAt = Date.now();
  let current = opts.initial ?? loadDataset(dataDir, loadOptions);
  const thread = opts.load ? null : new DatasetLoaderThread();
  thread?.start();
  const load = opts.load ?? ((dir: string, o: LoadOptions) => thread!.load(dir, o));
  const listeners: ((ds: Dataset) => void)[] = [];
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  // One load at a time; changes during a load ask for one more once it ends.
  let running: Promise<ReloadResult> | null = null;
  let again = false;

  const loadOnce = async (): Promise<ReloadResult> => {
    const t0 = performance.now();
    try {
      const next = await load(dataDir, loadOptions);
      if (closed) return { ok: true, dataset: next, ms: Math.round(performance.now() - t0) };
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

  const reload = (): Promise<ReloadResult> => {
    if (running) {
      again = true;
      return running;
    }
    const run = (async () => {
      let result: ReloadResult;
      do {
        again = false;
        result = await loadOnce();
      } while (again && !closed);
      return result;
    })();
    running = run.finally(() => {
      running = null;
    });
    return running;
  };

  const changed = (event: string, path: string) => {
    if (event === 'unlinkDir' || event === 'addDir') log?.info({ path, event }, event === 'addDir' ? 'data folder added; watching it' : 'data folder removed');
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void reload();
    }, opts.debounceMs ?? 500);
  };

  let watcher: FSWatcher | null = null;
  let readyPromise: Promise<void> = Promise.resolve();
  try {
    const w = watch(dataDir, { ignoreInitial: true, ignored: notData });
    watcher = w;
    readyPromise = new Promise((resolve) =>
      w.once('ready', () => {
        // A change made while the watcher was still scanning the folder raised no event: catch it up.
        const mtimes = [...listDataFiles(dataDir).map((f) => f.path), join(dataDir, MANIFEST_NAME)].map((f) => {
          try {
            return statSync(f).mtimeMs;
          } catch {
            return 0;
          }
        });
        if (mtimes.some((t) => t >= startedAt)) changed('change', dataDir);
        log?.info({ dataDir }, 'watching the data folder');
        resolve();
      }),
    );
    w.on('all', changed);
    w.on('error', (err) => log?.error({ err }, 'watching the data folder failed'));
  } catch (err) {
    log?.error({ err }, 'cannot watch the data folder; hot reload is off');
  }

  return {
    current: () => current,
    reload,
    onSwap: (l) => void listeners.push(l),
    ready: () => readyPromise,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher?.close();
      watcher = null;
      await thread?.close();
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
