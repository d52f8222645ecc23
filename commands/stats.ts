import { breakdownByPlaceKind } from '../src/core/breakdown.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { statisticsFor } from '../src/core/query-statistics.ts';
import { defaultActorId, isAnyActor } from '../src/core/focus.ts';
import { actorChoices, placeChoices } from './kit/choices.ts';
import { defineCommand } from './kit/command.ts';
import { parseDates, selectionOptions } from './kit/incident-selection.ts';
import { option } from './kit/options.ts';
import { statsReply } from './kit/replies/stats.ts';
import { resolveActorOption, resolvePlaceOption } from './kit/resolve-option.ts';

export const stats = defineCommand({
  name: 'stats',
  description: 'Totals of killed and injured, by country and province',
  examples: ['/stats', '/stats place:syria from:2019-07 to:2019-08', '/stats actor:any'],
  options: {
    place: option.text({ description: 'Limit to a country, region, province or city', autocomplete: true }),
    from: selectionOptions.from,
    to: selectionOptions.to,
    actor: selectionOptions.actor,
  },
  handle(o, ctx) {
    const ds = ctx.dataset();
    const placeId = o.place ? resolvePlaceOption(ds, o.place) : null;
    // No actor option: the dataset's focus actor; "any": every actor (all recorded violence).
    const actorId = !o.actor ? defaultActorId(ds) : isAnyActor(o.actor) ? null : resolveActorOption(ds, o.actor);
    const { from, to } = parseDates(o.from, o.to, ctx.now());
    const all = queryIncidents(ds, { placeId, from, to, actorId }, { offset: 0, limit: 0 });
    return statsReply(ds, {
      placeId,
      from,
      to,
      actorId,
      all,
      countries: breakdownByPlaceKind(ds, placeId, 'country', from, to, actorId),
      provinces: breakdownByPlaceKind(ds, placeId, 'province', from, to, actorId),
      statistics: statisticsFor(ds, placeId, from, to),
      // Credit exactly the sources of the counted incidents (read from posting lists, not records).
      incidentSources: all.sourceIds,
    });
  },
  autocomplete(focused, _o, ctx) {
    return focused.name === 'actor' ? actorChoices(ctx.dataset(), focused.value) : placeChoices(ctx.dataset(), focused.value);
  },
});
