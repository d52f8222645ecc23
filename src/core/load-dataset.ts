import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
        const lines = readFileSync(path, 'utf8').split('\n');
        lines.forEach((line, index) => {
          if (!line.trim()) return;
          try {
            out[kind].push({ file, index, value: JSON.parse(line) });
          } catch (e) {
            issues.push({ file: `${file}:${index + 1}`, recordId: null, field: '(line)', message: `is not valid JSON: ${(e as Error).message}` });
          }
        });
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

export function loadRawDataset(dataDir: string): RawDataset {
  return validateRecords(readDataDir(dataDir));
}
