import { GROUP_LABEL } from '../src/core/format.ts';
import { renderChart } from '../src/render/chart.ts';
import { CHART_STEPS } from '../src/render/chart-data.ts';
import { actorChoices, placeChoices } from './kit/choices.ts';
import { defineCommand } from './kit/command.ts';
import { resolveSelection, selectionOptions } from './kit/incident-selection.ts';
import { option } from './kit/options.ts';
import { nothingToDraw, pictureSubject } from './kit/picture-reply.ts';
import { chartReply } from './kit/replies/chart.ts';

export const chart = defineCommand({
  name: 'chart',
  description: 'Killed and injured over time in a place, as a bar chart',
  examples: ['/chart place:syria', '/chart place:iraq from:2014 to:2018 by:month', '/chart place:homs from:2019 by:week'],
  defer: true,
  options: {
    place: selectionOptions.place,
    from: selectionOptions.from,
    to: selectionOptions.to,
    by: option.choice({
      description: 'One bar per week, month or year (default: fits the period)',
      choices: CHART_STEPS,
      error: 'must be week, month or year',
    }),
    actor: selectionOptions.actor,
  },
  async handle(o, ctx) {
    const ds = ctx.dataset();
    const subject = pictureSubject(ds, resolveSelection(ds, o, ctx.now()));
    if (subject.result.total === 0) return nothingToDraw(subject, 'chart');
    const { sel, result, label, actorName } = subject;
    const { layout, png } = await renderChart(ds, { ...sel, placeLabel: label, actorName, step: o.by ?? null, groupLabels: GROUP_LABEL }, result);
    return chartReply(ds, subject, layout, png.data);
  },
  autocomplete(focused, _options, ctx) {
    const ds = ctx.dataset();
    return focused.name === 'actor' ? actorChoices(ds, focused.value) : placeChoices(ds, focused.value);
  },
});
