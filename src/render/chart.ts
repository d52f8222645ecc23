import type { Dataset } from '../core/dataset.ts';
import type { IncidentPage } from '../core/query-incidents.ts';
import { buildChartSpec, type ChartRequest } from './chart-data.ts';
import { buildChartSvg, type ChartLayout } from './chart-svg.ts';
import { svgToPngAsync, type Png } from './rasterize.ts';

export interface RenderedChart {
  layout: ChartLayout;
  png: Png;
}

/** The chart for a selection: spec from the data, SVG from the spec, PNG from the SVG. */
export async function renderChart(ds: Dataset, req: ChartRequest, result: IncidentPage): Promise<RenderedChart> {
  const layout = buildChartSvg(buildChartSpec(ds, req, result));
  return { layout, png: await svgToPngAsync(layout.svg) };
}
