import type { Place, PlaceName } from '../schema/index.ts';
import { coreName, normalizeName } from './normalize-name.ts';
import { spellingKey } from './transliteration.ts';

/** A town of an outside gazetteer is one of our places when a name agrees and they lie this close. */
const SAME_PLACE_KM = 20;

export interface MatchedNames {
  /** Our place id -> the outside gazetteer's names for it ("Fallujah", "Falluja", …). */
  otherNames: Map<string, string[]>;
  /** Our place id -> the largest population the outside gazetteer gives it. */
  population: Map<string, number>;
  /** ISO 3166 code of each of our countries, found by name ("Iraq" -> IQ). */
  countryCodes: Map<string, string>;
  /** Outside names that are none of our places: countries we do not cover, towns we have no record of. */
  unmatched: PlaceName[];
}

const keysOf = (names: string[]) => new Set(names.map((n) => spellingKey(coreName(n) || normalizeName(n))).filter(Boolean));

/**
 * Pairs outside gazetteer records with our places: a country by its names; a town with the nearest of
 * our cities and sites in the same country that shares a spelling of a name and lies within
 * SAME_PLACE_KM (GED places are mostly GeoNames places, so the distance is usually nil). Pure.
 */
export function matchPlaceNames(places: readonly Place[], names: readonly PlaceName[]): MatchedNames {
  const out: MatchedNames = { otherNames: new Map(), population: new Map(), countryCodes: new Map(), unmatched: [] };
  const byId = new Map(places.map((p) => [p.id, p]));
  const countryOf = (p: Place): Place | undefined => {
    for (let cur: Place | undefined = p; cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined) if (cur.kind === 'country') return cur;
    return undefined;
  };
  const bySpelling = new Map<string, Place[]>();
  for (const p of places) {
    if (p.kind !== 'city' && p.kind !== 'site' && p.kind !== 'country') continue;
    for (const k of keysOf([p.name, ...p.aliases])) {
      const list = bySpelling.get(k) ?? [];
      list.push(p);
      bySpelling.set(k, list);
    }
  }
  for (const r of names) {
    if (r.kind !== 'country') continue;
    const ours = [...keysOf([r.name, ...r.names])].flatMap((k) => bySpelling.get(k) ?? []).find((p) => p.kind === 'country');
    if (ours) {
      out.countryCodes.set(ours.id, r.country);
      add(out.otherNames, ours.id, [r.name, ...r.names]);
    } else out.unmatched.push(r);
  }
  const covered = new Set(out.countryCodes.values());
  const codeOf = (p: Place) => {
    const c = countryOf(p);
    return c ? out.countryCodes.get(c.id) : undefined;
  };
  for (const r of names) {
    if (r.kind === 'country') continue;
    if (!covered.has(r.country) || !r.coordinates) {
      out.unmatched.push(r);
      continue;
    }
    let best: { p: Place; km: number } | null = null;
    for (const k of keysOf([r.name, ...r.names]))
      for (const p of bySpelling.get(k) ?? []) {
        if (p.kind === 'country' || codeOf(p) !== r.country) continue;
        const km = distanceKm(p.coordinates, r.coordinates);
        if (km <= SAME_PLACE_KM && (!best || km < best.km || (km === best.km && p.kind === 'city'))) best = { p, km };
      }
    // Transliterations that differ beyond the spelling key (Halabja / Ḩalabchah): the same start, and
    // practically the same spot.
    if (!best) best = nearbyNamesake(r, keysOf([r.name, ...r.names]), places, codeOf);
    if (!best) {
      out.unmatched.push(r);
      continue;
    }
    add(out.otherNames, best.p.id, [r.name, ...r.names]);
    if (r.population) out.population.set(best.p.id, Math.max(out.population.get(best.p.id) ?? 0, r.population));
  }
  return out;
}

/** Within this distance, a name that starts the same way (4 letters of the spelling key) is the same place. */
const NAMESAKE_KM = 5;

function nearbyNamesake(r: PlaceName, keys: Set<string>, places: readonly Place[], codeOf: (p: Place) => string | undefined): { p: Place; km: number } | null {
  const c = r.coordinates!;
  const starts = new Set([...keys].filter((k) => k.length >= 4).map((k) => k.slice(0, 4)));
  let best: { p: Place; km: number } | null = null;
  for (const p of places) {
    if (p.kind !== 'city' || Math.abs(p.coordinates.lat - c.lat) > 0.05 || Math.abs(p.coordinates.lon - c.lon) > 0.06) continue;
    const km = distanceKm(p.coordinates, c);
    if (km > NAMESAKE_KM || (best && km >= best.km) || codeOf(p) !== r.country) continue;
    if ([...keysOf([p.name, ...p.aliases])].some((k) => starts.has(k.slice(0, 4)))) best = { p, km };
  }
  return best;
}

function add(m: Map<string, string[]>, id: string, names: string[]) {
  const list = m.get(id) ?? [];
  list.push(...names);
  m.set(id, list);
}

/** Great-circle distance (haversine), in km. */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}
