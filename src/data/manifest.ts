import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError, type DatasetIssue } from '../core/dataset-issue.ts';
import { listDataFiles, type DataFile } from './read-data-dir.ts';

/**
 * data/manifest.json: how many records each data file holds and a SHA-256 of its bytes, written by the
 * import (and `npm run data:manifest`) once every file is complete. The loader compares each file with
 * it, so a file cut short (an interrupted copy, a deploy still writing) is refused by name instead of
 * being served as a smaller dataset.
 */
export const MANIFEST_NAME = 'manifest.json';

export interface ManifestEntry {
  records: number;
  bytes: number;
  sha256: string;
}

export interface DataManifest {
  version: 1;
  files: Record<string, ManifestEntry>;
}

/** A data file with the SHA-256 of its bytes. */
export interface HashedFile extends DataFile {
  sha256: string;
  bytes: number;
  /** Non-blank lines of an NDJSON file (its records, if every line parses); null for a JSON file. */
  lines: number | null;
}

/** Bytes hashed at a time: a data file of any size is hashed in little memory. */
const CHUNK = 8 << 20;

export function hashDataFiles(dataDir: string): HashedFile[] {
  const buf = Buffer.allocUnsafe(CHUNK);
  return listDataFiles(dataDir).map((f) => {
    const hash = createHash('sha256');
    const ndjson = f.rel.endsWith('.ndjson');
    let bytes = 0;
    let lines = 0;
    let content = false; // the line being read has a non-blank byte
    const fd = openSync(f.path, 'r');
    try {
      for (let read = readSync(fd, buf, 0, CHUNK, null); read > 0; read = readSync(fd, buf, 0, CHUNK, null)) {
        const chunk = buf.subarray(0, read);
        hash.update(chunk);
        bytes += read;
        if (!ndjson) continue;
        for (let at = 0; at < read; ) {
          const nl = chunk.indexOf(10, at);
          const end = nl < 0 ? read : nl;
          for (let i = at; i < end && !content; i++) {
            const c = chunk[i]!;
            if (c !== 32 && c !== 9 && c !== 13) content = true;
          }
          if (nl < 0) break;
          if (content) lines++;
          content = false;
          at = nl + 1;
        }
      }
    } finally {
      closeSync(fd);
    }
    if (content) lines++;
    return { ...f, sha256: hash.digest('hex'), bytes, lines: ndjson ? lines : null };
  });
}

/** Records in a data file's bytes: NDJSON counts its non-blank lines, a JSON file its array (-1 if it is not one). */
export function countRecords(bytes: Buffer, ndjson: boolean): number {
  if (!ndjson) {
    try {
      const v = JSON.parse(bytes.toString('utf8')) as unknown;
      return Array.isArray(v) ? v.length : -1;
    } catch {
      return -1;
    }
  }
  let n = 0;
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (c !== 32 && c !== 9 && c !== 13) {
        n++;
        break;
      }
    }
    start = end + 1;
  }
  return n;
}

/** Writes data/manifest.json for the files as they are now (atomically: a reader sees the old or the new one). */
export function writeManifest(dataDir: string): DataManifest {
  const files: Record<string, ManifestEntry> = {};
  for (const f of listDataFiles(dataDir)) {
    const bytes = readFileSync(f.path);
    files[f.rel] = { records: countRecords(bytes, f.rel.endsWith('.ndjson')), bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  const manifest: DataManifest = { version: 1, files };
  const path = join(dataDir, MANIFEST_NAME);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, path);
  return manifest;
}

export function readManifest(dataDir: string): DataManifest | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, MANIFEST_NAME), 'utf8');
  } catch {
    return null;
  }
  const file = join(dataDir, MANIFEST_NAME);
  let m: DataManifest;
  try {
    m = JSON.parse(text) as DataManifest;
  } catch (e) {
    throw new DatasetError([{ file, recordId: null, field: '(file)', message: `is not valid JSON: ${(e as Error).message}` }]);
  }
  if (m?.version !== 1 || !m.files || typeof m.files !== 'object')
    throw new DatasetError([{ file, recordId: null, field: 'version', message: 'is not a version 1 data manifest' }]);
  return m;
}

const fix = 'if the file was edited on purpose, run `npm run data:manifest`';

/**
 * Compares the data files with the manifest: throws a DatasetError naming every file that differs,
 * is missing or is not listed. Returns a warning when there is no manifest (the dataset still loads).
 */
export function checkManifest(dataDir: string, files: readonly HashedFile[]): string | null {
  const manifest = readManifest(dataDir);
  const where = join(dataDir, MANIFEST_NAME);
  if (!manifest) return `${where} is missing: a data file cut short cannot be told from a smaller dataset (run \`npm run data:manifest\`)`;
  const issues: DatasetIssue[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    seen.add(f.rel);
    const want = manifest.files[f.rel];
    if (!want) {
      issues.push({ file: f.path, recordId: null, field: '(file)', message: `is not in ${where}; ${fix}` });
      continue;
    }
    if (want.sha256 === f.sha256) continue;
    const records = countRecords(readFileSync(f.path), f.rel.endsWith('.ndjson'));
    const what =
      records === want.records
        ? `its bytes differ (${f.bytes} bytes, the manifest lists ${want.bytes})`
        : `it holds ${records} records where the manifest lists ${want.records}`;
    issues.push({ file: f.path, recordId: null, field: '(file)', message: `does not match ${where}: ${what}; cut short or still being written? (${fix})` });
  }
  for (const rel of Object.keys(manifest.files))
    if (!seen.has(rel)) issues.push({ file: join(dataDir, rel), recordId: null, field: '(file)', message: `is listed in ${where} but missing` });
  if (issues.length) throw new DatasetError(issues);
  return null;
}
