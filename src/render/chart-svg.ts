import type { CasualtyGroup } from '../schema/index.ts';
import { FONT_FAMILY, fitText, textWidth, wrapText } from './fonts.ts';
import { GROUP_COLOUR, INK, MUTED } from './palette.ts';
import { el, text, thousands } from './svg.ts';

export interface ChartBucket {
  /** First day of the period (ISO). */
  start: string;
  label: string;
  killed: Record<CasualtyGroup, number>;
  injured: Record<CasualtyGroup, number>;
  incidents: number;
  /** No systematic source covers any day of the period: drawn shaded as "no data", never read as 0. */
  noData?: boolean;
  /** Incidents in the bar that give an injured figure (absent: not counted). None: "not stated", not 0. */
  injuredGiven?: number;
  /** A period covered in part: the days no systematic source covers (its bar may be low for that reason). */
  uncovered?: readonly { from: string; to: string }[];
}

export interface ChartSpec {
  /** With the totals: "Syria: 13 killed, 0 injured". */
  title: string;
  /** Attribution sentences, right under the title. */
  attribution: readonly string[];
  /** Count, step, period and what the figures leave out. */
  notes: readonly string[];
  buckets: readonly ChartBucket[];
  /** Whether any incident gives an injured figure; if none does, the injured panel says so instead. */
  injuredKnown: boolean;
  step: 'week' | 'month' | 'year';
  groupLabels: Record<CasualtyGroup, string>;
}

