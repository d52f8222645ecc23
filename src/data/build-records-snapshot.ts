import { DatasetError, type DatasetIssue } from '../core/dataset-issue.ts';
import { ReferenceCheck } from '../core/check-references.ts';
import { IncidentColumnsBuilder } from '../core/incident-index.ts';
import { isoOfDayKey } from '../core/calendar-day.ts';
import { type Incident, RECORD_KINDS, type RawDataset, type RecordKind } from '../schema/index.ts';
import { listDataFiles, readDatasetInfo, readDataFile } from './read-data-dir.ts';
import { RecordsSnapshotWriter } from './records-snapshot.ts';
import { KindValidator, validateInfo } from './validate-records.ts';

/**
 * The cold start of a large dataset: reads data/ and writes its records snapshot (records-snapshot.ts)
 * without ever holding the incidents as objects. Each incident is parsed, validated, read into the
 * index columns and written to the snapshot, then dropped; the small kinds are read and validated as
 * usual. Throws the DatasetError that `validateRecords(readDataDir(dataDir))` would, with the same
 * problems in the same order, and then leaves no file behind.
 */
export function buildRecordsSnapshot(dataDir: string, path: string): void {
  const readIssues: DatasetIssue[] = [];
  const issues: DatasetIssue[] = [];
  const infoReadIssues: DatasetIssue[] = [];
  const infoIssues: DatasetIssue[] = [];
  const info = validateInfo(readDatasetInfo(dataDir, infoReadIssues), infoIssues);
  const focusActorId = info?.focus.actorId ?? null;
  const validators = {} as Record<RecordKind, KindValidator>;
  const raw: Omit<RawDataset, 'incidents'> = { sources: [], places: [], actors: [], statistics: [], quotes: [], 'place-names': [] };
  const kept = raw as unknown as Record<RecordKind, unknown[]>;
  // Incidents, a million of them, through the compiled check first; zod for any it does not pass.
  for (const kind of Object.keys(RECORD_KINDS) as RecordKind[]) validators[kind] = new KindValidator(kind, issues, { fast: kind === 'incidents' });
  const fileOf = (kind: RecordKind, id: string) => validators[kind].files.get(id) ?? `data/${kind}`;

  const columns = new IncidentColumnsBuilder(focusActorId);
  const incidents = validators.incidents as KindValidator<Incident>;
  /** Row in the snapshot (= index in `columns`) of each incident id: built only if a record points at another. */
  let rowOf: Map<string, number> | null = null;
  let check: ReferenceCheck | null = null;
  /**
   * Each incident's reference problems in order; an incident whose date derives from another, or that
   * is the same event as another, waits for all of them (the other may come later).
   */
  const incidentChecks: (DatasetIssue | Incident)[] = [];
  const focusIssues: DatasetIssue[] = [];
  const writer = new RecordsSnapshotWriter(path);
  try {
    for (const f of listDataFiles(dataDir)) {
      if (f.kind !== 'incidents') {
        readDataFile(
          f,
          (rec) => {
            const data = validators[f.kind].accept(rec);
            if (data !== null) kept[f.kind].push(data);
          },
          readIssues,
        );
        continue;
      }
      check ??= new ReferenceCheck({ ...raw, info }, fileOf, (id) => {
        if (!rowOf) {
          rowOf = new Map();
          for (let i = 0; i < columns.length; i++) rowOf.set(columns.idAt(i), i);
        }
        const row = rowOf.get(id);
        return row === undefined ? undefined : { id, day: isoOfDayKey(columns.dayKeyAt(row)), sameEventAs: columns.sameEventAt(row) };
      });
      const refs = check;
      readDataFile(
        f,
        (rec, line) => {
          const inc = incidents.accept(rec);
          if (inc === null) return;
          columns.add(inc);
          // The line itself when validation added nothing (no default filled in): no second serialisation.
          // The very object read back means the fast check passed it unchanged.
          writer.add(line !== null && (inc === rec.value || sameKeys(rec.value, inc)) ? line : JSON.stringify(inc));
          if (inc.date.derivedFrom || inc.sameEventAs !== undefined) incidentChecks.push(inc);
          else for (const issue of refs.incident(inc)) incidentChecks.push(issue);
          focusIssues.push(...refs.focusGroups(inc));
        },
        readIssues,
      );
    }
    readIssues.push(...infoReadIssues);
    if (readIssues.length) throw new DatasetError(readIssues);
    issues.push(...infoIssues);
    if (issues.length) throw new DatasetError(issues);
    check ??= new ReferenceCheck({ ...raw, info }, fileOf, () => undefined);
    const refs = check;
    const refIssues = [
      ...refs.beforeIncidents(),
      ...incidentChecks.flatMap((x) => ('sourceId' in x ? refs.incident(x) : [x])),
      ...refs.afterIncidents(raw.statistics, raw.quotes),
      ...focusIssues,
    ];
    if (refIssues.length) throw new DatasetError(refIssues);
    const { columns: cols, ids, order } = columns.finish();
    writer.finish(cols, ids, order, info ? { ...raw, info } : raw);
  } catch (e) {
    writer.abandon();
    throw e;
  }
}

/** Whether `b` has exactly the keys of `a` at every level (validation filled in no default). */
function sameKeys(a: unknown, b: unknown): boolean {
  if (typeof b !== 'object' || b === null) return true;
  if (typeof a !== 'object' || a === null) return false;
  if (Array.isArray(b)) {
    if (!Array.isArray(a) || a.length !== b.length) return false;
    for (let i = 0; i < b.length; i++) if (!sameKeys(a[i], b[i])) return false;
    return true;
  }
  let n = 0;
  for (const k in b) {
    if (!sameKeys((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    n++;
  }
  for (const _ in a) n--;
  return n === 0;
}
