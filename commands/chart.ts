import { z } from 'zod';
import type { CommandModule } from '../src/command/command-module.ts';
import { resolveSelection, selectionOptionDefinitions, selectionOptionShapes } from '../src/command/incident-selection.ts';
import { parseOptions } from '../src/command/parse-options.ts';
import { actorChoices, placeChoices } from '../src/replies/choices.ts';
import { GROUP_LABEL } from '../src/replies/format.ts';
import type { ReplyPayload } from '../src/replies/payload.ts';
import { renderChart } from '../src/render/chart.ts';
import { CHART_STEPS } from '../src/render/chart-data.ts';
import { countLine, pictureReply } from '../src/render/reply.ts';
import { pictureSubject } from '../src/render/selection.ts';

const Options = z.object({
  ...selectionOptionShapes,
  by: z.enum(CHART_STEPS, 'must be week, month or year').optional(),
});

export const chart: CommandModule = {
  definition: {
    name: 'chart',
    description: 'Killed and injured over time in a place, as a bar chart',
    options: [
      selectionOptionDefinitions.place,
      selectionOptionDefinitions.from,
      selectionOptionDefinitions.to,
      {
        type: 3,
        name: 'by',
        description: 'One bar per week, month or year (default: fits the period)',
        choices: CHART_STEPS.map((s) => ({ name: s, value: s })),
      },
      selectionOptionDefinitions.actor,
    ],
  },
  examples: ['/chart place:syria', '/chart place:iraq from:2014 to:2018 by:month', '/chart place:homs from:2019 by:week'],
  defer: true,
  async handle(raw, ctx): Promise<ReplyPayload> {
    const o = parseOptions(Options, raw);
    const ds = ctx.dataset();
    const resolved = resolveSelection(ds, o, ctx.now());
    if ('reply' in resolved) return resolved.reply;
    const picked = pictureSubject(ds, resolved.selection, 'chart');
    if ('reply' in picked) return picked.reply;
    const { sel, result, label, actorName, who, period } = picked.subject;

    const { layout, png } = await renderChart(ds, { ...sel, placeLabel: label, actorName, step: o.by ?? null, groupLabels: GROUP_LABEL }, result);
    const step = layout.step;
    const peak = peakPeriod(layout.bars);
    const summary =
      `Chart of killed and injured${who} in ${label} by ${step}, ${period}: ${countLine(result)}` +
      `${peak ? `; most killed in ${step === 'week' ? 'the week of ' : ''}${peak.label} (${peak.value.toLocaleString('en-US')})` : ''}` +
      // Said in words too (the message text is the picture's alt text): shaded periods are no data, not zero.
      `${layout.noData.length ? `; no data (no systematic source covers it, shaded): ${noDataText(layout.noData)}` : ''}.`;
    return pictureReply(ds, { fileName: 'chart.png', png: png.data, title: `Killed and injured in ${label}${who}`, summary, result, boundaries: false });
  },
  autocomplete(focused, _options, ctx) {
    const ds = ctx.dataset();
    return focused.name === 'actor' ? actorChoices(ds, focused.value) : placeChoices(ds, focused.value);
  },
};

function peakPeriod(bars: readonly { period: string; periodLabel: string; metric: string; value: number }[]): { label: string; value: number } | null {
  const sums = new Map<string, { label: string; value: number }>();
  for (const b of bars) {
    if (b.metric !== 'killed') continue;
    const s = sums.get(b.period) ?? { label: b.periodLabel, value: 0 };
    s.value += b.value;
    sums.set(b.period, s);
  }
  let best: { label: string; value: number } | null = null;
  for (const s of sums.values()) if (!best || s.value > best.value) best = s;
  return best;
}

/** "2019"; "Jan 2019 – Mar 2019" for a run; several runs or periods joined with commas (at most five shown). */
function noDataText(labels: readonly string[]): string {
  return labels.length <= 5 ? labels.join(', ') : `${labels.length} periods, ${labels[0]} to ${labels[labels.length - 1]}`;
}
