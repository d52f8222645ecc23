import { queryIncidents } from '../src/core/query-incidents.ts';
import { statisticsFor } from '../src/core/query-statistics.ts';
import { actorOptionFor } from '../src/core/focus.ts';
import { actorChoices, placeChoices } from './kit/choices.ts';
import { defineCommand } from './kit/command.ts';
import { resolveSelection, selectionOptions } from './kit/incident-selection.ts';
import { option, pageOption } from './kit/options.ts';
import { attacksReply } from './kit/replies/attacks.ts';

export const attacks = defineCommand({
  name: 'attacks',
  description: 'Incidents in a place involving the focus actor (or actor:any), newest first, with totals and sources',
  examples: ['/attacks place:syria', '/attacks place:diyala from:2019-08-01', '/attacks place:iraq actor:IS limit:3', '/attacks place:syria actor:any'],
  paginated: true,
  options: {
    ...selectionOptions,
    min_casualties: option.integer({ description: 'Only attacks with at least this many killed + injured', min: 0, max: 100_000, page: { short: 'm' } }),
    limit: option.integer({ description: 'Attacks per page (1-10, default 5)', min: 1, max: 10, discordMax: true, page: { short: 'l' } }),
    page: pageOption(),
  },
  handle(o, ctx, { pageButtons }) {
    const ds = ctx.dataset();
    const sel = resolveSelection(ds, o, ctx.now());
    const limit = o.limit ?? 5;
    const page = o.page ?? 1;
    const result = queryIncidents(ds, { ...sel, minCasualties: o.min_casualties ?? null }, { offset: (page - 1) * limit, limit });
    const pages = Math.max(1, Math.ceil(result.total / limit));
    // The query state as canonical options: resolved ids and absolute dates, so page 2 means the same as page 1.
    const state = { place: sel.placeId, from: sel.from, to: sel.to, actor: actorOptionFor(ds, sel.actorId), min_casualties: o.min_casualties, limit: o.limit };
    const stats = statisticsFor(ds, sel.placeId, sel.from, sel.to);
    // The sources behind the totals (every match, not only the page: read from posting lists, not records).
    const figureSources = result.sourceIds;
    return attacksReply(ds, {
      sel,
      minCasualties: o.min_casualties,
      state,
      page,
      pages,
      result,
      stats,
      figureSources,
      buttons: pageButtons(state, page, pages),
    });
  },
  autocomplete(focused, _options, ctx) {
    const ds = ctx.dataset();
    return focused.name === 'actor' ? actorChoices(ds, focused.value) : placeChoices(ds, focused.value);
  },
});
