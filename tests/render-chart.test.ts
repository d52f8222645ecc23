import { describe, expect, it } from 'vitest';
import { UserError } from '../src/core/user-error.ts';
import { GROUP_LABEL } from '../src/core/format.ts';
import { renderChart } from '../src/render/chart.ts';
import { autoStep, bucketIncidents, buildChartSpec, periodStart, type ChartStep } from '../src/render/chart-data.ts';
import { buildChartSvg, niceStep, type ChartLayout } from '../src/render/chart-svg.ts';
import { GROUP_COLOUR } from '../src/render/palette.ts';
import { decodePng, pixel, pngSize } from '../testkit/png.ts';
import type { IncidentSelection } from '../src/core/incident-selection.ts';
import { selectIncidents } from '../src/render/selection.ts';
import { FIXTURE_INCIDENTS, fixtureDataset } from './render-fixture.ts';

const ds = fixtureDataset();
const SUMMER: IncidentSelection = { placeId: 'syria', from: '2019-07-01', to: '2019-09-30', actorId: null };

function layoutFor(sel: IncidentSelection, step: ChartStep | null, data = ds): ChartLayout {
  return buildChartSvg(buildChartSpec(data, { ...sel, step, placeLabel: 'Syria', groupLabels: GROUP_LABEL }, selectIncidents(data, sel)));
}

function barsIn(svg: string) {
  return [
    ...svg.matchAll(
      /<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="(#[0-9A-F]{6})" data-period="([\d-]+)" data-metric="(killed|injured)" data-group="([a-z-]+)" data-value="(\d+)"/g,
    ),
  ].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    width: Number(m[3]),
    height: Number(m[4]),
    fill: m[5],
    period: m[6],
    metric: m[7],
    group: m[8],
    value: Number(m[9]),
  }));
}

describe('periods', () => {
  it('start on the first day of the year, the month, or the ISO week (Monday)', () => {
    expect(periodStart('2019-08-22', 'year')).toBe('2019-01-01');
    expect(periodStart('2019-08-22', 'month')).toBe('2019-08-01');
    expect(periodStart('2019-08-22', 'week')).toBe('2019-08-19'); // a Thursday -> its Monday
    expect(periodStart('2019-08-19', 'week')).toBe('2019-08-19');
    expect(periodStart('2019-01-01', 'week')).toBe('2018-12-31'); // the week crosses the year
  });

  it('default to weeks for a few months, months for a few years, then years', () => {
    expect(autoStep('2019-07-01', '2019-09-30')).toBe('week');
    expect(autoStep('2016-01-01', '2019-11-30')).toBe('month');
    expect(autoStep('1989-01-01', '2019-11-30')).toBe('year');
  });

  it('give every period a slot, and leave out incidents dated only to a span across periods', () => {
    const { buckets, spanning } = bucketIncidents(FIXTURE_INCIDENTS, '2019-07-01', '2019-09-30', 'month');
    expect(buckets.map((b) => b.label)).toEqual(['Jul 2019', 'Aug 2019', 'Sep 2019']);
    expect(buckets.map((b) => b.incidents)).toEqual([2, 2, 1]);
    expect(spanning).toEqual({ incidents: 1, killed: 6, injured: 0, killedGiven: 1, injuredGiven: 0 }); // s1: 25 Aug – 5 Sep; no injured figure
    // By year the span fits in one period and counts.
    const year = bucketIncidents(FIXTURE_INCIDENTS, '2019-07-01', '2019-09-30', 'year');
    expect(year.spanning.incidents).toBe(0);
    expect(year.buckets[0]!.killed.unknown).toBe(6);
    expect(bucketIncidents(FIXTURE_INCIDENTS, '2019-07-01', '2019-09-30', 'week').buckets).toHaveLength(14);
  });

  it('refuse more bars than can be read, suggesting a coarser step', () => {
    expect(() => bucketIncidents([], '1989-01-01', '2019-12-31', 'week')).toThrow(UserError);
    expect(() => bucketIncidents([], '1989-01-01', '2019-12-31', 'week')).toThrow(/by:month/);
  });

  it('have round axis steps', () => {
    expect(niceStep(34)).toBe(10);
    expect(niceStep(6)).toBe(2);
    expect(niceStep(112_350)).toBe(50_000);
    expect(niceStep(0)).toBe(1);
  });
});

