import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DATASET_INFO_FILE, RECORD_KINDS, type RecordKind } from '../schema/index.ts';
import { DatasetError, type DatasetIssue } from '../core/dataset-issue.ts';

/** A record as read from disk, before validation, remembering where it came from. */
export interface LocatedRecord {
  file: string;
  index: number;
  value: unknown;
}

/** The records of each kind, and data/dataset.json when there is one. */
export type RawFiles = Record<RecordKind, LocatedRecord[]> & { info?: LocatedRecord };

/** One data file: data/<kind>/<name>. `rel` is its path inside the data folder, with forward slashes. */
export interface DataFile {
  kind: RecordKind;
  path: string;
  rel: string;
}

/**
 * Whether a file name in data/<kind>/ is a data file: `*.json` (an array) or `*.ndjson` (one record a
 * line), and not a dot-file (macOS `._x.json`, Emacs `.#x.json`, Vim `.x.json.swp`) nor a backup (`x.json~`).
 */
export function isDataFileName(name: string): boolean {
  return !name.startsWith('.') && (name.endsWith('.json') || name.endsWith('.ndjson'));
}

/** The data files of every kind, in the order they are read (kinds in schema order, names sorted). */
export function listDataFiles(dataDir: string): DataFile[] {
  const out: DataFile[] = [];
  for (const kind of Object.keys(RECORD_KINDS) as RecordKind[]) {
    const dir = join(dataDir, kind);
    let names: string[] = [];
    try {
      if (statSync(dir).isDirectory()) names = readdirSync(dir).sort();
    } catch {
      continue; // a kind with no folder simply has no records
    }
    for (const name of names) if (isDataFileName(name)) out.push({ kind, path: join(dir, name), rel: `${kind}/${name}` });
  }
  return out;
}

/** Reads data/<kind>/*.json (arrays) and *.ndjson (one record a line). */
export function readDataDir(dataDir: string): RawFiles {
  const out = {} as RawFiles;
  for (const kind of Object.keys(RECORD_KINDS) as RecordKind[]) out[kind] = [];
  const issues: DatasetIssue[] = [];
  for (const f of listDataFiles(dataDir)) {
    const file = relative(process.cwd(), f.path) || f.path;
    let bytes: Buffer;
    try {
      bytes = readFileSync(f.path);
    } catch (e) {
      // Listed but unreadable: removed meanwhile, or a dangling link.
      issues.push({ file, recordId: null, field: '(file)', message: `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    if (f.path.endsWith('.json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch (e) {
        issues.push({ file, recordId: null, field: '(file)', message: `is not valid JSON: ${(e as Error).message}` });
        continue;
      }
      if (!Array.isArray(parsed)) {
        issues.push({ file, recordId: null, field: '(file)', message: 'must hold a JSON array of records' });
        continue;
      }
      parsed.forEach((value, index) => out[f.kind].push({ file, index, value }));
      continue;
    }
    // NDJSON line by line from the bytes: a file of any size (V8 strings stop at ~512 MB), one line decoded at a time.
    let index = 0;
    for (let start = 0; start < bytes.length; index++) {
      let end = bytes.indexOf(10, start);
      if (end < 0) end = bytes.length;
      const line = bytes.toString('utf8', start, end);
      start = end + 1;
      if (!line.trim()) continue;
      try {
        out[f.kind].push({ file, index, value: JSON.parse(line) });
      } catch (e) {
        issues.push({ file: `${file}:${index + 1}`, recordId: null, field: '(line)', message: `is not valid JSON: ${(e as Error).message}` });
      }
    }
  }
  const infoPath = join(dataDir, DATASET_INFO_FILE);
  let infoText: string | null = null;
  try {
    infoText = readFileSync(infoPath, 'utf8');
  } catch {
    // no declaration: every command counts all recorded violence
  }
  if (infoText !== null) {
    const file = relative(process.cwd(), infoPath) || infoPath;
    try {
      out.info = { file, index: 0, value: JSON.parse(infoText) };
    } catch (e) {
      issues.push({ file, recordId: null, field: '(file)', message: `is not valid JSON: ${(e as Error).message}` });
    }
  }
  if (issues.length) throw new DatasetError(issues);
  return out;
}
