import { normalizeName } from '../core/normalize-name.ts';
import type { Coordinates, Place, PlaceKind } from '../schema/index.ts';
import { GED_PROVINCES } from './ged-provinces.ts';
import type { GedRow } from './ged-row.ts';
import { slugify } from './slug.ts';

const COUNTRY_ID: Record<GedRow['country'], string> = { Iraq: 'iraq', Syria: 'syria' };
const SETTLEMENT = /\s+(town|city|village|suburb)$/i;

/**
 * Where a row's event is: which kind of place and the key that identifies it among GED's names.
 * A named location is keyed by its province and its point as well as its name: GED has villages of
 * the same name in different provinces (Al Mashāhidah in Diyala and in Saladin), each its own place.
 * `point` is null for a linear or fuzzy feature (a road, a river, a border, "Northern Iraq") or a body
 * of water (where_prec 5 and 7): one feature, whatever point GED gives each row on it.
 */
export type PlaceRef =
  | { level: 'country'; country: string }
  | { level: 'province'; country: string; adm1: string }
  | { level: 'district'; country: string; adm1: string; adm2: string }
  | { level: 'location'; country: string; province: string; name: string; point: string | null };

/** GED spells some provinces two ways (Kirkūk, At-Ta'mim): one key per province we build. */
const provinceKeyOf = (adm1: string) => (adm1 ? (GED_PROVINCES[adm1]?.id ?? adm1) : '');

/** where_prec 5 (a linear or fuzzy feature) and 7 (water or airspace): no single spot. */
export const isFeaturePrecision = (wherePrec: number) => wherePrec === 5 || wherePrec === 7;

export function placeRefOf(r: GedRow): PlaceRef {
  const w = r.where_coordinates;
  if (w === r.country) return { level: 'country', country: r.country };
  if (w && w === r.adm_1) return { level: 'province', country: r.country, adm1: r.adm_1 };
  if (w && r.adm_1 && w === r.adm_2) return { level: 'district', country: r.country, adm1: r.adm_1, adm2: r.adm_2 };
  if (w)
    return {
      level: 'location',
      country: r.country,
      province: provinceKeyOf(r.adm_1),
      name: w,
      point: isFeaturePrecision(r.where_prec) ? null : `${r.latitude},${r.longitude}`,
    };
  if (r.adm_1 && r.adm_2) return { level: 'district', country: r.country, adm1: r.adm_1, adm2: r.adm_2 };
  if (r.adm_1) return { level: 'province', country: r.country, adm1: r.adm_1 };
  return { level: 'country', country: r.country };
}

/** A district's name for grouping GED's spellings of it: no "Qaḑā’", "district", article, or final h. */
function districtKey(adm2: string): string {
  return normalizeName(adm2)
    .replace(/^qada /, '')
    .replace(/ district$/, '')
    .split(' ')
    .filter((w) => !['al', 'as', 'ash', 'ad', 'an', 'ar', 'at', 'az', 'el'].includes(w))
    .map((w) => w.replace(/h$/, ''))
    .join(' ');
}

const locationGroupKey = (ref: { country: string; province: string; name: string }) => `${ref.country}|${ref.province}|${ref.name}`;

class Counter<K> {
  readonly m = new Map<K, number>();
  add(k: K) {
    this.m.set(k, (this.m.get(k) ?? 0) + 1);
  }
  /** The most frequent key; ties go to the smallest key as a string (deterministic). */
  top(): K | undefined {
    let best: K | undefined;
    let n = -1;
    for (const [k, c] of this.m) if (c > n || (c === n && String(k) < String(best))) [best, n] = [k, c];
    return best;
  }
}

interface Agg {
  rows: number;
  /** Points of rows placed exactly at this place (GED's point for the place itself). */
  ownPoints: Counter<string>;
  sumLat: number;
  sumLon: number;
  parents: Counter<string>;
  precs: Counter<number>;
}
const agg = (): Agg => ({ rows: 0, ownPoints: new Counter(), sumLat: 0, sumLon: 0, parents: new Counter(), precs: new Counter() });

const round = (x: number) => Math.round(x * 1e4) / 1e4;

function mergeAgg(a: Agg, b: Agg): Agg {
  const out = agg();
  for (const x of [a, b]) {
    out.rows += x.rows;
    out.sumLat += x.sumLat;
    out.sumLon += x.sumLon;
    for (const [k, n] of x.ownPoints.m) out.ownPoints.m.set(k, (out.ownPoints.m.get(k) ?? 0) + n);
    for (const [k, n] of x.parents.m) out.parents.m.set(k, (out.parents.m.get(k) ?? 0) + n);
    for (const [k, n] of x.precs.m) out.precs.m.set(k, (out.precs.m.get(k) ?? 0) + n);
  }
  return out;
}

