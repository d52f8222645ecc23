/**
 * Pictures: time to render /map and /chart for Syria over the shipped data (every incident, all dates),
 * from the dataset to the PNG bytes — selection, spec, SVG, resvg rasterisation and PNG encoding.
 * Target: under 150 ms each (median). The first map of a process also loads the world-atlas outlines;
 * that cold render is reported on its own. Rasterisation runs as the bot runs it (resvg's renderAsync,
 * off the main thread), so the times are what a user waits, not main-thread time.
 */
import { availableParallelism, loadavg } from 'node:os';
import { loadDataset } from '../../src/data/load-dataset.ts';
import { GROUP_LABEL } from '../../src/core/format.ts';
import { countries } from '../../src/render/boundaries.ts';
import { buildChartSpec } from '../../src/render/chart-data.ts';
import { buildChartSvg } from '../../src/render/chart-svg.ts';
import { buildMapSpec } from '../../src/render/map-data.ts';
import { buildMapSvg } from '../../src/render/map-svg.ts';
import { clearTextCache, svgToPngAsync } from '../../src/render/rasterize.ts';
import { selectIncidents, type Selection } from '../../src/render/selection.ts';
import { percentile, table, type Suite } from '../suite.ts';

const RUNS = 15;
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const WARMUP = 3;

interface Timed {
  total: number;
  /** CPU time of the whole process (main thread and resvg's worker thread) during the render. */
  cpu: number;
  data: number;
  svg: number;
  png: number;
}

const suite: Suite = async () => {
  const ds = loadDataset();
  const sel: Selection = { placeId: 'syria', from: null, to: null };
  const placeLabel = ds.gazetteer.label('syria');

  const coldStart = performance.now();
  countries();
  const atlasLoad = performance.now() - coldStart;

  let info = { incidents: 0, markers: 0, bars: 0, mapSvg: 0, mapPng: 0, chartSvg: 0, chartPng: 0, mapH: 0, chartH: 0 };
  const map = async (): Promise<Timed> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = selectIncidents(ds, sel);
    const spec = buildMapSpec(ds, { ...sel, placeLabel, groupLabels: GROUP_LABEL }, result);
    const t1 = performance.now();
    const layout = buildMapSvg(spec, countries());
    const t2 = performance.now();
    const png = await svgToPngAsync(layout.svg);
    const t3 = performance.now();
    info = { ...info, incidents: result.total, markers: layout.markers.length, mapSvg: layout.svg.length, mapPng: png.data.length, mapH: png.height };
    return { total: t3 - t0, cpu: cpuMs(process.cpuUsage(c0)), data: t1 - t0, svg: t2 - t1, png: t3 - t2 };
  };
  const chart = async (): Promise<Timed> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = selectIncidents(ds, sel);
    const spec = buildChartSpec(ds, { ...sel, step: null, placeLabel, groupLabels: GROUP_LABEL }, result);
    const t1 = performance.now();
    const layout = buildChartSvg(spec);
    const t2 = performance.now();
    const png = await svgToPngAsync(layout.svg);
    const t3 = performance.now();
    info = { ...info, bars: new Set(layout.bars.map((b) => b.period)).size, chartSvg: layout.svg.length, chartPng: png.data.length, chartH: png.height };
    return { total: t3 - t0, cpu: cpuMs(process.cpuUsage(c0)), data: t1 - t0, svg: t2 - t1, png: t3 - t2 };
  };

  const firstMap = (await map()).total + atlasLoad;
  for (let i = 0; i < WARMUP; i++) {
    await map();
    await chart();
  }
  const maps: Timed[] = [];
  const charts: Timed[] = [];
  const coldMaps: Timed[] = [];
  const coldCharts: Timed[] = [];
  // Alternate so load from other processes affects all alike. The "no text cached" runs forget the
  // outlined texts first: the cost of a picture whose every word is new (the usual case is between:
  // legend, attribution and place labels repeat, the title and figures do not).
  for (let i = 0; i < RUNS; i++) {
    maps.push(await map());
    charts.push(await chart());
    clearTextCache();
    coldMaps.push(await map());
    clearTextCache();
    coldCharts.push(await chart());
  }
  const stat = (xs: Timed[], k: keyof Timed) => {
    const s = xs.map((x) => x[k]).sort((a, b) => a - b);
    return { median: percentile(s, 50), p90: percentile(s, 90), min: s[0]! };
  };
  const ms = (v: number) => v.toFixed(1);
  const row = (name: string, xs: Timed[]) => {
    const t = stat(xs, 'total');
    return [
      name,
      ms(t.median),
      ms(t.p90),
      ms(t.min),
      ms(stat(xs, 'cpu').median),
      ms(stat(xs, 'data').median),
      ms(stat(xs, 'svg').median),
      ms(stat(xs, 'png').median),
    ];
  };
  const m = stat(maps, 'total');
  const c = stat(charts, 'total');
  const mc = stat(coldMaps, 'total');
  const cc = stat(coldCharts, 'total');
  return {
    name: 'render',
    lines: [
      `Syria, all dates: ${info.incidents.toLocaleString('en-US')} incidents -> map of ${info.markers} markers (1000x${info.mapH}), chart of ${info.bars} bars (1000x${info.chartH}); ${RUNS} runs after ${WARMUP} warm-up, target < 150 ms median`,
      ...table([
        ['picture', 'median ms', 'p90 ms', 'min ms', 'cpu ms', 'data ms', 'svg ms', 'resvg+png ms'],
        row('map', maps),
        row('chart', charts),
        row('map, no text cached', coldMaps),
        row('chart, no text cached', coldCharts),
      ]),
      `first map in a fresh process (loads world-atlas 1:50m, ${ms(atlasLoad)} ms of it): ${ms(firstMap)} ms`,
      `sizes: map SVG ${(info.mapSvg / 1024).toFixed(0)} KiB -> PNG ${(info.mapPng / 1024).toFixed(0)} KiB; chart SVG ${(info.chartSvg / 1024).toFixed(0)} KiB -> PNG ${(info.chartPng / 1024).toFixed(0)} KiB`,
      `wall times are elapsed time and suffer from other processes (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs at the end); cpu ms is this process's CPU time per render, main thread and resvg's worker together`,
      `within target (median < 150 ms): map ${m.median < 150 ? 'yes' : 'NO'}, chart ${c.median < 150 ? 'yes' : 'NO'}; with no text cached: map ${mc.median < 150 ? 'yes' : 'NO'}, chart ${cc.median < 150 ? 'yes' : 'NO'}`,
    ],
    figures: {
      mapMedianMs: m.median,
      mapMinMs: m.min,
      mapCpuMedianMs: stat(maps, 'cpu').median,
      chartMinMs: c.min,
      chartCpuMedianMs: stat(charts, 'cpu').median,
      mapP90Ms: m.p90,
      chartMedianMs: c.median,
      chartP90Ms: c.p90,
      mapNoTextCacheMedianMs: mc.median,
      chartNoTextCacheMedianMs: cc.median,
      mapFirstMs: firstMap,
      atlasLoadMs: atlasLoad,
      incidents: info.incidents,
      mapMarkers: info.markers,
      chartBars: info.bars,
      mapPngBytes: info.mapPng,
      chartPngBytes: info.chartPng,
    },
  };
};

export default suite;
