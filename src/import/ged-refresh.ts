import type { Incident } from '../schema/index.ts';

/** One field of a record as it was and as the newer release gives it. */
export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

/**
 * What a refresh changed in one record, kept in data/revisions/ucdp-ged.ndjson (one a line):
 * `updated` lists the top-level fields that changed, old → new; `removed-from-release` says the
 * release no longer has the event (the record is kept as it was: nothing is deleted silently).
 */
export interface Revision {
  incidentId: string;
  /** The release the change came from, e.g. "UCDP GED Candidate 24.0.11". */
  release: string;
  /** When the refresh ran (ISO). */
  recordedAt: string;
  change: 'updated' | 'removed-from-release';
  fields: FieldChange[];
}

export interface RefreshCounts {
  added: number;
  updated: number;
  unchanged: number;
  /** In the dataset but not in this release: kept, and listed as a revision. */
  removedFromRelease: number;
}

export interface RefreshResult {
  /** The previous records updated in place, the new ones added, those the release lacks kept. */
  incidents: Incident[];
  /** The revisions this refresh adds (none for an unchanged record). */
  revisions: Revision[];
  counts: RefreshCounts;
  addedIds: string[];
}

/**
 * Merges a newer GED release into the previously imported records, by UCDP event id (our id
 * `ged-<id>`): a changed record is replaced and its changed fields kept as a revision; a new one is
 * added; one the release lacks is kept unchanged and reported (a revision `removed-from-release`, once:
 * not again while the latest revision of that record already says so).
 */
export function refreshGedIncidents(
  previous: readonly Incident[],
  release: readonly Incident[],
  meta: { release: string; recordedAt: string; earlier?: readonly Revision[] },
): RefreshResult {
  const before = new Map(previous.map((i) => [i.id, i] as const));
  const latestChange = new Map<string, Revision['change']>();
  for (const r of meta.earlier ?? []) latestChange.set(r.incidentId, r.change);
  const counts: RefreshCounts = { added: 0, updated: 0, unchanged: 0, removedFromRelease: 0 };
  const revisions: Revision[] = [];
  const addedIds: string[] = [];
  const out: Incident[] = [];
  const seen = new Set<string>();
  for (const next of release) {
    seen.add(next.id);
    const old = before.get(next.id);
    if (!old) {
      counts.added++;
      addedIds.push(next.id);
    } else {
      const fields = changedFields(old, next);
      if (fields.length) {
        counts.updated++;
        revisions.push({ incidentId: next.id, release: meta.release, recordedAt: meta.recordedAt, change: 'updated', fields });
      } else counts.unchanged++;
    }
    out.push(next);
  }
  for (const old of previous) {
    if (seen.has(old.id)) continue;
    counts.removedFromRelease++;
    out.push(old);
    if (latestChange.get(old.id) !== 'removed-from-release')
      revisions.push({ incidentId: old.id, release: meta.release, recordedAt: meta.recordedAt, change: 'removed-from-release', fields: [] });
  }
  out.sort(byDateThenEvent);
  return { incidents: out, revisions, counts, addedIds };
}

/** The top-level fields whose values differ (compared as JSON), in the record's field order. */
export function changedFields(old: Incident, next: Incident): FieldChange[] {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])];
  const o = old as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  return keys.filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k])).map((k) => ({ field: k, old: o[k] ?? null, new: n[k] ?? null }));
}

/** The import's order: by first day, then by UCDP event number. */
function byDateThenEvent(a: Incident, b: Incident): number {
  return a.date.date < b.date.date ? -1 : a.date.date > b.date.date ? 1 : Number(a.id.slice(4)) - Number(b.id.slice(4));
}
