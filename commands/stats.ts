import { breakdownByPlaceKind } from '../src/core/breakdown.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { statisticsFor } from '../src/core/query-statistics.ts';
import { sourcesMatching } from '../src/core/source-coverage.ts';
import { placeChoices } from './kit/choices.ts';
import { defineCommand } from './kit/command.ts';
import { parseDates, selectionOptions } from './kit/incident-selection.ts';
import { option } from './kit/options.ts';
import { statsReply } from './kit/replies/stats.ts';
import { resolvePlaceOption } from './kit/resolve-option.ts';

export const stats = defineCommand({
  name: 'stats',
  description: 'Totals of killed and injured, by country and province',
  examples: ['/stats', '/stats place:syria from:2019-07 to:2019-08'],
  options: {
    place: option.text({ description: 'Limit to a country, region, province or city', autocomplete: true }),
    from: selectionOptions.from,
    to: selectionOptions.to,
  },
  handle(o, ctx) {
    const ds = ctx.dataset();
    const placeId = o.place ? resolvePlaceOption(ds, o.place) : null;
    const { from, to } = parseDates(o.from, o.to, ctx.now());
    return statsReply(ds, {
      placeId,
      from,
      to,
      all: queryIncidents(ds, { placeId, from, to }, { offset: 0, limit: 0 }),
      countries: breakdownByPlaceKind(ds, placeId, 'country', from, to),
      provinces: breakdownByPlaceKind(ds, placeId, 'province', from, to),
      statistics: statisticsFor(ds, placeId, from, to),
      // Credit exactly the sources with incidents in this place and period (read from posting lists, not records).
      incidentSources: sourcesMatching(ds, placeId, from, to),
    });
  },
  autocomplete(focused, _o, ctx) {
    return placeChoices(ctx.dataset(), focused.value);
  },
});
