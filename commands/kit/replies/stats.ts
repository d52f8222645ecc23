import type { APIEmbedField } from 'discord-api-types/v10';
import type { PlaceBreakdownRow } from '../../../src/core/breakdown.ts';
import type { Dataset } from '../../../src/core/dataset.ts';
import { figuresNote, formatTotals, killedInjuredText, plural, totalInjured, totalKilled, truncate } from '../../../src/core/format.ts';
import type { IncidentPage } from '../../../src/core/query-incidents.ts';
import type { PlacedStatistic } from '../../../src/core/query-statistics.ts';
import { DISCORD_LIMITS } from '../discord-limits.ts';
import { makeReply, type ReplyPayload } from '../payload.ts';
import { attributionFor } from '../source-line.ts';
import { statisticsList } from '../statistics-list.ts';
import { countryCoverageText } from '../coverage-text.ts';
import { countedLabel } from '../../../src/core/focus.ts';

const MAX_ROWS = 15;

function rowsText(ds: Dataset, rows: PlaceBreakdownRow[], note: (r: PlaceBreakdownRow) => string = () => ''): string {
  const lines = rows
    .slice(0, MAX_ROWS)
    .map(
      (r) =>
        `${ds.gazetteer.get(r.placeId)?.name ?? r.placeId}: ${plural(r.count, 'incident')} · ${killedInjuredText({ killed: totalKilled(r.totals), injured: totalInjured(r.totals) }, r.figuresGiven).replace(', ', ' · ')}${note(r)}`,
    );
  if (rows.length > MAX_ROWS) lines.push(`…and ${rows.length - MAX_ROWS} more`);
  return truncate(lines.join('\n'), DISCORD_LIMITS.embedFieldValue);
}

export interface StatsAnswer {
  placeId: string | null;
  from: string | null;
  to: string | null;
  /** What is counted: an actor's incidents (by default the focus actor's), or null for all recorded violence. */
  actorId: string | null;
  all: IncidentPage;
  countries: PlaceBreakdownRow[];
  provinces: PlaceBreakdownRow[];
  statistics: PlacedStatistic[];
  /** The sources of the counted incidents. */
  incidentSources: readonly string[];
}

/** /stats: totals, by country and province, and the reported statistics, crediting every source. */
export function statsReply(ds: Dataset, a: StatsAnswer): ReplyPayload {
  const { placeId, from, to, actorId, all, countries, provinces, statistics } = a;
  const scope = placeId ? ds.gazetteer.label(placeId) : 'all places';
  const period = from || to ? `${from ?? 'the start'} to ${to ?? 'the latest'}` : 'all dates';
  const fields: APIEmbedField[] = [
    { name: `Totals over ${plural(all.total, 'incident')}`, value: formatTotals(all, ds.focus) + figuresNote(ds, a.incidentSources) },
  ];
  // Each country's figures rest on what covers it: its period is said beside it, never left to be assumed equal.
  if (countries.length)
    fields.push({
      name: 'By country, with the period its figures cover',
      value: rowsText(ds, countries, (r) => ` — ${countryCoverageText(ds, r.placeId, from, to, actorId)}`),
    });
  else if (placeId && ds.gazetteer.country(placeId)) {
    const c = ds.gazetteer.country(placeId)!;
    fields.push({ name: 'Period covered', value: `${c.name}: ${countryCoverageText(ds, c.id, from, to, actorId, placeId)}` });
  }
  if (provinces.length) fields.push({ name: 'By province', value: rowsText(ds, provinces) });
  if (statistics.length) fields.push({ name: 'Reported statistics and context', value: statisticsList(ds, statistics) });
  const sourceIds = new Set<string>(statistics.map((s) => s.statistic.sourceId));
  for (const id of a.incidentSources) sourceIds.add(id);
  return makeReply({
    embeds: [
      {
        title: `Statistics: ${countedLabel(ds, actorId)} in ${scope}`,
        description: `Period asked: ${period}; each country's figures cover only the period its sources cover (below). Figures are summed from incident records; a figure the source does not give is not counted.`,
        fields,
        footer: { text: `Sources: ${attributionFor(ds, sourceIds)}` },
      },
    ],
  });
}
