import type { IncidentSelection } from '../core/incident-selection.ts';
import type { Dataset } from '../core/dataset.ts';
import { queryIncidents, type IncidentPage } from '../core/query-incidents.ts';
import { day } from '../core/format.ts';
import type { Incident } from '../schema/index.ts';

/**
 * What a picture shows: the commands' IncidentSelection (a place and everything inside it, an optional
 * period and actor), where the actor may also be left out; absent or null, any actor.
 */
export type Selection = Omit<IncidentSelection, 'actorId'> & Partial<Pick<IncidentSelection, 'actorId'>>;

/** Every matching incident (not a page), newest first, with the query core's totals. */
export function selectIncidents(ds: Dataset, sel: Selection): IncidentPage {
  return queryIncidents(ds, { placeId: sel.placeId, from: sel.from, to: sel.to, actorId: sel.actorId ?? null }, { offset: 0, limit: Number.MAX_SAFE_INTEGER });
}

/**
 * "1 Jul 2019 – 31 Aug 2019"; an open end is filled from the incidents themselves and said to be so
 * ("28 Jul 2019 (first recorded) – 22 Aug 2019").
 */
export function periodLabel(sel: Selection, incidents: readonly Incident[]): string {
  const first = incidents.length ? incidents[incidents.length - 1]!.date.date : null;
  const last = incidents.length ? incidents[0]!.date.date : null;
  if (!sel.from && !sel.to) return first && last ? `${day(first)} – ${day(last)} (all recorded)` : 'all dates';
  const from = sel.from ? day(sel.from) : first ? `${day(first)} (first recorded)` : 'the start';
  const to = sel.to ? day(sel.to) : last ? `${day(last)} (last recorded)` : 'now';
  return `${from} – ${to}`;
}

/** Attribution for the sources behind these incidents, most used first, as one sentence. */
export function dataAttribution(ds: Dataset, incidents: readonly Incident[], maxSources = 3): string {
  const counts = new Map<string, number>();
  for (const inc of incidents) counts.set(inc.sourceId, (counts.get(inc.sourceId) ?? 0) + 1);
  const ids = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  // Attributions that already start with "Data:" (UCDP's) lose it: the sentence says it once.
  const shown = ids.slice(0, maxSources).map((id) => (ds.sources.get(id)?.attribution ?? id).replace(/^Data:\s*/i, '').replace(/\.\s*$/, ''));
  const more = ids.length - shown.length;
  return `Data: ${shown.join('; ')}${more > 0 ? `; and ${more} more source${more === 1 ? '' : 's'}` : ''}.`;
}

/** A place name without the administrative suffix, for labels: "Daraa Governorate" -> "Daraa". */
export function shortPlaceName(name: string): string {
  return name.replace(/\s+(Governorate|Province|District|Region|Muhafazah)$/i, '');
}
