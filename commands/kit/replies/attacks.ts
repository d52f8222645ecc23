import type { APIActionRowComponent, APIButtonComponent } from 'discord-api-types/v10';
import type { Dataset } from '../../../src/core/dataset.ts';
import { figuresNote, formatTotals, plural } from '../../../src/core/format.ts';
import type { IncidentSelection } from '../../../src/core/incident-selection.ts';
import type { IncidentPage } from '../../../src/core/query-incidents.ts';
import type { PlacedStatistic } from '../../../src/core/query-statistics.ts';
import { commandLine } from '../command-line.ts';
import type { RawOptions } from '../context.ts';
import { incidentListEntry } from '../incident-list.ts';
import { makeReply, type ReplyPayload } from '../payload.ts';
import { attributionFor, sourcesOf } from '../source-line.ts';
import { statisticsList } from '../statistics-list.ts';

export interface AttacksAnswer {
  sel: IncidentSelection;
  minCasualties: number | undefined;
  /** The query as canonical options (ids, ISO days), for the "next:" hint. */
  state: { [k: string]: string | number | null | undefined };
  page: number;
  pages: number;
  result: IncidentPage;
  stats: PlacedStatistic[];
  /** The sources with incidents in this place and period (their figures' meaning is noted under the totals). */
  figureSources: readonly string[];
  buttons: APIActionRowComponent<APIButtonComponent> | null;
}

/** /attacks: one page of incidents newest first, the totals over all of them, and the area's statistics. */
export function attacksReply(ds: Dataset, a: AttacksAnswer): ReplyPayload {
  const { placeId, from, to, actorId } = a.sel;
  const { page, pages, result, stats } = a;
  const label = ds.gazetteer.label(placeId);
  const filters = [from && `from ${from}`, to && `to ${to}`, actorId && `actor: ${ds.actorName(actorId)}`, a.minCasualties && `at least ${a.minCasualties} killed + injured`]
    .filter(Boolean)
    .join(' · ');
  const statText = statisticsList(ds, stats);
  const state: RawOptions = Object.fromEntries(Object.entries(a.state).map(([k, v]) => [k, v ?? undefined]));
  const nextHint = page < pages ? ` · next: ${commandLine('attacks', { ...state, page: page + 1 })}` : '';

  if (result.total === 0) {
    return makeReply({
      embeds: [
        {
          title: `No attacks found in ${label}`,
          description: `Nothing in the dataset matches${filters ? ` (${filters})` : ''}. Try a wider date range or a larger place.`,
          fields: statText ? [{ name: 'Statistics for this area', value: statText }] : [],
          footer: { text: attributionFor(ds, stats.map((s) => s.statistic.sourceId)) || 'incident-bot' },
        },
      ],
    });
  }
  // "incidents", not "attacks": imported datasets also record clashes in which nobody is named the attacker.
  const fields = [{ name: `Totals over ${plural(result.total, 'incident')}`, value: formatTotals(result) + figuresNote(ds, a.figureSources) }];
  if (statText) fields.push({ name: 'Statistics for this area', value: statText });
  const usedSources = [...sourcesOf(result.incidents), ...stats.map((s) => s.statistic.sourceId)];
  return makeReply({
    embeds: [
      {
        title: `Attacks in ${label}`,
        description: (filters ? `_${filters}_\n\n` : '') + (result.incidents.length ? result.incidents.map((i) => incidentListEntry(ds, i)).join('\n\n') : `Page ${page} is past the last page (${pages}).`),
        fields,
        footer: { text: `Page ${page} of ${pages} · newest first${nextHint}\nSources: ${attributionFor(ds, usedSources)}` },
      },
    ],
    components: a.buttons ? [a.buttons] : [],
  });
}
