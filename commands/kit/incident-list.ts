import type { Dataset } from '../../src/core/dataset.ts';
import type { Incident } from '../../src/schema/index.ts';
import { casualtyLine, shortDate, truncate } from '../../src/core/format.ts';
import { sourceCredit } from './source-line.ts';

/** One incident as a few lines of a list: date and place, casualties, summary, id and source. */
export function incidentListEntry(ds: Dataset, inc: Incident): string {
  const place = ds.gazetteer.label(inc.placeId);
  const perpetrator = inc.perpetratorId ? ` · ${ds.actorName(inc.perpetratorId)}` : '';
  return [
    `**${shortDate(inc.date)}** · ${place}${perpetrator}`,
    `${casualtyLine(inc)} — ${truncate(inc.summary, 200)}`,
    `\`${inc.id}\` · ${sourceCredit(ds, inc.sourceId)}`,
  ].join('\n');
}
