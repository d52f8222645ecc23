import { killedInjuredPhrase } from '../core/format.ts';
import type { Dataset } from '../core/dataset.ts';
import type { IncidentPage } from '../core/query-incidents.ts';
import { CASUALTY_GROUPS, type CasualtyGroup, type Incident, type Place } from '../schema/index.ts';
import { BOUNDARY_ATTRIBUTION, findCountry } from './boundaries.ts';
import { casualtyLabel, type GeoFrame, type MapLabel, type MapMarker, type MapSpec } from './map-svg.ts';
import { dataAttribution, periodLabel, shortPlaceName, type Selection } from './selection.ts';
import { thousands } from './svg.ts';

/** Precisions whose point stands for an area or a line, not the event's spot (see LocationPrecision). */
const APPROXIMATE = new Set(['district', 'province', 'feature', 'country', 'water']);

/** Smallest frame (degrees of latitude) around a place of each kind, so a single point is not a 0° map. */
const MIN_SPAN: Record<Place['kind'], number> = { country: 6, region: 4, province: 2.5, district: 1.5, city: 0.8, site: 0.8 };

const G = CASUALTY_GROUPS.length;

interface Acc {
  lon: number;
  lat: number;
  approximate: boolean;
  value: number;
  /** Killed + injured per group, in CASUALTY_GROUPS order. */
  byGroup: Float64Array;
  /** The first group with a stated figure (even 0); null while no incident here states any figure. */
  firstGroup: CasualtyGroup | null;
  incidents: number;
  placeIds: string[];
}

/** What one pass over the incidents yields: markers per location, and weight per place for labels. */
export interface Aggregate {
  markers: MapMarker[];
  /** Incidents + casualties per placeId (the incident's own place, not its ancestors). */
  placeWeight: Map<string, number>;
}

/**
 * One marker per location: incidents recorded at the same point (to 0.01°, about a kilometre) with
 * the same precision share a marker sized by their summed killed + injured. With a few incidents that
 * is one marker per incident; with thousands it keeps the map readable (the SVG step also merges
 * locations closer than a few pixels).
 */
export function aggregate(ds: Dataset, incidents: readonly Incident[]): Aggregate {
  const acc = new Map<number, Acc>();
  const placeWeight = new Map<string, number>();
  for (const inc of incidents) {
    let v = 0;
    for (const cas of inc.casualties) v += (cas.killed ?? 0) + (cas.injured ?? 0);
    placeWeight.set(inc.placeId, (placeWeight.get(inc.placeId) ?? 0) + 1 + v);
    const c = inc.location.coordinates ?? ds.gazetteer.get(inc.placeId)?.coordinates;
    if (!c) continue;
    const approximate = APPROXIMATE.has(inc.location.precision);
    // A number, not a string: no allocation per incident. lon*100 in [-18000, 18000], lat*100 in [-9000, 9000].
    const key = (approximate ? 1 : 0) + 2 * (Math.round(c.lat * 100) + 9000) + 40_000 * (Math.round(c.lon * 100) + 18_000);
    let a = acc.get(key);
    if (!a) acc.set(key, (a = { lon: c.lon, lat: c.lat, approximate, value: 0, byGroup: new Float64Array(G), firstGroup: null, incidents: 0, placeIds: [] }));
    a.incidents++;
    if (a.placeIds.length < 3 && !a.placeIds.includes(inc.placeId)) a.placeIds.push(inc.placeId);
    a.value += v;
    for (const cas of inc.casualties) {
      if (cas.killed === null && cas.injured === null) continue; // no figure: says nothing about colour or count
      const gi = CASUALTY_GROUPS.indexOf(cas.group);
      a.byGroup[gi] = a.byGroup[gi]! + (cas.killed ?? 0) + (cas.injured ?? 0);
      a.firstGroup ??= cas.group;
    }
  }
  const markers: MapMarker[] = [];
  for (const a of acc.values()) {
    let group = a.firstGroup;
    let best = 0;
    const byGroup: Partial<Record<CasualtyGroup, number>> = {};
    CASUALTY_GROUPS.forEach((g, gi) => {
      const v = a.byGroup[gi]!;
      if (v > 0) byGroup[g] = v;
      if (v > best) [group, best] = [g, v];
    });
    const names = a.placeIds.map((id) => ds.gazetteer.get(id)?.name ?? id);
    const where = names.length > 2 ? `${names.slice(0, 2).join(', ')} and more` : names.join(', ');
    markers.push({
      lon: a.lon,
      lat: a.lat,
      approximate: a.approximate,
      value: a.value,
      group,
      byGroup,
      incidents: a.incidents,
      label: `${where}${a.approximate ? ' (area only)' : ''}: ${a.incidents} incident${a.incidents === 1 ? '' : 's'}, ${casualtyLabel(a.value, group !== null)}`,
    });
  }
  return { markers, placeWeight };
}