function pointOf(a: Agg): Coordinates {
  const own = a.ownPoints.top();
  if (own) {
    const [lat, lon] = own.split(',').map(Number);
    return { lat: lat!, lon: lon! };
  }
  return { lat: round(a.sumLat / a.rows), lon: round(a.sumLon / a.rows) };
}

/**
 * Collects GED's places while rows stream in, then builds our places: provinces from GED_PROVINCES,
 * districts from adm_2, and the named locations (towns, villages, sites, areas), each with a parent
 * chain that ends at Iraq or Syria. Known places are reused and learn GED's spellings as aliases.
 */
export class GedPlaces {
  private readonly provinces = new Map<string, Agg>(); // key: adm1
  private readonly districts = new Map<string, Agg>(); // key: country|adm1|adm2
  /** key: country|province|name, then the point ('' for rows on a feature) */
  private readonly locations = new Map<string, Map<string, Agg>>();
  private readonly existing: Map<string, Place>;
  private idByKey: Map<string, string> | null = null;
  private createdPlaces: Place[] = [];
  private createdById = new Map<string, Place>();
  private learned = new Map<string, string[]>();
  private warned: string[] = [];

  constructor(existingPlaces: readonly Place[]) {
    this.existing = new Map(existingPlaces.map((p) => [p.id, p]));
  }

  add(r: GedRow): PlaceRef {
    const ref = placeRefOf(r);
    const point = `${r.latitude},${r.longitude}`;
    const touch = (m: Map<string, Agg>, key: string, own: boolean, parent?: string) => {
      let a = m.get(key);
      if (!a) m.set(key, (a = agg()));
      a.rows++;
      a.sumLat += r.latitude;
      a.sumLon += r.longitude;
      if (own) a.ownPoints.add(point);
      if (parent !== undefined) a.parents.add(parent);
      a.precs.add(r.where_prec);
    };
    if (r.adm_1) touch(this.provinces, r.adm_1, ref.level === 'province', r.country);
    if (r.adm_1 && r.adm_2) touch(this.districts, `${r.country}|${r.adm_1}|${r.adm_2}`, ref.level === 'district');
    if (ref.level === 'location') {
      const gk = locationGroupKey(ref);
      let g = this.locations.get(gk);
      if (!g) this.locations.set(gk, (g = new Map()));
      touch(g, ref.point ?? '', true, `${r.adm_1}|${r.adm_2}`);
    }
    return ref;
  }

