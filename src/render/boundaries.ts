import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoBounds } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

/**
 * Country outlines from the world-atlas npm package (ISC licence; the shapes are Natural Earth's
 * 1:50m admin-0 countries, public domain). Loaded once per process and kept: converting the TopoJSON
 * is the slow part, drawing a frame of it is cheap.
 */
export const BOUNDARY_ATTRIBUTION = 'Boundaries: Natural Earth (via world-atlas)';

export interface Country {
  name: string;
  feature: Feature<Geometry, { name: string }>;
  /** [[west, south], [east, north]] in degrees; west > east when it crosses the antimeridian. */
  bounds: [[number, number], [number, number]];
}

let cache: Country[] | null = null;

export function countries(): Country[] {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const topo = JSON.parse(readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8')) as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  const fc = feature(topo, topo.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  cache = fc.features.map((f) => ({ name: f.properties.name, feature: f, bounds: geoBounds(f) }));
  return cache;
}

/** The country whose name (or one of the given names) matches, ignoring case. */
export function findCountry(names: readonly string[]): Country | undefined {
  const wanted = new Set(names.map((s) => s.toLowerCase()));
  return countries().find((c) => wanted.has(c.name.toLowerCase()));
}
