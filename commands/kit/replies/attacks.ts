import type { APIActionRowComponent, APIButtonComponent } from 'discord-api-types/v10';
import type { Dataset } from '../../../src/core/dataset.ts';
import { figuresNote, formatTotals, plural } from '../../../src/core/format.ts';
import type { IncidentSelection } from '../../../src/core/incident-selection.ts';
import type { IncidentPage } from '../../../src/core/query-incidents.ts';
import type { PlacedStatistic } from '../../../src/core/query-statistics.ts';
import { commandLine } from '../command-line.ts';
import type { RawOptions } from '../context.ts';
import { eventSourceIds, incidentListEntry } from '../incident-list.ts';
import { makeReply, type ReplyPayload } from '../payload.ts';
import { attributionFor } from '../source-line.ts';
import { statisticsList } from '../statistics-list.ts';
import { countryCoverageText } from '../coverage-text.ts';
import { countedLabel } from '../../../src/core/focus.ts';

export interface AttacksAnswer {
  sel: IncidentSelection;
  minCasualties: number | undefined;
  /** The query as canonical options (ids, ISO days), for the "next:" hint. */
  state: { [k: string]: string | number | null | undefined };
  page: number;
  pages: number;
  result: IncidentPage;
  stats: PlacedStatistic[];
  /** The sources of the incidents counted in the totals (their figures' meaning is noted under the totals). */
  figureSources: readonly string[];
  buttons: APIActionRowComponent<APIButtonComponent> | null;
}

/** /attacks: one page of incidents newest first, the totals over all of them, and the area's statistics. */
export function attacksReply(ds: Dataset, a: AttacksAnswer): ReplyPayload {
  const { placeId, from, to, actorId } = a.sel;
  const { page, pages, result, stats } = a;
  const label = ds.gazetteer.label(placeId);
  // The actor is in the title (what is counted), not among the filters.
  const counted = countedLabel(ds, actorId);
  const filters = [from && `from ${from}`, to && `to ${to}`, a.minCasualties && `at least ${a.minCasualties} killed + injured`].filter(Boolean).join(' · ');
  const statText = statisticsList(ds, stats);
  // The period the place's figures rest on: a quiet stretch outside it is no data, not calm.
  const country = ds.gazetteer.country(placeId);
  const coverage = country
    ? { name: 'Period its figures cover', value: `${country.name}: ${countryCoverageText(ds, country.id, from, to, actorId, placeId)}` }
    : null;
  const state: RawOptions = Object.fromEntries(Object.entries(a.state).map(([k, v]) => [k, v ?? undefined]));
  const nextHint = page < pages ? ` · next: ${commandLine('attacks', { ...state, page: page + 1 })}` : '';

  if (result.total === 0) {
    return makeReply({
      embeds: [
        {
          title: `No incidents found: ${counted} in ${label}`,
          description: `Nothing in the dataset matches${filters ? ` (${filters})` : ''}. Try a wider date range or a larger place${actorId !== null ? ', or actor:any for all recorded violence' : ''}.`,
          fields: [...(coverage ? [coverage] : []), ...(statText ? [{ name: 'Statistics for this area', value: statText }] : [])],
          footer: {
            text:
              attributionFor(
                ds,
                stats.map((s) => s.statistic.sourceId),
              ) || 'incident-bot',
          },
        },
      ],
    });
  }
  // "incidents", not "attacks": imported datasets also record clashes in which nobody is named the attacker.
  const fields = [{ name: `Totals over ${plural(result.total, 'incident')}`, value: formatTotals(result, ds.focus) + figuresNote(ds, a.figureSources) }];
  if (coverage) fields.push(coverage);
  if (statText) fields.push({ name: 'Statistics for this area', value: statText });
  // Every source behind any figure shown: the page's records, the totals over all matches, the statistics.
  const usedSources = [...result.incidents.flatMap((i) => eventSourceIds(ds, i)), ...result.sourceIds, ...stats.map((s) => s.statistic.sourceId)];
  return makeReply({
    embeds: [
      {
        title: `${counted} in ${label}`,
        description:
          (filters ? `_${filters}_\n\n` : '') +
          (result.incidents.length ? result.incidents.map((i) => incidentListEntry(ds, i)).join('\n\n') : `Page ${page} is past the last page (${pages}).`),
        fields,
        footer: { text: `Page ${page} of ${pages} · newest first${nextHint}\nSources: ${attributionFor(ds, usedSources)}` },
      },
    ],
    components: a.buttons ? [a.buttons] : [],
  });
}
