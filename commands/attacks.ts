import { z } from 'zod';
import type { CommandModule, RawOptions } from '../src/command/command-module.ts';
import { commandLine } from '../src/command/command-line.ts';
import { resolveSelection, selectionOptionDefinitions, selectionOptionShapes } from '../src/command/incident-selection.ts';
import { opt, parseOptions } from '../src/command/parse-options.ts';
import { pageButtons } from '../src/command/page-button.ts';
import { actorOptionFor, countedLabel } from '../src/core/focus.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { statisticsFor } from '../src/core/query-statistics.ts';
import { actorChoices, placeChoices } from '../src/replies/choices.ts';
import { formatTotals, plural } from '../src/replies/format.ts';
import { statisticsList } from '../src/replies/statistics-list.ts';
import { countryCoverageText } from '../src/replies/coverage-text.ts';
import { incidentListEntry } from '../src/replies/incident-list.ts';
import { makeReply, type ReplyPayload } from '../src/replies/payload.ts';
import { attributionFor, sourcesOf } from '../src/replies/source-line.ts';

const Options = z.object({
  ...selectionOptionShapes,
  min_casualties: opt.int(0, 100_000).optional(),
  limit: opt.int(1, 10).optional(),
  page: opt.page,
});

export const attacks: CommandModule = {
  examples: ['/attacks place:syria', '/attacks place:diyala from:2019-08-01', '/attacks place:iraq actor:IS limit:3', '/attacks place:syria actor:any'],
  definition: {
    name: 'attacks',
    description: 'Attacks in a place, newest first, with casualties, totals and sources',
    options: [
      selectionOptionDefinitions.place,
      selectionOptionDefinitions.from,
      selectionOptionDefinitions.to,
      selectionOptionDefinitions.actor,
      { type: 4, name: 'min_casualties', description: 'Only attacks with at least this many killed + injured', min_value: 0 },
      { type: 4, name: 'limit', description: 'Attacks per page (1-10, default 5)', min_value: 1, max_value: 10 },
      { type: 4, name: 'page', description: 'Page number (the buttons do this for you)', min_value: 1 },
    ],
  },
  handle(raw, ctx): ReplyPayload {
    const o = parseOptions(Options, raw);
    const ds = ctx.dataset();
    const resolved = resolveSelection(ds, o, ctx.now());
    if ('reply' in resolved) return resolved.reply;
    const { placeId, from, to, actorId } = resolved.selection;
    const limit = o.limit ?? 5;
    const page = o.page ?? 1;
    const result = queryIncidents(ds, { placeId, from, to, actorId, minCasualties: o.min_casualties ?? null }, { offset: (page - 1) * limit, limit });
    const pages = Math.max(1, Math.ceil(result.total / limit));
    const label = ds.gazetteer.label(placeId);
    // The actor is in the title (what is counted), not among the filters.
    const counted = countedLabel(ds, actorId);
    const filters = [from && `from ${from}`, to && `to ${to}`, o.min_casualties && `at least ${o.min_casualties} killed + injured`]
      .filter(Boolean)
      .join(' · ');
    const stats = statisticsFor(ds, placeId, from, to);
    const statText = statisticsList(ds, stats);
    // The period the place's figures rest on: a quiet stretch outside it is no data, not calm.
    const country = ds.gazetteer.country(placeId);
    const coverage = country ? { name: 'Period its figures cover', value: `${country.name}: ${countryCoverageText(ds, country.id, from, to, actorId, placeId)}` } : null;

    // The query state as canonical options: resolved ids and absolute dates, so page 2 means the same as page 1.
    const state: RawOptions = { place: placeId, from: from ?? undefined, to: to ?? undefined, actor: actorOptionFor(ds, actorId), min_casualties: o.min_casualties, limit: o.limit };
    const nextHint = page < pages ? ` · next: ${commandLine('attacks', { ...state, page: page + 1 })}` : '';

    if (result.total === 0) {
      return makeReply({
        embeds: [
          {
            title: `No incidents found: ${counted} in ${label}`,
            description: `Nothing in the dataset matches${filters ? ` (${filters})` : ''}. Try a wider date range or a larger place${actorId !== null ? ', or actor:any for all recorded violence' : ''}.`,
            fields: [...(coverage ? [coverage] : []), ...(statText ? [{ name: 'Statistics for this area', value: statText }] : [])],
            footer: { text: attributionFor(ds, stats.map((s) => s.statistic.sourceId)) || 'incident-bot' },
          },
        ],
      });
    }
    // "incidents", not "attacks": imported datasets also record clashes in which nobody is named the attacker.
    const fields = [{ name: `Totals over ${plural(result.total, 'incident')}`, value: formatTotals(result, ds.focus) }];
    if (coverage) fields.push(coverage);
    if (statText) fields.push({ name: 'Statistics for this area', value: statText });
    const buttons = pageButtons('attacks', state, page, pages);
    // Every source behind any figure shown: the page's records, the totals over all matches, the statistics.
    const usedSources = [...sourcesOf(result.incidents), ...result.sourceIds, ...stats.map((s) => s.statistic.sourceId)];
    return makeReply({
      embeds: [
        {
          title: `${counted} in ${label}`,
          description: (filters ? `_${filters}_\n\n` : '') + (result.incidents.length ? result.incidents.map((i) => incidentListEntry(ds, i)).join('\n\n') : `Page ${page} is past the last page (${pages}).`),
          fields,
          footer: { text: `Page ${page} of ${pages} · newest first${nextHint}\nSources: ${attributionFor(ds, usedSources)}` },
        },
      ],
      components: buttons ? [buttons] : [],
    });
  },
  autocomplete(focused, _options, ctx) {
    const ds = ctx.dataset();
    return focused.name === 'actor' ? actorChoices(ds, focused.value) : placeChoices(ds, focused.value);
  },
};