export interface PlacedBar {
  period: string;
  periodLabel: string;
  metric: 'killed' | 'injured';
  group: CasualtyGroup;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartLayout {
  svg: string;
  width: number;
  height: number;
  step: ChartSpec['step'];
  /** The plot areas (killed above, injured below; no injured panel when no figure is known). */
  panels: Partial<Record<'killed' | 'injured', { x: number; y: number; width: number; height: number; max: number }>>;
  bars: PlacedBar[];
  /** Labels of the periods drawn as "no data" (no systematic source covers them). */
  noData: string[];
  /** Labels of the periods a systematic source covers only in part. */
  partlyCovered: string[];
}

export const CHART_WIDTH = 1000;
const PAD = 16;
const LEFT = 76;
const PANEL_H = 190;
const GAP = 34;
const ORDER: CasualtyGroup[] = ['security-forces', 'civilians', 'militants', 'armed-groups', 'unknown'];

/** Tick step for an axis from 0 to `max` with about `count` ticks: 1, 2 or 5 times a power of ten. */
export function niceStep(max: number, count = 4): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return Math.max(1, (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p);
}

export function buildChartSvg(spec: ChartSpec): ChartLayout {
  const W = CHART_WIDTH;
  const parts: string[] = [];
  let y = 32;
  const head: string[] = [text(PAD, y, fitText(spec.title, 22, W - PAD * 2, true), { 'font-size': 22, 'font-weight': 'bold', fill: INK })];
  y += 8;
  const attrLines = spec.attribution.flatMap((s) => wrapText(s, 12, W - PAD * 2)).slice(0, 4);
  for (const line of attrLines) {
    y += 16;
    head.push(text(PAD, y, line, { 'font-size': 12, fill: MUTED, class: 'attribution' }));
  }
  y += 8;
  for (const note of spec.notes) {
    y += 20;
    head.push(text(PAD, y, fitText(note, 14, W - PAD * 2), { 'font-size': 14, fill: INK }));
  }

  // Legend: the groups that appear in any bar.
  y += 26;
  const present = ORDER.filter((g) => spec.buckets.some((b) => b.killed[g] > 0 || b.injured[g] > 0));
  let lx = LEFT;
  const legend: string[] = [];
  for (const g of present) {
    const label = spec.groupLabels[g];
    legend.push(
      `<g class="legend-group legend-${g}">${el('rect', { x: lx, y: y - 11, width: 14, height: 14, fill: GROUP_COLOUR[g] })}${text(lx + 20, y + 1, label, { 'font-size': 14, fill: INK })}</g>`,
    );
    lx += 20 + textWidth(label, 14) + 22;
  }
  y += 30;

  const plotX = LEFT;
  const plotW = W - LEFT - PAD - 8;
  const n = Math.max(1, spec.buckets.length);
  const slot = plotW / n;
  const barW = Math.min(64, Math.max(1, slot * (slot > 6 ? 0.78 : 0.9)));
  const bars: PlacedBar[] = [];
  const panels = {} as ChartLayout['panels'];
  const body: string[] = [];
  for (const metric of spec.injuredKnown ? (['killed', 'injured'] as const) : (['killed'] as const)) {
    const py = y + 10;
    const totals = spec.buckets.map((b) => ORDER.reduce((s, g) => s + b[metric][g], 0));
    const dataMax = Math.max(0, ...totals);
    const step = niceStep(dataMax);
    const max = Math.max(step, Math.ceil(dataMax / step) * step);
    panels[metric] = { x: plotX, y: py, width: plotW, height: PANEL_H, max };
    const sy = (v: number) => py + PANEL_H - (v / max) * PANEL_H;
    body.push(text(plotX, py - 6, metric === 'killed' ? 'Killed' : 'Injured (where known)', { 'font-size': 15, 'font-weight': 'bold', fill: INK }));
    for (let t = 0; t <= max + 1e-9; t += step) {
      body.push(el('line', { x1: plotX, x2: plotX + plotW, y1: sy(t), y2: sy(t), stroke: t === 0 ? '#555555' : '#E2E2E2', 'stroke-width': 1 }));
      body.push(text(plotX - 8, sy(t) + 4, thousands(t), { 'font-size': 12, fill: MUTED, 'text-anchor': 'end' }));
    }
    // Periods no systematic source covers: a hatched band behind the bars, labelled once per run.
    spec.buckets.forEach((b, i) => {
      if (!b.noData) return;
      body.push(
        el(
          'rect',
          { class: 'no-data', x: plotX + i * slot, y: py, width: slot, height: PANEL_H, fill: 'url(#no-data)', 'data-period': b.start },
          `<title>${b.label}: no data (no systematic source covers it)</title>`,
        ),
      );
      if (i === 0 || !spec.buckets[i - 1]!.noData)
        body.push(text(plotX + i * slot + 3, py + 14, 'no data', { 'font-size': 12, fill: MUTED, class: 'no-data-label' }));
    });
    // Periods with incidents of which none gives an injured figure: marked "not stated", so an empty
    // slot is not read as no one injured (UCDP GED records deaths only).
    if (metric === 'injured') {
      const notStated = (b: ChartBucket | undefined) => !!b && !b.noData && b.incidents > 0 && b.injuredGiven === 0;
      const labels: string[] = [];
      spec.buckets.forEach((b, i) => {
        if (!notStated(b)) return;
        body.push(
          el(
            'rect',
            { class: 'not-stated', x: plotX + i * slot, y: py, width: slot, height: PANEL_H, fill: 'url(#not-stated)', 'data-period': b.start },
            `<title>${b.label}: injured not stated (no incident there gives an injured figure)</title>`,
          ),
        );
        if (!notStated(spec.buckets[i - 1]))
          labels.push(text(plotX + i * slot + 3, py + 14, 'not stated', { 'font-size': 12, fill: MUTED, class: 'not-stated-label' }));
      });
      body.push(...labels); // after every band, so the next band does not cover a label
    }
    spec.buckets.forEach((b, i) => {
      let acc = 0;
      const x = plotX + i * slot + (slot - barW) / 2;
      for (const g of ORDER) {
        const v = b[metric][g];
        if (v <= 0) continue;
        const top = sy(acc + v);
        const h = sy(acc) - top;
        acc += v;
        bars.push({ period: b.start, periodLabel: b.label, metric, group: g, value: v, x, y: top, width: barW, height: h });
        body.push(
          el(
            'rect',
            {
              class: 'bar',
              x,
              y: top,
              width: barW,
              height: h,
              fill: GROUP_COLOUR[g],
              'data-period': b.start,
              'data-metric': metric,
              'data-group': g,
              'data-value': v,
            },
            `<title>${b.label}: ${thousands(v)} ${spec.groupLabels[g]} ${metric}</title>`,
          ),
        );
      }
    });
    y = py + PANEL_H + GAP;
  }

  // Period labels under the lower panel, thinned so they never overlap.
  const lower = panels.injured ?? panels.killed!;
  const axisY = lower.y + PANEL_H + 18;
  const labelW = Math.max(...spec.buckets.map((b) => textWidth(b.label, 12))) + 10;
  const every = Math.max(1, Math.ceil(labelW / slot));
  const axis: string[] = [];
  spec.buckets.forEach((b, i) => {
    if (i % every) return;
    const cx = plotX + i * slot + slot / 2;
    axis.push(el('line', { x1: cx, x2: cx, y1: axisY - 18, y2: axisY - 13, stroke: '#555555' }));
    axis.push(text(cx, axisY, b.label, { 'font-size': 12, fill: INK, 'text-anchor': 'middle' }));
  });
  let H = Math.ceil(axisY + 16);
  if (!spec.injuredKnown) {
    axis.push(
      text(plotX, axisY + 34, 'Injured: no source gives an injured figure for these incidents, so there is no injured panel.', {
        'font-size': 14,
        fill: INK,
        class: 'no-injured',
      }),
    );
    H += 36;
  }
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT_FAMILY}">`,
    '<defs><pattern id="no-data" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#F1F1F1"/><line x1="0" y1="0" x2="0" y2="8" stroke="#C8C8C8" stroke-width="3"/></pattern>' +
      '<pattern id="not-stated" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#FAFAFA"/><circle cx="3" cy="3" r="0.9" fill="#C8C8C8"/></pattern></defs>',
    el('rect', { width: W, height: H, fill: '#FFFFFF' }),
    ...head,
    `<g class="legend">${legend.join('')}</g>`,
    `<g class="plot">${body.join('')}</g>`,
    `<g class="axis">${axis.join('')}</g>`,
    '</svg>',
  );
  return {
    svg: parts.join(''),
    width: W,
    height: H,
    step: spec.step,
    panels,
    bars,
    noData: spec.buckets.filter((b) => b.noData).map((b) => b.label),
    partlyCovered: spec.buckets.filter((b) => b.uncovered?.length).map((b) => b.label),
  };
}
