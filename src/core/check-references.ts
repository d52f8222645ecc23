import { DATASET_INFO_FILE, RECORD_KINDS, type RawDataset, type RecordKind } from '../schema/index.ts';
import { addDays } from './calendar-day.ts';
import type { DatasetIssue } from './dataset-issue.ts';

/**
 * Rules that span records: every reference points at an existing record of the right kind, places
 * form a tree, derived dates agree with what they derive from, sub-counts fit inside their totals.
 */
export function checkReferences(ds: RawDataset, fileOf: (kind: RecordKind, id: string) => string): DatasetIssue[] {
  const issues: DatasetIssue[] = [];
  const ids = {
    sources: new Set(ds.sources.map((r) => r.id)),
    places: new Set(ds.places.map((r) => r.id)),
    actors: new Set(ds.actors.map((r) => r.id)),
    incidents: new Map(ds.incidents.map((r) => [r.id, r] as const)),
    statistics: new Map(ds.statistics.map((r) => [r.id, r] as const)),
  };
  const ref = (
    kind: RecordKind,
    id: string,
    field: string,
    target: 'sources' | 'places' | 'actors' | 'incidents' | 'statistics',
    value: string | null | undefined,
  ) => {
    if (value == null) return;
    const set = ids[target];
    if (!set.has(value)) {
      issues.push({ file: fileOf(kind, id), recordId: id, field, message: `refers to ${RECORD_KINDS[target].noun} "${value}", which does not exist` });
    }
  };

  for (const p of ds.places) {
    ref('places', p.id, 'parentId', 'places', p.parentId);
    if (p.kind === 'country' && p.parentId !== null)
      issues.push({ file: fileOf('places', p.id), recordId: p.id, field: 'parentId', message: 'a country has no parent place' });
    if (p.kind !== 'country' && p.parentId === null)
      issues.push({ file: fileOf('places', p.id), recordId: p.id, field: 'parentId', message: `a ${p.kind} must lie in a parent place` });
  }
  // Parent chains must end at a country: a cycle would make "everything inside Syria" infinite.
  const parent = new Map(ds.places.map((p) => [p.id, p.parentId] as const));
  for (const p of ds.places) {
    const seen = new Set<string>([p.id]);
    let cur = p.parentId;
    while (cur) {
      if (seen.has(cur)) {
        issues.push({ file: fileOf('places', p.id), recordId: p.id, field: 'parentId', message: `parent chain loops back to "${cur}"` });
        break;
      }
      seen.add(cur);
      cur = parent.get(cur) ?? null;
    }
  }
  for (const a of ds.actors) ref('actors', a.id, 'organisationId', 'actors', a.organisationId);

  for (const inc of ds.incidents) {
    ref('incidents', inc.id, 'sourceId', 'sources', inc.sourceId);
    ref('incidents', inc.id, 'placeId', 'places', inc.placeId);
    ref('incidents', inc.id, 'perpetratorId', 'actors', inc.perpetratorId);
    inc.casualties.forEach((c, i) => ref('incidents', inc.id, `casualties[${i}].actorId`, 'actors', c.actorId));
    if (inc.sameEventAs !== undefined) {
      const primary = ids.incidents.get(inc.sameEventAs);
      const issue = (message: string) => issues.push({ file: fileOf('incidents', inc.id), recordId: inc.id, field: 'sameEventAs', message });
      // One level only: the event is counted once, under a primary that is itself counted.
      if (inc.sameEventAs === inc.id) issue('points at the record itself');
      else if (!primary) ref('incidents', inc.id, 'sameEventAs', 'incidents', inc.sameEventAs);
      else if (primary.sameEventAs !== undefined)
        issue(
          `points at "${primary.id}", which itself points at "${primary.sameEventAs}": link every record of an event to the one primary record (no chains or cycles)`,
        );
    }
    const d = inc.date.derivedFrom;
    if (d) {
      const base = ids.incidents.get(d.ref);
      if (!base) ref('incidents', inc.id, 'date.derivedFrom.ref', 'incidents', d.ref);
      else {
        const expected = addDays(base.date.date, d.offsetDays);
        if (expected !== inc.date.date)
          issues.push({
            file: fileOf('incidents', inc.id),
            recordId: inc.id,
            field: 'date.date',
            message: `is ${inc.date.date}, but ${d.ref} (${base.date.date}) plus ${d.offsetDays} days is ${expected}`,
          });
      }
    }
  }
  for (const s of ds.statistics) {
    ref('statistics', s.id, 'sourceId', 'sources', s.sourceId);
    ref('statistics', s.id, 'reporterId', 'actors', s.reporterId);
    ref('statistics', s.id, 'perpetratorId', 'actors', s.perpetratorId);
    s.placeIds.forEach((p, i) => ref('statistics', s.id, `placeIds[${i}]`, 'places', p));
    const periodEnd = s.period ? (s.period.to.end ?? s.period.to.date) : null;
    if (s.period && periodEnd! < s.period.from.date)
      issues.push({
        file: fileOf('statistics', s.id),
        recordId: s.id,
        field: 'period.to',
        message: `ends (${periodEnd}) before it starts (${s.period.from.date})`,
      });
    if (s.parentId) {
      const parentStat = ids.statistics.get(s.parentId);
      if (!parentStat) ref('statistics', s.id, 'parentId', 'statistics', s.parentId);
      else if (s.value > parentStat.value)
        issues.push({
          file: fileOf('statistics', s.id),
          recordId: s.id,
          field: 'value',
          message: `${s.value} is more than its parent "${s.parentId}" (${parentStat.value})`,
        });
    }
  }
  for (const q of ds.quotes) {
    ref('quotes', q.id, 'sourceId', 'sources', q.sourceId);
    ref('quotes', q.id, 'speakerId', 'actors', q.speakerId);
    ref('quotes', q.id, 'viaId', 'actors', q.viaId);
    q.placeIds.forEach((p, i) => ref('quotes', q.id, `placeIds[${i}]`, 'places', p));
  }
  const focus = ds.info?.focus;
  if (focus) {
    const file = `data/${DATASET_INFO_FILE}`;
    if (!ids.actors.has(focus.actorId))
      issues.push({ file, recordId: null, field: 'focus.actorId', message: `refers to actor "${focus.actorId}", which does not exist` });
    // Totals subtract the focus actor's own dead from one group: an entry in another group would be counted wrong.
    for (const inc of ds.incidents)
      inc.casualties.forEach((c, i) => {
        if (c.actorId === focus.actorId && c.group !== focus.ownDeadGroup)
          issues.push({
            file: fileOf('incidents', inc.id),
            recordId: inc.id,
            field: `casualties[${i}].group`,
            message: `is "${c.group}", but ${DATASET_INFO_FILE} records the focus actor's own dead as "${focus.ownDeadGroup}"`,
          });
      });
  }
  return issues;
}

/**
 * Why `record` may not be linked to `targetId` as the same event in the dataset `incidents` (a missing
 * target, the record itself, or a target that is itself linked: name its primary instead); null when it may.
 */
export function sameEventProblem(
  incidents: { get(id: string): { id: string; sameEventAs?: string | undefined } | undefined },
  recordId: string,
  targetId: string,
): string | null {
  if (targetId === recordId) return 'a record cannot be the same event as itself';
  const target = incidents.get(targetId);
  if (!target) return `there is no incident "${targetId}"`;
  if (target.sameEventAs !== undefined) return `"${targetId}" is itself linked to "${target.sameEventAs}": link to "${target.sameEventAs}" instead (no chains)`;
  return null;
}
