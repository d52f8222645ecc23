import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dataset } from '../core/dataset.ts';
import { DatasetError } from '../core/dataset-issue.ts';
import { buildRecordsSnapshot } from './build-records-snapshot.ts';
import { DATASET_INFO_FILE, type RawDataset } from '../schema/index.ts';
import { checkManifest, hashDataFiles, type HashedFile } from './manifest.ts';
import { readDataDir } from './read-data-dir.ts';
import { openRecordsSnapshot, writeRecordsSnapshot } from './records-snapshot.ts';
import { validateRecords } from './validate-records.ts';

/** The repository's data/ folder, wherever the process was started from. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

export interface LoadOptions {
  /**
   * Reuse a snapshot of records that already passed validation (default true; the app passes its
   * INCIDENT_BOT_SNAPSHOT setting). See loadRawDataset.
   */
  snapshot?: boolean;
  /** Where snapshots live (default node_modules/.cache/incident-bot). */
  snapshotDir?: string;
  /** Write a snapshot only when validation took at least this long (default 100 ms). */
  snapshotMinMs?: number;
  /**
   * From this many incidents on, loadDataset keeps the records in an SQLite snapshot and reads each
   * one from it when asked for (default 100,000; see records-snapshot.ts). Below it every record is
   * an object in memory.
   */
  binarySnapshotMin?: number;
  /** Told what loads but deserves a look (no data manifest). */
  warn?: (message: string) => void;
}

export interface SnapshotPaths {
  dir: string;
  /** File-name prefix shared by every snapshot of this data folder. */
  prefix: string;
  /** Digest of the data and the validation code: names the validated-records snapshot. */
  key: string;
  /** That digest and the code that computes and stores the index columns: names the records snapshot. */
  binKey: string;
  json: string;
  bin: string;
}

/** Bump when a snapshot's layout changes. */
const SNAPSHOT_VERSION = 4;
/** Validation faster than this is not worth a snapshot. */
const SNAPSHOT_MIN_MS = 100;
/** Snapshots kept in the cache folder (one per data folder, newest first). */
const SNAPSHOT_KEEP = 3;
/**
 * From this many incidents on, the records stay in an SQLite snapshot, read on demand. At 100,000 the
 * in-memory path's first start peaked at about 1.1 GB (every record held as read, as validated, and as
 * the JSON snapshot's text), the streamed one stays near 0.2 GB, and queries answer as fast from the
 * snapshot (docs/performance.md, `snapshot.*`).
 */
export const BINARY_SNAPSHOT_MIN = 100_000;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_SNAPSHOT_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'incident-bot');

let codeFiles: { json: string[]; bin: string[] } | null = null;
/**
 * The source files whose content names each kind of snapshot: the code that decides whether records
 * are valid (json), and with it the code that computes the index columns and stores them (bin).
 * Listed on first use, not at import.
 */
export function snapshotCodeFiles(kind: 'json' | 'bin'): readonly string[] {
  if (!codeFiles) {
    const src = (...p: string[]) => join(REPO_ROOT, 'src', ...p);
    const schema = readdirSync(src('schema'))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => src('schema', f));
    const json = [...schema, src('data', 'read-data-dir.ts'), src('data', 'validate-records.ts'), src('core', 'check-references.ts')];
    codeFiles = {
      json,
      bin: [
        ...json,
        src('data', 'fast-record-check.ts'),
        src('core', 'incident-index.ts'),
        src('data', 'records-snapshot.ts'),
        src('data', 'build-records-snapshot.ts'),
      ],
    };
  }
  return codeFiles[kind];
}

const digestOf = (files: readonly string[], prefix: string, data: readonly HashedFile[]) => {
  const h = createHash('sha256');
  h.update(`v${SNAPSHOT_VERSION}\0${prefix}\0`);
  for (const f of files) h.update(readFileSync(f)).update('\0');
  for (const f of data) h.update(f.rel).update('\0').update(f.sha256).update('\0');
  return h.digest('hex').slice(0, 32);
};

function datasetInfoDigest(dataDir: string): string {
  try {
    return createHash('sha256')
      .update(readFileSync(join(dataDir, DATASET_INFO_FILE)))
      .digest('hex');
  } catch {
    return 'none';
  }
}

/** Where the snapshots of a data folder's current content live (hashes every data file unless given). */
export function snapshotPaths(dataDir: string, opts: LoadOptions = {}, files: readonly HashedFile[] = hashDataFiles(dataDir)): SnapshotPaths {
  const dir = opts.snapshotDir ?? DEFAULT_SNAPSHOT_DIR;
  const prefix = `dataset-${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12)}-`;
  // data/dataset.json (the focus actor) changes what every answer counts: it is part of the key too.
  const info = datasetInfoDigest(dataDir);
  const key = digestOf(snapshotCodeFiles('json'), `json\0${info}`, files);
  const binKey = digestOf(snapshotCodeFiles('bin'), `bin\0${info}`, files);
  return { dir, prefix, key, binKey, json: join(dir, `${prefix}${key}.json`), bin: join(dir, `${prefix}${binKey}.sqlite`) };
}

function snapshotsEnabled(opts: LoadOptions): boolean {
  return opts.snapshot ?? true;
}

