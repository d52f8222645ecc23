import type { Place, PlaceKind, PlaceName } from '../schema/index.ts';
import { type MatchHow, NameIndex, type NameMatch } from './name-index.ts';
import { normalizeName } from './normalize-name.ts';
import { distanceKm, matchPlaceNames } from './place-names.ts';
import { spellingKey } from './transliteration.ts';

/**
 * What a typed place name means: one of our places (with the others of the same name a person may have
 * meant); a place an outside gazetteer knows but the dataset has no record of (a country it does not
 * cover, a town with no incident placed there by name); or nothing known, with suggestions.
 */
export type PlaceReading =
  | { kind: 'found'; id: string; how: MatchHow; others: string[] }
  | { kind: 'outside'; record: PlaceName; countryName: string | null; inCoveredCountry: boolean; nearby: string[] }
  | { kind: 'not-found'; suggestions: string[] };

/** Words that say which kind of place is meant: "raqqa city" is the city, "raqqa province" the province. */
const KIND_WORDS: Record<string, PlaceKind> = {
  city: 'city',
  town: 'city',
  village: 'city',
  province: 'province',
  governorate: 'province',
  muhafazat: 'province',
  district: 'district',
};
/** How far from a town we have no record of we look for places that do have records. */
const NEARBY_KM = 30;

/** For a name shared by several places, prefer the most specific kind a person is likely to mean. */
const KIND_RANK: Record<PlaceKind, number> = { city: 0, site: 1, province: 2, district: 3, region: 4, country: 5 };
/** Among suggestions for a partly typed name, larger areas first: "sal" offers Saladin before Salba. */
const KIND_WEIGHT: Record<PlaceKind, number> = { country: 5, province: 4, region: 3, district: 2, city: 1, site: 0 };

/** Places with their hierarchy: what lies inside what, and every name each is known by. */
export class Gazetteer {
  private readonly byId = new Map<string, Place>();
  private readonly children = new Map<string, string[]>();
  private readonly names: NameIndex;
  /** Outside gazetteer records that are none of our places, indexed on first use (see outsideIndex). */
  private readonly unmatched: readonly PlaceName[];
  private outside: Map<string, PlaceName[]> | null = null;
  private readonly isoNames = new Map<string, string>();
  private readonly countryCodes: Map<string, string>;

  /** `placeNames`: names from outside gazetteers (data/place-names/), matched to these places by name and distance. */
  constructor(places: readonly Place[], placeNames: readonly PlaceName[] = []) {
    for (const p of places) this.byId.set(p.id, p);
    for (const p of places) {
      if (!p.parentId) continue;
      const list = this.children.get(p.parentId) ?? [];
      list.push(p.id);
      this.children.set(p.parentId, list);
    }
    const matched = matchPlaceNames(places, placeNames);
    this.countryCodes = matched.countryCodes;
    for (const r of placeNames) if (r.kind === 'country') this.isoNames.set(r.country, commonName([r.name, ...r.names]));
    this.unmatched = matched.unmatched;
    this.names = new NameIndex(
      places.map((p) => ({
        id: p.id,
        names: [p.name, ...p.aliases],
        rank: KIND_RANK[p.kind],
        weight: KIND_WEIGHT[p.kind],
        otherNames: matched.otherNames.get(p.id),
        prominence: matched.population.get(p.id),
      })),
    );
  }

  get(id: string): Place | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<Place> {
    return this.byId.values();
  }

  /** The place and its ancestors, innermost first. */
  lineage(id: string): Place[] {
    const out: Place[] = [];
    for (let p = this.byId.get(id); p; p = p.parentId ? this.byId.get(p.parentId) : undefined) out.push(p);
    return out;
  }

  private readonly descendantCache = new Map<string, ReadonlySet<string>>();

  /** The place itself and everything inside it (computed once per place: the dataset never changes). */
  descendants(id: string): string[] {
    return [...this.descendantSet(id)];
  }

  descendantSet(id: string): ReadonlySet<string> {
    let set = this.descendantCache.get(id);
    if (!set) {
      const out = new Set<string>();
      const stack = [id];
      while (stack.length) {
        const cur = stack.pop()!;
        out.add(cur);
        stack.push(...(this.children.get(cur) ?? []));
      }
      this.descendantCache.set(id, (set = out));
    }
    return set;
  }

