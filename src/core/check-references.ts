import { DATASET_INFO_FILE, type Incident, RECORD_KINDS, type RawDataset, type RecordKind } from '../schema/index.ts';
import { addDays } from './calendar-day.ts';
import type { DatasetIssue } from './dataset-issue.ts';

/**
 * Rules that span records: every reference points at an existing record of the right kind, places
 * form a tree, derived dates agree with what they derive from, sub-counts fit inside their totals.
 */
export function checkReferences(ds: RawDataset, fileOf: (kind: RecordKind, id: string) => string): DatasetIssue[] {
  const incidents = new Map(ds.incidents.map((r) => [r.id, r] as const));
  const check = new ReferenceCheck(ds, fileOf, (id) => {
    const r = incidents.get(id);
    return r && { id: r.id, day: r.date.date, sameEventAs: r.sameEventAs };
  });
  return [
    ...check.beforeIncidents(),
    ...ds.incidents.flatMap((inc) => check.incident(inc)),
    ...check.afterIncidents(ds.statistics, ds.quotes),
    ...ds.incidents.flatMap((inc) => check.focusGroups(inc)),
  ];
}

/** What the rules across incidents need of another incident. */
export interface IncidentRef {
  id: string;
  /** Its (first) day, ISO. */
  day: string;
  sameEventAs: string | undefined;
}

/**
 * checkReferences in parts, for a loader that sees the incidents one at a time and never holds them
 * all: the checks of the records before the incidents, those of one incident, those after, and the
 * focus rule for one incident. Run in that order (each incident's focus rule after all the rest), the
 * parts report what checkReferences reports, in the same order.
 */
export class ReferenceCheck {
  private readonly ids: Record<'sources' | 'places' | 'actors', Set<string>>;

  /** `incidentAt`: an incident by id (undefined when there is none), for derived dates and same-event links. */
  constructor(
    private readonly ds: Pick<RawDataset, 'sources' | 'places' | 'actors' | 'info'>,
    private readonly fileOf: (kind: RecordKind, id: string) => string,
    private readonly incidentAt: (id: string) => IncidentRef | undefined,
  ) {
    this.ids = {
      sources: new Set(ds.sources.map((r) => r.id)),
      places: new Set(ds.places.map((r) => r.id)),
      actors: new Set(ds.actors.map((r) => r.id)),
    };
  }

  private ref(
    issues: DatasetIssue[],
    kind: RecordKind,
    id: string,
    field: string,
    target: 'sources' | 'places' | 'actors' | 'incidents' | 'statistics',
    value: string | null | undefined,
    exists?: (id: string) => boolean,
  ): void {
    if (value == null || (exists ? exists(value) : this.ids[target as 'sources'].has(value))) return;
    issues.push({ file: this.fileOf(kind, id), recordId: id, field, message: `refers to ${RECORD_KINDS[target].noun} "${value}", which does not exist` });
  }

  /** Places (references and the tree) and actors. */
  beforeIncidents(): DatasetIssue[] {
    const issues: DatasetIssue[] = [];
    const { places, actors } = this.ds;
    for (const p of places) {
      this.ref(issues, 'places', p.id, 'parentId', 'places', p.parentId);
      if (p.kind === 'country' && p.parentId !== null)
        issues.push({ file: this.fileOf('places', p.id), recordId: p.id, field: 'parentId', message: 'a country has no parent place' });
      if (p.kind !== 'country' && p.parentId === null)
        issues.push({ file: this.fileOf('places', p.id), recordId: p.id, field: 'parentId', message: `a ${p.kind} must lie in a parent place` });
    }
    // Parent chains must end at a country: a cycle would make "everything inside Syria" infinite.
    const parent = new Map(places.map((p) => [p.id, p.parentId] as const));
    for (const p of places) {
      const seen = new Set<string>([p.id]);
      let cur = p.parentId;
      while (cur) {
        if (seen.has(cur)) {
          issues.push({ file: this.fileOf('places', p.id), recordId: p.id, field: 'parentId', message: `parent chain loops back to "${cur}"` });
          break;
        }
        seen.add(cur);
        cur = parent.get(cur) ?? null;
      }
    }
    for (const a of actors) this.ref(issues, 'actors', a.id, 'organisationId', 'actors', a.organisationId);
    return issues;
  }

