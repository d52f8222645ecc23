import type { z } from 'zod';
import { checkReferences } from '../core/check-references.ts';
import { DatasetError, type DatasetIssue } from '../core/dataset-issue.ts';
import { DatasetInfo, RECORD_KINDS, type RawDataset, type RecordKind } from '../schema/index.ts';
import { type FastRecordCheck, fastRecordCheck } from './fast-record-check.ts';
import type { LocatedRecord, RawFiles } from './read-data-dir.ts';

function recordIdOf(value: unknown, index: number): string {
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return `#${index}`;
}

function pathToField(path: PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), '') || '(record)';
}

/**
 * Schema validation of one kind's records, one record at a time, with duplicate ids: what passes is
 * returned, every problem goes to `issues`. Remembers the file each id was first defined in.
 * With `fast`, a record that passes the compiled check (fast-record-check.ts) is returned as it is,
 * the very object given (validation would change nothing in it); any other goes through zod.
 */
export class KindValidator<T = unknown> {
  /** id -> the file that defines it. */
  readonly files = new Map<string, string>();
  private readonly schema: z.ZodType;
  private readonly fast: FastRecordCheck | null;

  constructor(
    private readonly kind: RecordKind,
    private readonly issues: DatasetIssue[],
    opts: { fast?: boolean } = {},
  ) {
    this.schema = RECORD_KINDS[kind].schema as z.ZodType;
    this.fast = opts.fast ? fastRecordCheck(this.schema) : null;
  }

  /** The record as validated (defaults filled in), or null when it has a problem. */
  accept(rec: LocatedRecord): T | null {
    const id = recordIdOf(rec.value, rec.index);
    const result = this.fast?.(rec.value) ? { success: true as const, data: rec.value } : this.schema.safeParse(rec.value);
    if (!result.success) {
      for (const iss of result.error.issues) {
        const field = iss.code === 'unrecognized_keys' ? iss.keys.map((k) => pathToField([...iss.path, k])).join(', ') : pathToField(iss.path);
        const message = iss.code === 'unrecognized_keys' ? `unknown key${iss.keys.length > 1 ? 's' : ''}` : iss.message;
        this.issues.push({ file: rec.file, recordId: id, field, message });
      }
      return null;
    }
    const prev = this.files.get(id);
    if (prev !== undefined) {
      this.issues.push({ file: rec.file, recordId: id, field: 'id', message: `duplicate ${RECORD_KINDS[this.kind].noun} id (first defined in ${prev})` });
      return null;
    }
    this.files.set(id, rec.file);
    return result.data as T;
  }
}

/** data/dataset.json validated, or undefined (its problems go to `issues`). */
export function validateInfo(info: LocatedRecord | undefined, issues: DatasetIssue[]): RawDataset['info'] {
  if (!info) return undefined;
  const result = DatasetInfo.safeParse(info.value);
  if (result.success) return result.data;
  for (const iss of result.error.issues)
    issues.push({
      file: info.file,
      recordId: null,
      field: pathToField(iss.path),
      message: iss.code === 'unrecognized_keys' ? 'unknown key' : iss.message,
    });
  return undefined;
}

/** Schema-validates every record, rejects duplicate ids, then checks references and cross-record rules. */
export function validateRecords(files: RawFiles): RawDataset {
  const issues: DatasetIssue[] = [];
  const raw = {} as Record<RecordKind, unknown[]>;
  const validators = {} as Record<RecordKind, KindValidator>;
  for (const kind of Object.keys(RECORD_KINDS) as RecordKind[]) {
    const v = (validators[kind] = new KindValidator(kind, issues));
    raw[kind] = [];
    for (const rec of files[kind] ?? []) {
      // a kind may be absent (place-names is optional)
      const data = v.accept(rec);
      if (data !== null) raw[kind].push(data);
    }
  }
  const dataset = raw as unknown as RawDataset;
  const info = validateInfo(files.info, issues);
  if (info) dataset.info = info;
  if (!issues.length) issues.push(...checkReferences(dataset, (kind, id) => validators[kind].files.get(id) ?? `data/${kind}`));
  if (issues.length) throw new DatasetError(issues);
  return dataset;
}
