import type { Dataset } from '../../../src/core/dataset.ts';
import type { ChartLayout } from '../../../src/render/chart-svg.ts';
import type { ReplyPayload } from '../payload.ts';
import { countLine, pictureReply, type PictureSubject } from '../picture-reply.ts';

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

/** /chart: the picture, and a summary saying what it shows and its peak (also its alt text). */
export function chartReply(ds: Dataset, subject: PictureSubject, layout: ChartLayout, png: Buffer): ReplyPayload {
  const { result, label, who, period } = subject;
  const step = layout.step;
  const peak = peakPeriod(layout.bars);
  const summary =
    `Chart of killed and injured${who} in ${label} by ${step}, ${period}: ${countLine(result)}` +
    `${peak ? `; most killed in ${step === 'week' ? 'the week of ' : ''}${peak.label} (${peak.value.toLocaleString('en-US')})` : ''}` +
    // Said in words too (the summary is the picture's alt text): shaded periods are no data, not zero.
    `${layout.noData.length ? `; no data (no systematic source covers it, shaded): ${noDataText(layout.noData)}` : ''}` +
    `${layout.partlyCovered.length ? `; covered only in part (its bar may be low for that reason): ${noDataText(layout.partlyCovered)}` : ''}.`;
  return pictureReply(ds, { fileName: 'chart.png', png, title: `Killed and injured in ${label}${who}`, summary, result, boundaries: false });
}

/** "2019"; several periods joined with commas (at most five shown, else the count and the ends). */
function noDataText(labels: readonly string[]): string {
  return labels.length <= 5 ? labels.join(', ') : `${labels.length} periods, ${labels[0]} to ${labels[labels.length - 1]}`;
}