describe('chart SVG for a fixed query (Syria, Jul–Sep 2019 by month, fixture data)', () => {
  const layout = layoutFor(SUMMER, 'month');
  const bars = barsIn(layout.svg);

  it('has one bar segment per period, metric and group with a figure', () => {
    expect(bars.map((b) => `${b.period} ${b.metric} ${b.group} ${b.value}`)).toEqual([
      '2019-07-01 killed security-forces 2',
      '2019-07-01 killed civilians 10',
      '2019-08-01 killed security-forces 4',
      '2019-08-01 killed militants 30',
      '2019-07-01 injured civilians 5',
      '2019-08-01 injured security-forces 1',
    ]);
    for (const b of bars) expect(b.fill).toBe(GROUP_COLOUR[b.group as keyof typeof GROUP_COLOUR]);
  });

  it('draws bars to scale inside their panel, stacked, in time order', () => {
    for (const metric of ['killed', 'injured'] as const) {
      const p = layout.panels[metric]!;
      const mine = bars.filter((b) => b.metric === metric);
      const scale = mine[0]!.height / mine[0]!.value;
      for (const b of mine) {
        expect(b.height / b.value).toBeCloseTo(scale, 1);
        expect(b.x).toBeGreaterThanOrEqual(p.x);
        expect(b.x + b.width).toBeLessThanOrEqual(p.x + p.width);
        expect(b.y).toBeGreaterThanOrEqual(p.y - 0.1);
        expect(b.y + b.height).toBeLessThanOrEqual(p.y + p.height + 0.1);
      }
      expect(scale).toBeCloseTo(p.height / p.max, 1);
    }
    expect(layout.panels.killed!.max).toBe(40); // 34 in August, axis step 10
    const [jul, , aug] = bars;
    expect(jul!.x).toBeLessThan(aug!.x);
    // Civilians sit on top of the security forces in July: the upper segment ends where the lower starts.
    expect(bars[1]!.y + bars[1]!.height).toBeCloseTo(bars[0]!.y, 0);
  });

  it('puts the totals in the title and the attribution right under it', () => {
    expect(layout.svg).toMatch(/<text x="16" y="32"[^>]*>Syria: 52 killed, 6 injured<\/text>/);
    const attr = /<text x="16" y="(\d+)"[^>]*class="attribution">Data: Test Source \(a fixture for the picture tests\)\.<\/text>/.exec(layout.svg);
    expect(attr).not.toBeNull();
    expect(Number(attr![1])).toBeLessThan(layout.panels.killed!.y);
  });

  it('says which figures are unknown and which incidents are not in the bars', () => {
    expect(layout.svg).toContain('Known figures only: no killed figure given for 1, no injured figure given for 3 of the 6 incidents.');
    expect(layout.svg).toContain('Not in the bars: 1 incident dated only to a span longer than one month (6 killed, injured not stated; in the totals above).');
  });

  it('has a legend for the groups in the bars only', () => {
    expect(layout.svg.match(/class="legend-group legend-[a-z-]+"/g)).toEqual([
      'class="legend-group legend-security-forces"',
      'class="legend-group legend-civilians"',
      'class="legend-group legend-militants"',
    ]);
  });

  it('replaces the injured panel with a sentence when no incident gives an injured figure', () => {
    const noInjured = fixtureDataset(
      FIXTURE_INCIDENTS.map((i) => ({ ...i, casualties: i.casualties.map((c) => ({ ...c, injured: null, killed: c.killed ?? 1 })) })),
    );
    const l = layoutFor(SUMMER, 'month', noInjured);
    expect(l.panels.injured).toBeUndefined();
    expect(barsIn(l.svg).every((b) => b.metric === 'killed')).toBe(true);
    expect(l.svg).toContain('Injured: no source gives an injured figure for these incidents');
  });
});

describe('chart PNG', () => {
  it('is a PNG of the SVG’s size whose bars are where the SVG put them', async () => {
    const { layout, png } = await renderChart(ds, { ...SUMMER, step: 'month', placeLabel: 'Syria', groupLabels: GROUP_LABEL }, selectIncidents(ds, SUMMER));
    expect(pngSize(png.data)).toEqual({ width: 1000, height: layout.height });
    const img = decodePng(png.data);
    const militants = layout.bars.find((b) => b.group === 'militants')!;
    const [r, g, b] = pixel(img, militants.x + militants.width / 2, militants.y + militants.height / 2);
    expect([r, g, b]).toEqual([0x00, 0x9e, 0x73]);
  });
});
