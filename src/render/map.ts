import type { Dataset } from '../core/dataset.ts';
import type { IncidentPage } from '../core/query-incidents.ts';
import { countries } from './boundaries.ts';
import { buildMapSpec, type MapRequest } from './map-data.ts';
import { buildMapSvg, type MapLayout } from './map-svg.ts';
import { svgToPngAsync, type Png } from './rasterize.ts';

export interface RenderedMap {
  layout: MapLayout;
  png: Png;
}

/** The map for a selection: spec from the data, SVG from the spec, PNG from the SVG. */
export async function renderMap(ds: Dataset, req: MapRequest, result: IncidentPage): Promise<RenderedMap> {
  const layout = buildMapSvg(buildMapSpec(ds, req, result), countries());
  return { layout, png: await svgToPngAsync(layout.svg) };
}