  /** One incident's references, same-event link and derived date. */
  incident(inc: Incident): DatasetIssue[] {
    const issues: DatasetIssue[] = [];
    this.ref(issues, 'incidents', inc.id, 'sourceId', 'sources', inc.sourceId);
    this.ref(issues, 'incidents', inc.id, 'placeId', 'places', inc.placeId);
    this.ref(issues, 'incidents', inc.id, 'perpetratorId', 'actors', inc.perpetratorId);
    inc.casualties.forEach((c, i) => this.ref(issues, 'incidents', inc.id, `casualties[${i}].actorId`, 'actors', c.actorId));
    if (inc.sameEventAs !== undefined) {
      const primary = this.incidentAt(inc.sameEventAs);
      const issue = (message: string) => issues.push({ file: this.fileOf('incidents', inc.id), recordId: inc.id, field: 'sameEventAs', message });
      // One level only: the event is counted once, under a primary that is itself counted.
      if (inc.sameEventAs === inc.id) issue('points at the record itself');
      else if (!primary) this.ref(issues, 'incidents', inc.id, 'sameEventAs', 'incidents', inc.sameEventAs, () => false);
      else if (primary.sameEventAs !== undefined)
        issue(
          `points at "${primary.id}", which itself points at "${primary.sameEventAs}": link every record of an event to the one primary record (no chains or cycles)`,
        );
    }
    const d = inc.date.derivedFrom;
    if (d) {
      const baseDay = this.incidentAt(d.ref)?.day;
      if (baseDay === undefined) this.ref(issues, 'incidents', inc.id, 'date.derivedFrom.ref', 'incidents', d.ref, () => false);
      else {
        const expected = addDays(baseDay, d.offsetDays);
        if (expected !== inc.date.date)
          issues.push({
            file: this.fileOf('incidents', inc.id),
            recordId: inc.id,
            field: 'date.date',
            message: `is ${inc.date.date}, but ${d.ref} (${baseDay}) plus ${d.offsetDays} days is ${expected}`,
          });
      }
    }
    return issues;
  }

  /** Statistics, quotes, and whether the focus actor exists. */
  afterIncidents(statistics: RawDataset['statistics'], quotes: RawDataset['quotes']): DatasetIssue[] {
    const issues: DatasetIssue[] = [];
    const statById = new Map(statistics.map((r) => [r.id, r] as const));
    for (const s of statistics) {
      this.ref(issues, 'statistics', s.id, 'sourceId', 'sources', s.sourceId);
      this.ref(issues, 'statistics', s.id, 'reporterId', 'actors', s.reporterId);
      this.ref(issues, 'statistics', s.id, 'perpetratorId', 'actors', s.perpetratorId);
      s.placeIds.forEach((p, i) => this.ref(issues, 'statistics', s.id, `placeIds[${i}]`, 'places', p));
      const periodEnd = s.period ? (s.period.to.end ?? s.period.to.date) : null;
      if (s.period && periodEnd! < s.period.from.date)
        issues.push({
          file: this.fileOf('statistics', s.id),
          recordId: s.id,
          field: 'period.to',
          message: `ends (${periodEnd}) before it starts (${s.period.from.date})`,
        });
      if (s.parentId) {
        const parentStat = statById.get(s.parentId);
        if (!parentStat) this.ref(issues, 'statistics', s.id, 'parentId', 'statistics', s.parentId, () => false);
        else if (s.value > parentStat.value)
          issues.push({
            file: this.fileOf('statistics', s.id),
            recordId: s.id,
            field: 'value',
            message: `${s.value} is more than its parent "${s.parentId}" (${parentStat.value})`,
          });
      }
    }
    for (const q of quotes) {
      this.ref(issues, 'quotes', q.id, 'sourceId', 'sources', q.sourceId);
      this.ref(issues, 'quotes', q.id, 'speakerId', 'actors', q.speakerId);
      this.ref(issues, 'quotes', q.id, 'viaId', 'actors', q.viaId);
      q.placeIds.forEach((p, i) => this.ref(issues, 'quotes', q.id, `placeIds[${i}]`, 'places', p));
    }
    const focus = this.ds.info?.focus;
    if (focus && !this.ids.actors.has(focus.actorId))
      issues.push({
        file: `data/${DATASET_INFO_FILE}`,
        recordId: null,
        field: 'focus.actorId',
        message: `refers to actor "${focus.actorId}", which does not exist`,
      });
    return issues;
  }

  /** Totals subtract the focus actor's own dead from one group: an entry in another group would be counted wrong. */
  focusGroups(inc: Incident): DatasetIssue[] {
    const focus = this.ds.info?.focus;
    if (!focus) return [];
    const issues: DatasetIssue[] = [];
    inc.casualties.forEach((c, i) => {
      if (c.actorId === focus.actorId && c.group !== focus.ownDeadGroup)
        issues.push({
          file: this.fileOf('incidents', inc.id),
          recordId: inc.id,
          field: `casualties[${i}].group`,
          message: `is "${c.group}", but ${DATASET_INFO_FILE} records the focus actor's own dead as "${focus.ownDeadGroup}"`,
        });
    });
    return issues;
  }
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
