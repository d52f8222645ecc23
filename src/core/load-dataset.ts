import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { RECORD_KINDS, type RawDataset, type RecordKind } from '../schema/index.ts';
import { checkReferences } from './check-references.ts';

/** One problem in the dataset, located precisely enough to fix it without searching. */
export interface DatasetIssue {
  file: string;
  recordId: string | null;
  field: string;
  message: string;
}

export class DatasetError extends Error {
  constructor(readonly issues: DatasetIssue[]) {
    super(`The dataset is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` + issues.map(formatIssue).join('\n'));
    this.name = 'DatasetError';
  }
}

export function formatIssue(i: DatasetIssue): string {
  const where = i.recordId ? `record "${i.recordId}"` : 'file';
  return `  ${i.file}: ${where}: field "${i.field}": ${i.message}`;
}

/** A record as read from disk, before validation, remembering where it came from. */
export interface LocatedRecord {
  file: string;
  index: number;
  value: unknown;
}

export type RawFiles = Record<RecordKind, LocatedRecord[]>;

/** Reads data/<kind>/*.json (arrays) and *.ndjson (one record a line). */
export function readDataDir(dataDir: string): RawFiles {
  const out = {} as RawFiles;
  const issues: DatasetIssue[] = [];
  for (const kind of Object.keys(RECORD_KINDS) as RecordKind[]) {
    out[kind] = [];
    const dir = join(dataDir, kind);
    let names: string[] = [];
    try {
      if (statSync(dir).isDirectory()) names = readdirSync(dir).sort();
    } catch {
      continue; // a kind with no folder simply has no records
    }
    for (const name of names) {
      const path = join(dir, name);
      const file = relative(process.cwd(), path) || path;
      if (name.endsWith('.json')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(path, 'utf8'));
        } catch (e) {
          issues.push({ file, recordId: null, field: '(file)', message: `is not valid JSON: ${(e as Error).message}` });
          continue;
        }
        if (!Array.isArray(parsed)) {
          issues.push({ file, recordId: null, field: '(file)', message: 'must hold a JSON array of records' });
          continue;
        }
        parsed.forEach((value, index) => out[kind].push({ file, index, value }));
      } else if (name.endsWith('.ndjson')) {
        // Line by line from the bytes: a file of any size (V8 strings stop at ~512 MB), one line decoded at a time.
        const bytes = readFileSync(path);
        let index = 0;
        for (let start = 0; start < bytes.length; index++) {
          let end = bytes.indexOf(10, start);
          if (end < 0) end = bytes.length;
          const line = bytes.toString('utf8', start, end);
          start = end + 1;
          if (!line.trim()) continue;
          try {
            out[kind].push({ file, index, value: JSON.parse(line) });
          } catch (e) {
            issues.push({ file: `${file}:${index + 1}`, recordId: null, field: '(line)', message: `is not valid JSON: ${(e as Error).message}` });
          }
        }
      }
    }
  }
  if (issues.length) throw new DatasetError(issues);
  return out;
}

function recordIdOf(value: unknown, index: number): string {
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return `#${index}`;
}

function pathToField(path: PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), '') || '(record)';
}

/** Schema-validates every record, rejects duplicate ids, then checks references and cross-record rules. */
export function validateRecords(files: RawFiles): RawDataset {
  const issues: DatasetIssue[] = [];
  const raw = {} as Record<RecordKind, unknown[]>;
  const fileOf = new Map<string, string>(); // `${kind}:${id}` -> file, for reference errors
  for (const kind of Object.keys(RECORD_KINDS) as RecordKind[]) {
    const schema = RECORD_KINDS[kind].schema as z.ZodType;
    const seen = new Map<string, string>();
    raw[kind] = [];
    for (const rec of files[kind]) {
      const id = recordIdOf(rec.value, rec.index);
      const result = schema.safeParse(rec.value);
      if (!result.success) {
        for (const iss of result.error.issues) {
          const field =
            iss.code === 'unrecognized_keys' ? iss.keys.map((k) => pathToField([...iss.path, k])).join(', ') : pathToField(iss.path);
          const message = iss.code === 'unrecognized_keys' ? `unknown key${iss.keys.length > 1 ? 's' : ''}` : iss.message;
          issues.push({ file: rec.file, recordId: id, field, message });
        }
        continue;
      }
      const prev = seen.get(id);
      if (prev !== undefined) {
        issues.push({ file: rec.file, recordId: id, field: 'id', message: `duplicate ${RECORD_KINDS[kind].noun} id (first defined in ${prev})` });
        continue;
      }
      seen.set(id, rec.file);
      fileOf.set(`${kind}:${id}`, rec.file);
      raw[kind].push(result.data);
    }
  }
  const dataset = raw as unknown as RawDataset;
  if (!issues.length) issues.push(...checkReferences(dataset, (kind, id) => fileOf.get(`${kind}:${id}`) ?? `data/${kind}`));
  if (issues.length) throw new DatasetError(issues);
  return dataset;
}

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
   * From this many incidents on, loadDataset keeps a binary snapshot whose records stay on disk until
   * asked for (default 200,000; see openDatasetSnapshot). Below it every record is an object in memory.
   */
  binarySnapshotMin?: number;
}

export interface SnapshotPaths {
  dir: string;
  /** File-name prefix shared by every snapshot of this data folder. */
  prefix: string;
  /** Digest of the data and the validation code: names the validated-records snapshot. */
  key: string;
  /** That digest and the code that computes and lays out the index columns: names the binary snapshot. */
  binKey: string;
  json: string;
  bin: string;
}