/** Deletes this folder's older snapshots and keeps only the newest few of all folders. */
function pruneSnapshots(paths: SnapshotPaths, keep: string): void {
  for (const old of readdirSync(paths.dir)) if (old.startsWith(paths.prefix) && join(paths.dir, old) !== keep) unlinkSync(join(paths.dir, old));
  const all = readdirSync(paths.dir)
    .filter((f) => f.startsWith('dataset-') && (f.endsWith('.json') || f.endsWith('.sqlite')))
    .map((f) => ({ f, t: statSync(join(paths.dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of all.slice(SNAPSHOT_KEEP)) unlinkSync(join(paths.dir, f));
}

/** Hashes the data files and checks them against data/manifest.json (throws a DatasetError on a mismatch). */
function checkedFiles(dataDir: string, opts: LoadOptions): HashedFile[] {
  const files = hashDataFiles(dataDir);
  const warning = checkManifest(dataDir, files);
  if (warning) opts.warn?.(warning);
  return files;
}

/**
 * Loads and validates data/. Validating ~24,000 incidents with zod takes a few hundred ms, so after a
 * successful validation the validated records (defaults filled in) are written to a snapshot named by
 * a SHA-256 of every data file and of the validation code (see snapshotCodeFiles). The next start
 * hashes the same files and, when the snapshot for that digest exists, parses it instead of validating
 * again: any edit to the data or the rules changes the digest, so a stale snapshot is never used, and
 * an invalid dataset never gets one. Every load first checks the files against data/manifest.json.
 */
export function loadRawDataset(dataDir: string, opts: LoadOptions = {}, known?: SnapshotPaths): RawDataset {
  if (!known) {
    const files = checkedFiles(dataDir, opts);
    if (!snapshotsEnabled(opts)) return validateRecords(readDataDir(dataDir));
    known = snapshotPaths(dataDir, opts, files);
  }
  const paths = known;
  try {
    // ASCII-only file (see below): latin1 decoding is several times faster than UTF-8.
    return JSON.parse(readFileSync(paths.json, 'latin1')) as RawDataset;
  } catch {
    // no snapshot for this content yet
  }
  const started = performance.now();
  const raw = validateRecords(readDataDir(dataDir));
  // Small datasets (tests' temporary folders) validate fast enough: no snapshot, nothing to clean up.
  // Large ones get a records snapshot from loadDataset instead.
  if (performance.now() - started < (opts.snapshotMinMs ?? SNAPSHOT_MIN_MS) || raw.incidents.length >= (opts.binarySnapshotMin ?? BINARY_SNAPSHOT_MIN))
    return raw;
  try {
    mkdirSync(paths.dir, { recursive: true });
    const tmp = `${paths.json}.${process.pid}.tmp`;
    writeFileSync(
      tmp,
      JSON.stringify(raw).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      'latin1',
    );
    renameSync(tmp, paths.json);
    pruneSnapshots(paths, paths.json);
  } catch {
    // a read-only checkout simply validates every time
  }
  return raw;
}

/**
 * Loads, validates and indexes data/. With snapshots on (the default, see loadRawDataset), a data
 * folder whose content was validated before loads from its snapshot: validated records as JSON, or,
 * from BINARY_SNAPSHOT_MIN incidents on, an SQLite snapshot whose records stay on disk until asked for.
 */
export function loadDataset(dataDir: string = DEFAULT_DATA_DIR, opts: LoadOptions = {}): Dataset {
  return loadDatasetFrom(dataDir, opts).dataset;
}

/** loadDataset, also saying which records snapshot holds the dataset (null: none, the records live only in memory). */
export function loadDatasetFrom(dataDir: string, opts: LoadOptions = {}): { dataset: Dataset; snapshot: string | null } {
  const files = checkedFiles(dataDir, opts);
  if (!snapshotsEnabled(opts)) return { dataset: new Dataset(validateRecords(readDataDir(dataDir))), snapshot: null };
  const paths = snapshotPaths(dataDir, opts, files);
  try {
    statSync(paths.bin);
    return { dataset: openRecordsSnapshot(paths.bin), snapshot: paths.bin };
  } catch {
    // none yet, or unreadable: rebuild it below
  }
  const min = opts.binarySnapshotMin ?? BINARY_SNAPSHOT_MIN;
  // Many incidents in NDJSON: straight from the files into the snapshot, never all in memory.
  if (files.reduce((n, f) => n + (f.kind === 'incidents' ? (f.lines ?? 0) : 0), 0) >= min) {
    let built = false;
    try {
      mkdirSync(paths.dir, { recursive: true });
      buildRecordsSnapshot(dataDir, paths.bin);
      built = true;
    } catch (e) {
      if (e instanceof DatasetError) throw e;
      // a read-only checkout: validated in memory below
    }
    if (built) {
      pruneSnapshots(paths, paths.bin);
      return { dataset: openRecordsSnapshot(paths.bin), snapshot: paths.bin };
    }
  }
  const dataset = new Dataset(loadRawDataset(dataDir, opts, paths));
  if (dataset.counts().incidents >= min) {
    try {
      mkdirSync(paths.dir, { recursive: true });
      writeRecordsSnapshot(dataset, paths.bin);
      pruneSnapshots(paths, paths.bin);
      // Incidents in JSON arrays, read whole anyway: this process keeps the records it validated;
      // `snapshot` lets another open the same dataset.
      return { dataset, snapshot: paths.bin };
    } catch {
      // a read-only checkout simply validates every time
    }
  }
  return { dataset, snapshot: null };
}
