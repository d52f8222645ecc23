import { z } from 'zod';
import type { APIEmbedField } from 'discord-api-types/v10';
import type { CommandModule } from './kit/command.ts';
import { selectionOptionDefinitions } from './kit/incident-selection.ts';
import { opt, parseOptions } from './kit/options.ts';
import { breakdownByPlaceKind, type PlaceBreakdownRow } from '../src/core/breakdown.ts';
import { parseDateRange } from '../src/core/date-input.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { statisticsFor } from '../src/core/query-statistics.ts';
import { sourcesMatching } from '../src/core/source-coverage.ts';
import type { Dataset } from '../src/core/dataset.ts';
import { placeChoices } from './kit/choices.ts';
import { formatTotals, killedInjuredText, plural, totalInjured, totalKilled, truncate } from '../src/core/format.ts';
import { statisticsList } from './kit/statistics-list.ts';
import { makeReply, type ReplyPayload } from './kit/payload.ts';
import { resolvePlaceOption } from './kit/resolve-option.ts';
import { attributionFor } from './kit/source-line.ts';
import { DISCORD_LIMITS } from './kit/discord-limits.ts';

const Options = z.object({ place: opt.optionalText(), from: opt.optionalText(), to: opt.optionalText() });
const MAX_ROWS = 15;

function rowsText(ds: Dataset, rows: PlaceBreakdownRow[]): string {
  const lines = rows
    .slice(0, MAX_ROWS)
    .map((r) => `${ds.gazetteer.get(r.placeId)?.name ?? r.placeId}: ${plural(r.count, 'incident')} · ${killedInjuredText({ killed: totalKilled(r.totals), injured: totalInjured(r.totals) }, r.figuresGiven).replace(', ', ' · ')}`);
  if (rows.length > MAX_ROWS) lines.push(`…and ${rows.length - MAX_ROWS} more`);
  return truncate(lines.join('\n'), DISCORD_LIMITS.embedFieldValue);
}

export const stats: CommandModule = {
  examples: ['/stats', '/stats place:syria from:2019-07 to:2019-08'],
  definition: {
    name: 'stats',
    description: 'Totals of killed and injured, by country and province',
    options: [
      { type: 3, name: 'place', description: 'Limit to a country, region, province or city', autocomplete: true },
      selectionOptionDefinitions.from,
      selectionOptionDefinitions.to,
    ],
  },
  handle(raw, ctx): ReplyPayload {
    const o = parseOptions(Options, raw);
    const ds = ctx.dataset();
    let placeId: string | null = null;
    if (o.place) {
      const r = resolvePlaceOption(ds, o.place);
      if ('reply' in r) return r.reply;
      placeId = r.id;
    }
    const { from, to } = parseDateRange(o.from, o.to, ctx.now());
    const all = queryIncidents(ds, { placeId, from, to }, { offset: 0, limit: 0 });
    const scope = placeId ? ds.gazetteer.label(placeId) : 'all places';
    const period = from || to ? `${from ?? 'the start'} to ${to ?? 'the latest'}` : 'all dates';
    const fields: APIEmbedField[] = [{ name: `Totals over ${plural(all.total, 'incident')}`, value: formatTotals(all) }];
    const countries = breakdownByPlaceKind(ds, placeId, 'country', from, to);
    if (countries.length) fields.push({ name: 'By country', value: rowsText(ds, countries) });
    const provinces = breakdownByPlaceKind(ds, placeId, 'province', from, to);
    if (provinces.length) fields.push({ name: 'By province', value: rowsText(ds, provinces) });
    const statistics = statisticsFor(ds, placeId, from, to);
    if (statistics.length)
      fields.push({
        name: 'Reported statistics and context',
        value: statisticsList(ds, statistics),
      });
    const sourceIds = new Set<string>(statistics.map((s) => s.statistic.sourceId));
    // Credit exactly the sources with incidents in this place and period (read from posting lists, not records).
    for (const id of sourcesMatching(ds, placeId, from, to)) sourceIds.add(id);
    return makeReply({
      embeds: [
        {
          title: `Statistics: ${scope}`,
          description: `Period: ${period}. Figures are summed from incident records; a figure the source does not give is not counted.`,
          fields,
          footer: { text: `Sources: ${attributionFor(ds, sourceIds)}` },
        },
      ],
    });
  },
  autocomplete(focused, _o, ctx) {
    return placeChoices(ctx.dataset(), focused.value);
  },
};

