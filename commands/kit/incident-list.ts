import type { Dataset } from '../../src/core/dataset.ts';
import type { Incident } from '../../src/schema/index.ts';
import { casualtyLine, shortDate, truncate } from '../../src/core/format.ts';
import { sourceCredit, sourceName } from './source-line.ts';

/**
 * One incident as a few lines of a list: date and place, casualties, summary, id and source; then the
 * other reports of the same event (records linked to it by `sameEventAs`), whose figures are not added.
 */
export function incidentListEntry(ds: Dataset, inc: Incident): string {
  const place = ds.gazetteer.label(inc.placeId);
  const perpetrator = inc.perpetratorId ? ` · ${ds.actorName(inc.perpetratorId)}` : '';
  const also = ds.incidents.alsoReported(inc.id);
  return [
    `**${shortDate(inc.date)}** · ${place}${perpetrator}`,
    `${casualtyLine(inc)} — ${truncate(inc.summary, 200)}`,
    `\`${inc.id}\` · ${sourceCredit(ds, inc.sourceId)}`,
    ...(also.length ? [alsoReportedLine(ds, also)] : []),
  ].join('\n');
}

/** "Also reported by <source> (`id`), counted once with the figures above". */
export function alsoReportedLine(ds: Dataset, also: readonly Incident[]): string {
  return `Also reported by ${also.map((r) => `${sourceName(ds, r.sourceId)} (\`${r.id}\`)`).join('; ')} — one event, counted once, with the figures above`;
}

/** The sources of an incident and of the other reports of its event: all of them are behind its figures' line. */
export function eventSourceIds(ds: Dataset, inc: Incident): string[] {
  return [...new Set([inc.sourceId, ...ds.incidents.alsoReported(inc.id).map((r) => r.sourceId)])];
}