/** The area to show: the asked country's outline, or the asked place and its incidents with a margin. */
export function mapFrame(ds: Dataset, placeId: string, markers: readonly MapMarker[]): { frame: GeoFrame; focusCountries: string[] } {
  const place = ds.gazetteer.get(placeId);
  const country = ds.gazetteer.country(placeId);
  const focusCountries = country ? [country.name] : [];
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const add = (lon: number, lat: number) => {
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  };
  const outline = place?.kind === 'country' ? findCountry([place.name, ...place.aliases]) : undefined;
  if (outline) {
    const [[w, s], [e, nn]] = outline.bounds;
    add(w, s);
    add(e, nn);
  }
  if (place) add(place.coordinates.lon, place.coordinates.lat);
  for (const m of markers) add(m.lon, m.lat);
  if (!Number.isFinite(west)) add(0, 0);
  const min = MIN_SPAN[place?.kind ?? 'country'];
  const midLon = (west + east) / 2;
  const midLat = (south + north) / 2;
  const halfLat = Math.max((north - south) / 2, min / 2) * (outline ? 1.04 : 1.15);
  const halfLon = Math.max((east - west) / 2, min / 2) * (outline ? 1.04 : 1.15);
  return {
    frame: { west: midLon - halfLon, east: midLon + halfLon, south: Math.max(-85, midLat - halfLat), north: Math.min(85, midLat + halfLat) },
    focusCountries,
  };
}

/**
 * Labels for the main provinces and cities: the asked place, then those with the most incidents and
 * casualties in the selection (a province counts everything inside it).
 */
export function mapLabels(ds: Dataset, placeId: string, placeWeight: ReadonlyMap<string, number>): MapLabel[] {
  const score = new Map<string, number>();
  for (const [id, w] of placeWeight)
    for (const p of ds.gazetteer.lineage(id)) if (p.kind === 'city' || p.kind === 'province') score.set(p.id, (score.get(p.id) ?? 0) + w);
  const asked = ds.gazetteer.get(placeId);
  const ids = [...score.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  if (asked && (asked.kind === 'city' || asked.kind === 'province' || asked.kind === 'site' || asked.kind === 'district')) ids.unshift(asked.id);
  const out: MapLabel[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const p = ds.gazetteer.get(id);
    if (!p) continue;
    out.push({ name: shortPlaceName(p.name), lon: p.coordinates.lon, lat: p.coordinates.lat, kind: p.kind === 'city' || p.kind === 'site' ? 'city' : 'area' });
  }
  // A province named after its capital ("Raqqa") is labelled by the city, which marks a real point.
  const cities = new Set(out.filter((l) => l.kind === 'city').map((l) => l.name.toLowerCase()));
  return out.filter((l) => l.kind === 'city' || !cities.has(l.name.toLowerCase()));
}

/**
 * Cities in the frame with no incident in the selection, for orientation on a close-up (a city map
 * would otherwise be one marker on a blank page): the ones with the most incidents in the whole
 * dataset first, as a stand-in for how well known they are.
 */
export function contextLabels(ds: Dataset, frame: GeoFrame, taken: readonly MapLabel[], max = 30): MapLabel[] {
  const names = new Set(taken.map((l) => l.name.toLowerCase()));
  const out: { label: MapLabel; weight: number }[] = [];
  for (const p of ds.gazetteer.all()) {
    if (p.kind !== 'city') continue;
    const { lon, lat } = p.coordinates;
    if (lon < frame.west || lon > frame.east || lat < frame.south || lat > frame.north) continue;
    const name = shortPlaceName(p.name);
    if (names.has(name.toLowerCase())) continue;
    out.push({ label: { name, lon, lat, kind: 'context' }, weight: ds.incidents.forPlace(p.id)?.length ?? 0 });
  }
  return out
    .sort((a, b) => b.weight - a.weight || (a.label.name < b.label.name ? -1 : 1))
    .slice(0, max)
    .map((x) => x.label);
}

export interface MapRequest extends Selection {
  /** "Homs, Homs Governorate, Syria" */
  placeLabel: string;
  actorName?: string | null;
  groupLabels: Record<CasualtyGroup, string>;
}

/** Everything the map shows, from the selection's incidents. Pure: same data in, same picture out. */
export function buildMapSpec(ds: Dataset, req: MapRequest, result: IncidentPage): MapSpec {
  const incidents = result.incidents;
  const { markers, placeWeight } = aggregate(ds, incidents);
  const { frame, focusCountries } = mapFrame(ds, req.placeId, markers);
  const main = mapLabels(ds, req.placeId, placeWeight);
  const labels = [...main, ...contextLabels(ds, frame, main)];
  const approx = markers.filter((m) => m.approximate).length;
  const facts = [
    `${thousands(result.total)} incident${result.total === 1 ? '' : 's'} at ${thousands(markers.length)} location${markers.length === 1 ? '' : 's'}${approx ? `, ${thousands(approx)} of them known only to an area` : ''}.`,
    `${killedInjuredPhrase(result)}.`,
  ];
  if (result.withoutFigures > 0)
    facts.push(`Known figures only: ${thousands(result.withoutFigures)} incident${result.withoutFigures === 1 ? ' leaves' : 's leave'} some open.`);
  return {
    title: `Incidents in ${req.placeLabel}${req.actorName ? ` involving ${req.actorName}` : ''}`,
    subtitle: `${periodLabel(req, incidents)} · ${thousands(result.total)} incident${result.total === 1 ? '' : 's'} at ${thousands(markers.length)} location${markers.length === 1 ? '' : 's'}`,
    frame,
    focusCountries,
    markers,
    labels,
    groupLabels: req.groupLabels,
    facts,
    attribution: [dataAttribution(ds, incidents), `${BOUNDARY_ATTRIBUTION}. Map: incident-bot.`],
  };
}
