import type { z } from 'zod';
import { checkReferences } from '../core/check-references.ts';
import { DatasetError, type DatasetIssue } from '../core/dataset-issue.ts';
import { DatasetInfo, RECORD_KINDS, type RawDataset, type RecordKind } from '../schema/index.ts';
import type { RawFiles } from './read-data-dir.ts';

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
    for (const rec of files[kind] ?? []) {
      // a kind may be absent (place-names is optional)
      const id = recordIdOf(rec.value, rec.index);
      const result = schema.safeParse(rec.value);
      if (!result.success) {
        for (const iss of result.error.issues) {
          const field = iss.code === 'unrecognized_keys' ? iss.keys.map((k) => pathToField([...iss.path, k])).join(', ') : pathToField(iss.path);
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
  if (files.info) {
    const result = DatasetInfo.safeParse(files.info.value);
    if (result.success) dataset.info = result.data;
    else
      for (const iss of result.error.issues)
        issues.push({
          file: files.info.file,
          recordId: null,
          field: pathToField(iss.path),
          message: iss.code === 'unrecognized_keys' ? 'unknown key' : iss.message,
        });
  }
  if (!issues.length) issues.push(...checkReferences(dataset, (kind, id) => fileOf.get(`${kind}:${id}`) ?? `data/${kind}`));
  if (issues.length) throw new DatasetError(issues);
  return dataset;
}
