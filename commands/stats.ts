import { z } from 'zod';
import type { APIEmbedField } from 'discord-api-types/v10';
import type { CommandModule } from '../src/command/command-module.ts';
import { selectionOptionDefinitions } from '../src/command/incident-selection.ts';
import { opt, parseOptions } from '../src/command/parse-options.ts';
import { breakdownByPlaceKind, type PlaceBreakdownRow } from '../src/core/breakdown.ts';
import { parseDateRange } from '../src/core/date-input.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { statisticsFor } from '../src/core/query-statistics.ts';
import type { Dataset } from '../src/core/dataset.ts';
import { actorChoices, placeChoices } from '../src/replies/choices.ts';
import { formatTotals, killedInjuredText, plural, totalInjured, totalKilled, truncate } from '../src/replies/format.ts';
import { statisticsList } from '../src/replies/statistics-list.ts';
import { makeReply, type ReplyPayload } from '../src/replies/payload.ts';
import { resolveActorOption, resolvePlaceOption } from '../src/replies/resolve-option.ts';
import { countryCoverageText } from '../src/replies/coverage-text.ts';
import { countedLabel, defaultActorId, isAnyActor } from '../src/core/focus.ts';
import { attributionFor } from '../src/replies/source-line.ts';
import { DISCORD_LIMITS } from '../src/replies/discord-limits.ts';

const Options = z.object({ place: opt.optionalText(), from: opt.optionalText(), to: opt.optionalText(), actor: opt.optionalText() });
const MAX_ROWS = 15;

function rowsText(ds: Dataset, rows: PlaceBreakdownRow[], note: (r: PlaceBreakdownRow) => string = () => ''): string {
  const lines = rows
    .slice(0, MAX_ROWS)
    .map((r) => `${ds.gazetteer.get(r.placeId)?.name ?? r.placeId}: ${plural(r.count, 'incident')} · ${killedInjuredText({ killed: totalKilled(r.totals), injured: totalInjured(r.totals) }, r.figuresGiven).replace(', ', ' · ')}${note(r)}`);
  if (rows.length > MAX_ROWS) lines.push(`…and ${rows.length - MAX_ROWS} more`);
  return truncate(lines.join('\n'), DISCORD_LIMITS.embedFieldValue);
}

export const stats: CommandModule = {
  examples: ['/stats', '/stats place:syria from:2019-07 to:2019-08', '/stats actor:any'],
  definition: {
    name: 'stats',
    description: 'Totals of killed and injured, by country and province',
    options: [
      { type: 3, name: 'place', description: 'Limit to a country, region, province or city', autocomplete: true },
      selectionOptionDefinitions.from,
      selectionOptionDefinitions.to,
      selectionOptionDefinitions.actor,
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
    let actorId = defaultActorId(ds);
    if (o.actor && isAnyActor(o.actor)) actorId = null;
    else if (o.actor) {
      const a = resolveActorOption(ds, o.actor);
      if ('reply' in a) return a.reply;
      actorId = a.id;
    }
    const { from, to } = parseDateRange(o.from, o.to, ctx.now());
    const all = queryIncidents(ds, { placeId, from, to, actorId }, { offset: 0, limit: 0 });
    const scope = placeId ? ds.gazetteer.label(placeId) : 'all places';
    const period = from || to ? `${from ?? 'the start'} to ${to ?? 'the latest'}` : 'all dates';
    const fields: APIEmbedField[] = [{ name: `Totals over ${plural(all.total, 'incident')}`, value: formatTotals(all, ds.focus) }];
    // Each country's figures rest on what covers it: its period is said beside it, never left to be assumed equal.
    const countries = breakdownByPlaceKind(ds, placeId, 'country', from, to, actorId);
    if (countries.length) fields.push({ name: 'By country, with the period its figures cover', value: rowsText(ds, countries, (r) => ` — ${countryCoverageText(ds, r.placeId, from, to, actorId)}`) });
    else if (placeId && ds.gazetteer.country(placeId)) {
      const c = ds.gazetteer.country(placeId)!;
      fields.push({ name: 'Period covered', value: `${c.name}: ${countryCoverageText(ds, c.id, from, to, actorId)}` });
    }
    const provinces = breakdownByPlaceKind(ds, placeId, 'province', from, to, actorId);
    if (provinces.length) fields.push({ name: 'By province', value: rowsText(ds, provinces) });
    const statistics = statisticsFor(ds, placeId, from, to);
    if (statistics.length)
      fields.push({
        name: 'Reported statistics and context',
        value: statisticsList(ds, statistics),
      });
    const sourceIds = new Set<string>(statistics.map((s) => s.statistic.sourceId));
    // Credit exactly the sources with incidents among the counted ones (read from posting lists, not records).
    for (const id of all.sourceIds) sourceIds.add(id);
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
  },
  autocomplete(focused, _o, ctx) {
    return focused.name === 'actor' ? actorChoices(ctx.dataset(), focused.value) : placeChoices(ctx.dataset(), focused.value);
  },
};