/** Where the snapshots of a data folder's current content live (hashes every data file). */
export function snapshotPaths(dataDir: string, opts: LoadOptions = {}): SnapshotPaths {
  const dir = opts.snapshotDir ?? DEFAULT_SNAPSHOT_DIR;
  const prefix = `dataset-${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12)}-`;
  const key = datasetKey(dataDir);
  const binKey = binarySnapshotKey(key);
  return { dir, prefix, key, binKey, json: join(dir, `${prefix}${key}.json`), bin: join(dir, `${prefix}${binKey}.bin`) };
}

export function snapshotsEnabled(opts: LoadOptions): boolean {
  return opts.snapshot ?? true;
}

/** Deletes this folder's older snapshots and keeps only the newest few of all folders. */
export function pruneSnapshots(paths: SnapshotPaths, keep: string): void {
  for (const old of readdirSync(paths.dir)) if (old.startsWith(paths.prefix) && join(paths.dir, old) !== keep) unlinkSync(join(paths.dir, old));
  const all = readdirSync(paths.dir)
    .filter((f) => f.startsWith('dataset-') && (f.endsWith('.json') || f.endsWith('.bin')))
    .map((f) => ({ f, t: statSync(join(paths.dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of all.slice(SNAPSHOT_KEEP)) unlinkSync(join(paths.dir, f));
}

/** Bump when the snapshot's layout changes. */
const SNAPSHOT_VERSION = 2;
/** Validation faster than this is not worth a snapshot. */
const SNAPSHOT_MIN_MS = 100;
/** Snapshots kept in the cache folder (one per data folder, newest first). */
const SNAPSHOT_KEEP = 3;
/** From this many incidents on, the snapshot is binary with records read on demand. */
export const BINARY_SNAPSHOT_MIN = 200_000;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_SNAPSHOT_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'incident-bot');
/** The code that decides whether records are valid: a change to any of it invalidates every snapshot. */
const RULE_FILES = [
  ...readdirSync(join(REPO_ROOT, 'src', 'schema'))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => join(REPO_ROOT, 'src', 'schema', f)),
  join(REPO_ROOT, 'src', 'core', 'load-dataset.ts'),
  join(REPO_ROOT, 'src', 'core', 'check-references.ts'),
];
/**
 * The code that computes the index columns (incident-index.ts) and lays them out on disk (dataset.ts):
 * the binary snapshot stores those columns, so a change to either invalidates it as well.
 */
const COLUMN_FILES = [join(REPO_ROOT, 'src', 'core', 'incident-index.ts'), join(REPO_ROOT, 'src', 'core', 'dataset.ts')];

/** The source files whose content names each kind of snapshot. */
export function snapshotCodeFiles(kind: 'json' | 'bin'): readonly string[] {
  return kind === 'json' ? RULE_FILES : [...RULE_FILES, ...COLUMN_FILES];
}

/** The binary snapshot's key: the dataset key (data and validation code) and the column code. */
function binarySnapshotKey(key: string): string {
  const h = createHash('sha256');
  h.update(`bin\0${key}\0`);
  for (const f of COLUMN_FILES) h.update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 32);
}

/** Data files in the order readDataDir reads them. */
function dataFiles(dataDir: string): string[] {
  const out: string[] = [];
  for (const kind of Object.keys(RECORD_KINDS)) {
    const dir = join(dataDir, kind);
    let names: string[] = [];
    try {
      if (statSync(dir).isDirectory()) names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const n of names) if (n.endsWith('.json') || n.endsWith('.ndjson')) out.push(join(dir, n));
  }
  return out;
}

/** A digest of every data file (name and bytes) and of the validation code. */
export function datasetKey(dataDir: string): string {
  const h = createHash('sha256');
  h.update(`v${SNAPSHOT_VERSION}\0`);
  for (const f of RULE_FILES) h.update(readFileSync(f)).update('\0');
  for (const f of dataFiles(dataDir)) h.update(relative(dataDir, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 32);
}

/**
 * Loads and validates data/. Validating ~24,000 incidents with zod takes a few hundred ms, so after a
 * successful validation the validated records (defaults filled in) are written to a snapshot named by
 * a SHA-256 of every data file and of the validation code (src/schema/*.ts, load-dataset.ts,
 * check-references.ts). The next start hashes the same files and, when the snapshot for that digest
 * exists, parses it instead of validating again: any edit to the data or the rules changes the digest,
 * so a stale snapshot is never used, and an invalid dataset never gets one.
 */
export function loadRawDataset(dataDir: string, opts: LoadOptions = {}, known?: SnapshotPaths): RawDataset {
  if (!snapshotsEnabled(opts)) return validateRecords(readDataDir(dataDir));
  const paths = known ?? snapshotPaths(dataDir, opts);
  try {
    // ASCII-only file (see below): latin1 decoding is several times faster than UTF-8.
    return JSON.parse(readFileSync(paths.json, 'latin1')) as RawDataset;
  } catch {
    // no snapshot for this content yet
  }
  const started = performance.now();
  const raw = validateRecords(readDataDir(dataDir));
  // Small datasets (tests' temporary folders) validate fast enough: no snapshot, nothing to clean up.
  // Large ones get a binary snapshot from loadDataset instead.
  if (performance.now() - started < (opts.snapshotMinMs ?? SNAPSHOT_MIN_MS) || raw.incidents.length >= (opts.binarySnapshotMin ?? BINARY_SNAPSHOT_MIN)) return raw;
  try {
    mkdirSync(paths.dir, { recursive: true });
    const tmp = `${paths.json}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(raw).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), 'latin1');
    renameSync(tmp, paths.json);
    pruneSnapshots(paths, paths.json);
  } catch {
    // a read-only checkout simply validates every time
  }
  return raw;
}