  /** Builds the places once every row has been added. */
  build(): void {
    const taken = new Set(this.existing.keys());
    const idByKey = new Map<string, string>();
    const created: Place[] = [];
    const learn = (id: string, spelling: string) => {
      const p = this.existing.get(id);
      if (!p) return;
      const known = new Set([p.name, ...p.aliases, ...(this.learned.get(id) ?? [])].map(normalizeName));
      if (known.has(normalizeName(spelling))) return;
      this.learned.set(id, [...(this.learned.get(id) ?? []), spelling]);
    };
    const claim = (wanted: string, fallbacks: string[]) => {
      const take = (id: string) => {
        taken.add(id);
        return id;
      };
      for (const id of [wanted, ...fallbacks]) if (id && !taken.has(id)) return take(id);
      for (let n = 2; ; n++) if (!taken.has(`${wanted}-${n}`)) return take(`${wanted}-${n}`);
    };

    // Provinces.
    for (const adm1 of [...this.provinces.keys()].sort()) {
      const a = this.provinces.get(adm1)!;
      const country = COUNTRY_ID[a.parents.top() as GedRow['country']];
      const spec = GED_PROVINCES[adm1];
      const id = spec?.id ?? `${slugify(adm1.replace(/\s+(province|governorate)$/i, ''))}-province`;
      idByKey.set(`province|${adm1}`, id);
      if (this.existing.has(id)) {
        learn(id, adm1);
        continue;
      }
      const already = created.find((p) => p.id === id);
      if (already) {
        if (!already.aliases.includes(adm1)) already.aliases.push(adm1);
        continue;
      }
      taken.add(id);
      const parentId = spec?.parentId && this.existing.has(spec.parentId) ? spec.parentId : country;
      const name = spec?.name ?? adm1;
      created.push({
        id,
        name,
        kind: 'province',
        parentId,
        aliases: unique([adm1, ...(spec?.aliases ?? [])]).filter((x) => x !== name),
        coordinates: pointOf(a),
      });
    }
    const provinceOf = (adm1: string) => idByKey.get(`province|${adm1}`)!;

    // Districts, one per province and district name: GED spells Kirkuk's province two ways (Kirkūk and
    // the old At-Ta'mim) with the same districts under both, and spells some districts two ways
    // (Qaḑā’ Haditha and Qaḑā’ Ḩadīthah); each district takes its most used spelling as its name.
    const districtGroups = new Map<string, { keys: string[]; agg: Agg; adm2: string; spellings: string[]; province: string }>();
    for (const key of [...this.districts.keys()].sort()) {
      const a = this.districts.get(key)!;
      const [country, adm1, adm2] = key.split('|') as [string, string, string];
      const province = provinceOf(adm1);
      const gk = `${country}|${province}|${districtKey(adm2)}`;
      const g = districtGroups.get(gk);
      if (!g) districtGroups.set(gk, { keys: [key], agg: a, adm2, spellings: [adm2], province });
      else {
        g.keys.push(key);
        if (!g.spellings.includes(adm2)) g.spellings.push(adm2);
        g.agg = mergeAgg(g.agg, a);
      }
    }
    for (const g of districtGroups.values()) {
      const rowsOf = (spelling: string) => g.keys.filter((k) => k.endsWith(`|${spelling}`)).reduce((n, k) => n + this.districts.get(k)!.rows, 0);
      g.adm2 = g.spellings.reduce((best, s) => (rowsOf(s) > rowsOf(best) ? s : best));
    }
    // Districts the gazetteer already has (Mosul's, so the city can sit under it) are matched by name.
    const existingDistricts = new Map<string, Place[]>();
    for (const p of this.existing.values())
      if (p.kind === 'district')
        for (const n of [p.name, ...p.aliases]) existingDistricts.set(normalizeName(n), [...(existingDistricts.get(normalizeName(n)) ?? []), p]);
    const lineageIds = (id: string) => {
      const out: string[] = [];
      for (let p = this.existing.get(id); p; p = p.parentId ? this.existing.get(p.parentId) : undefined) out.push(p.id);
      return out;
    };
    for (const gk of [...districtGroups.keys()].sort()) {
      const { keys, agg: a, adm2, spellings, province } = districtGroups.get(gk)!;
      const qada = /^Qaḑā’\s+(.+)$/.exec(adm2);
      const name = qada ? `${qada[1]} District` : adm2;
      const known = [...spellings, name].flatMap((n) => existingDistricts.get(normalizeName(n)) ?? []).find((p) => lineageIds(p.id).includes(province));
      if (known) {
        for (const key of keys) idByKey.set(`district|${key}`, known.id);
        for (const s of spellings) learn(known.id, s);
        continue;
      }
      const base = slugify(name.replace(/\s+district$/i, ''));
      const id = claim(`${base}-district`, [`${base}-district-${province.replace(/-(province|governorate)$/, '')}`]);
      for (const key of keys) idByKey.set(`district|${key}`, id);
      created.push({
        id,
        name,
        kind: 'district',
        parentId: province,
        aliases: unique([...spellings, ...(qada ? [`${qada[1]} district`] : [])]).filter((s) => s !== name),
        coordinates: pointOf(a),
      });
    }
    const nameOfAny = (id: string) => this.existing.get(id)?.name ?? created.find((p) => p.id === id)?.name ?? id;

    // Named locations, matched to known settlements in the same province where the names agree.
    const existingByName = new Map<string, Place[]>();
    for (const p of this.existing.values())
      if (p.kind === 'city' || p.kind === 'site')
        for (const n of [p.name, ...p.aliases]) {
          const k = normalizeName(n);
          existingByName.set(k, [...(existingByName.get(k) ?? []), p]);
        }
    const takenNames = new Set<string>();
    for (const p of [...this.existing.values(), ...created])
      if (p.kind !== 'city' && p.kind !== 'site') for (const n of [p.name, ...p.aliases]) takenNames.add(normalizeName(n));
    for (const gk of [...this.locations.keys()].sort()) {
      const points = this.locations.get(gk)!;
      const [countryName, , gedName] = gk.split('|') as [GedRow['country'], string, string];
      const country = COUNTRY_ID[countryName];
      // One place per point, or one for the whole feature when most of its rows are on a feature.
      const all = [...points.values()].reduce(mergeAgg, agg());
      const feature = isFeaturePrecision(all.precs.top() ?? 1);
      const pointKeys = [...points.keys()].filter((k) => k !== '').sort();
      const units: { keys: string[]; agg: Agg }[] =
        feature || !pointKeys.length ? [{ keys: [...points.keys()].sort(), agg: all }] : pointKeys.map((k) => ({ keys: [k], agg: points.get(k)! }));
      // Rows a source put on the feature, in a name that is otherwise a point: the busiest point.
      if (!feature && points.has('') && pointKeys.length) {
        const busiest = units.reduce((x, y) => (y.agg.rows > x.agg.rows ? y : x));
        busiest.keys.push('');
        busiest.agg = mergeAgg(busiest.agg, points.get('')!);
      }
      for (const unit of units) {
        const a = unit.agg;
        const [adm1, adm2] = (a.parents.top() ?? '|').split('|') as [string, string];
        const parentId = adm1 && adm2 ? idByKey.get(`district|${countryName}|${adm1}|${adm2}`)! : adm1 ? provinceOf(adm1) : country;
        // "Road between Bayjī town and Seneia town" ends like a town but is a road, whatever its precision.
        const settlement = !feature && SETTLEMENT.test(gedName) && !/\b(road|highway|between)\b/i.test(gedName);
        const short = settlement ? gedName.replace(SETTLEMENT, '') : gedName;
        // A town named like a known province ("Daraa town" beside the seed's "Daraa") keeps GED's full
        // name, so what people typed before still finds the place it found before.
        const name = takenNames.has(normalizeName(short)) ? gedName : short;
        // A road "between Ramadi town and Rutba town" is a line, not a town: features are regions.
        const kind: PlaceKind = feature ? 'region' : settlement ? 'city' : 'site';
        const province = adm1 ? provinceOf(adm1) : null;
        const match = settlement
          ? (existingByName.get(normalizeName(name)) ?? []).find((p) => p.kind === 'city' && (!province || lineageIds(p.id).includes(province)))
          : undefined;
        if (match) {
          for (const k of unit.keys) idByKey.set(`location|${gk}|${k}`, match.id);
          learn(match.id, gedName);
          if (!lineageIds(match.id).includes(parentId))
            this.warned.push(
              `${match.name} (${match.id}) lies in ${nameOfAny(parentId)} according to GED, but the gazetteer puts it under ${nameOfAny(match.parentId ?? '')}: add that place to places/gazetteer.json and set the parent, or its events will not count there.`,
            );
          continue;
        }
        const base = slugify(name) || 'place';
        const id = claim(base, [`${base}-${(province ?? country).replace(/-(province|governorate)$/, '')}`]);
        for (const k of unit.keys) idByKey.set(`location|${gk}|${k}`, id);
        // "Tadmur/Palmyra town": each spelling on its own is a name people type.
        const parts =
          settlement && gedName.includes('/')
            ? gedName
                .split('/')
                .map((x) => x.trim().replace(SETTLEMENT, ''))
                .filter(Boolean)
            : [];
        created.push({ id, name, kind, parentId, aliases: unique([gedName, ...parts]).filter((x) => x !== name), coordinates: pointOf(a) });
      }
    }
    this.idByKey = idByKey;
    this.createdPlaces = created.sort((x, y) => (x.id < y.id ? -1 : 1));
    this.createdById = new Map(created.map((p) => [p.id, p]));
  }

  idOf(ref: PlaceRef): string {
    if (!this.idByKey) throw new Error('GedPlaces.build() must run first');
    const key =
      ref.level === 'country'
        ? null
        : ref.level === 'province'
          ? `province|${ref.adm1}`
          : ref.level === 'district'
            ? `district|${ref.country}|${ref.adm1}|${ref.adm2}`
            : `location|${locationGroupKey(ref)}|${ref.point ?? ''}`;
    if (key === null) return COUNTRY_ID[ref.country as GedRow['country']];
    const id = this.idByKey.get(key);
    if (!id) throw new Error(`no place for ${key}`);
    return id;
  }

  /** Known places whose parents in the gazetteer disagree with GED's admin units. */
  warnings(): string[] {
    return this.warned;
  }

  /** New places, sorted by id. */
  created(): Place[] {
    return this.createdPlaces;
  }

  /** GED spellings learned for places the gazetteer already had: place id -> new aliases. */
  learnedAliases(): Map<string, string[]> {
    return this.learned;
  }

  /** A place's display name, whether known before or created now. */
  nameOf(id: string): string {
    return this.existing.get(id)?.name ?? this.createdById.get(id)?.name ?? id;
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
