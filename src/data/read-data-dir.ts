import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
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
  for (const f of listDataFiles(dataDir)) readDataFile(f, (rec) => out[f.kind].push(rec), issues);
  const info = readDatasetInfo(dataDir, issues);
  if (info) out.info = info;
  if (issues.length) throw new DatasetError(issues);
  return out;
}

/** How a data file is named in messages: relative to the working folder. */
const nameOf = (path: string) => relative(process.cwd(), path) || path;

/**
 * Reads one data file, calling `onRecord` with each record in order (and, for NDJSON, the line's own
 * text); a file or line that cannot be read or parsed goes to `issues`. NDJSON is read a chunk at a
 * time, one line decoded at a time: a file of any size (V8 strings stop at ~512 MB) in little memory.
 */
export function readDataFile(f: DataFile, onRecord: (rec: LocatedRecord, line: string | null) => void, issues: DatasetIssue[]): void {
  const file = nameOf(f.path);
  // Listed but unreadable: removed meanwhile, or a dangling link.
  const unreadable = (e: unknown) =>
    issues.push({ file, recordId: null, field: '(file)', message: `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
  if (f.path.endsWith('.json')) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(f.path);
    } catch (e) {
      unreadable(e);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      issues.push({ file, recordId: null, field: '(file)', message: `is not valid JSON: ${(e as Error).message}` });
      return;
    }
    if (!Array.isArray(parsed)) {
      issues.push({ file, recordId: null, field: '(file)', message: 'must hold a JSON array of records' });
      return;
    }
    parsed.forEach((value, index) => onRecord({ file, index, value }, null));
    return;
  }
  let fd: number;
  try {
    fd = openSync(f.path, 'r');
  } catch (e) {
    unreadable(e);
    return;
  }
  try {
    forEachLine(fd, (line, index) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        issues.push({ file: `${file}:${index + 1}`, recordId: null, field: '(line)', message: `is not valid JSON: ${(e as Error).message}` });
        return;
      }
      onRecord({ file, index, value }, line);
    });
  } finally {
    closeSync(fd);
  }
}

/** Bytes read at a time from an NDJSON file (a longer line grows the buffer). */
const CHUNK = 8 << 20;

/** Calls `onLine` with each line of a UTF-8 file, without its newline, and the line's 0-based number. */
function forEachLine(fd: number, onLine: (line: string, index: number) => void): void {
  let buf = Buffer.allocUnsafe(CHUNK);
  let held = 0; // bytes of an unfinished line at the start of buf
  let index = 0;
  for (;;) {
    if (held === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, held);
      buf = bigger;
    }
    const read = readSync(fd, buf, held, buf.length - held, null);
    const end = held + read;
    let start = 0;
    for (let nl = buf.indexOf(10, held); nl >= 0 && nl < end; nl = buf.indexOf(10, start)) {
      onLine(buf.toString('utf8', start, nl), index++);
      start = nl + 1;
    }
    if (read === 0) {
      if (start < end) onLine(buf.toString('utf8', start, end), index);
      return;
    }
    buf.copy(buf, 0, start, end);
    held = end - start;
  }
}

/** data/dataset.json, when there is one (unparseable: an issue). */
export function readDatasetInfo(dataDir: string, issues: DatasetIssue[]): LocatedRecord | undefined {
  const infoPath = join(dataDir, DATASET_INFO_FILE);
  let infoText: string | null = null;
  try {
    infoText = readFileSync(infoPath, 'utf8');
  } catch {
    // no declaration: every command counts all recorded violence
  }
  if (infoText === null) return undefined;
  const file = nameOf(infoPath);
  try {
    return { file, index: 0, value: JSON.parse(infoText) };
  } catch (e) {
    issues.push({ file, recordId: null, field: '(file)', message: `is not valid JSON: ${(e as Error).message}` });
    return undefined;
  }
}