  /** The enclosing place of a given kind (the country of a city, the province of a site). */
  ancestorOfKind(id: string, kind: PlaceKind): Place | undefined {
    return this.lineage(id).find((p) => p.kind === kind);
  }

  country(id: string): Place | undefined {
    return this.ancestorOfKind(id, 'country');
  }

  /** "Sulaymaniyah, Kurdistan Region, Iraq" */
  label(id: string): string {
    const l = this.lineage(id);
    return l.length ? l.map((p) => p.name).join(', ') : id;
  }

  resolve(query: string): NameMatch {
    return this.names.resolve(query);
  }

  /** The countries the dataset has places in ("Iraq", "Syria"). */
  coveredCountries(): Place[] {
    return [...this.byId.values()].filter((p) => p.kind === 'country');
  }

  /**
   * What a typed place name means (see PlaceReading). A name of ours wins over an outside one, and an
   * outside name found exactly wins over a guessed typo ("beirut" is Beirut, not a village like it).
   */
  read(query: string): PlaceReading {
    const m = this.names.resolve(query);
    if (m.kind === 'found' && m.how !== 'typo') {
      const ids = [m.id, ...m.alternatives];
      const wanted = normalizeName(query)
        .split(' ')
        .map((w) => KIND_WORDS[w])
        .find(Boolean);
      const id = (wanted && ids.find((i) => this.byId.get(i)?.kind === wanted)) || m.id;
      return { kind: 'found', id, how: id === m.id ? m.how : 'spelling', others: ids.filter((i) => i !== id) };
    }
    const record = this.outsideIndex().get(spellingKey(normalizeName(query)))?.[0];
    if (record) {
      const inCoveredCountry = [...this.countryCodes.values()].includes(record.country);
      const ours = [...this.countryCodes.entries()].find(([, code]) => code === record.country)?.[0];
      const countryName = record.kind === 'country' ? null : ours ? this.byId.get(ours)!.name : (this.isoNames.get(record.country) ?? record.country);
      return { kind: 'outside', record, countryName, inCoveredCountry, nearby: inCoveredCountry ? this.nearby(record) : [] };
    }
    if (m.kind === 'found') return { kind: 'found', id: m.id, how: m.how, others: [] };
    return { kind: 'not-found', suggestions: m.suggestions };
  }

  /**
   * Names of places outside our records, by spelling key: built when a name is first not found among
   * our own, since most processes never need it and it is most of the outside names' cost.
   */
  private outsideIndex(): Map<string, PlaceName[]> {
    if (this.outside) return this.outside;
    const index = new Map<string, PlaceName[]>();
    for (const r of this.unmatched)
      for (const n of new Set([r.name, ...r.names].map((x) => spellingKey(normalizeName(x))))) {
        const list = index.get(n) ?? [];
        list.push(r);
        index.set(n, list);
      }
    // A country before a town, then the larger town: "georgia" is the country, "tripoli" the larger city.
    for (const list of index.values())
      list.sort((a, b) => Number(b.kind === 'country') - Number(a.kind === 'country') || (b.population ?? 0) - (a.population ?? 0));
    return (this.outside = index);
  }

  /** Our cities and sites within NEARBY_KM of an outside record, nearest first. */
  private nearby(r: PlaceName): string[] {
    if (!r.coordinates) return [];
    const c = r.coordinates;
    return [...this.byId.values()]
      .filter((p) => p.kind === 'city' || p.kind === 'site')
      .map((p) => ({ id: p.id, km: distanceKm(p.coordinates, c) }))
      .filter((x) => x.km <= NEARBY_KM)
      .sort((a, b) => a.km - b.km)
      .map((x) => x.id);
  }

  suggest(query: string, limit: number): string[] {
    return this.names.suggest(query, limit);
  }
}

/** The everyday name among a country's ISO names: the shortest that is neither an abbreviation nor inverted ("Iran", not "Islamic Republic of Iran", "US" or "Korea, Republic of"). */
function commonName(names: string[]): string {
  const plain = names.filter((n) => !n.includes(',') && !/^[A-Z.]+$/.test(n));
  return (plain.length ? plain : names).reduce((a, b) => (b.length < a.length ? b : a));
}
