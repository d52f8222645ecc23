/**
 * Place names in a sentence, matched against the gazetteer at every level with the commands' own
 * name matching (Gazetteer.resolve: case-, accent- and transliteration-insensitive, generic words
 * such as "province" optional). Towns the gazetteer lacks become draft places under the district or
 * province the sentence names, without coordinates.
 */
import type { Gazetteer } from '../core/gazetteer.ts';
import { coreName, normalizeName } from '../core/normalize-name.ts';
import type { Place, PlaceKind } from '../schema/index.ts';

export interface PlaceMention {
  placeId: string;
  kind: PlaceKind;
  /** The words as written, with the descriptive lead-in ("the eastern Iraqi province of Diyala"). */
  text: string;
  index: number;
  end: number;
  /** Not in the gazetteer: a draft place this article introduces. */
  draft?: DraftPlaceSpec;
}

export interface DraftPlaceSpec {
  name: string;
  kind: PlaceKind;
  parentId: string | null;
}

/** Lower numbers are more specific. */
export const SPECIFICITY: Record<PlaceKind, number> = { site: 0, city: 1, district: 2, province: 3, region: 4, country: 5 };

interface PlaceNames {
  keys: Set<string>;
  /** Spelling-variant keys (see variantKey, skeletonKey) to the places that have them. */
  variants: Map<string, Set<string>>;
  skeletons: Map<string, Set<string>>;
}
const namesCache = new WeakMap<Gazetteer, PlaceNames>();

function placeNames(g: Gazetteer): PlaceNames {
  let n = namesCache.get(g);
  if (!n) {
    const keys = new Set<string>();
    const variants = new Map<string, Set<string>>();
    const skeletons = new Map<string, Set<string>>();
    const put = (m: Map<string, Set<string>>, k: string, id: string) => {
      if (!m.has(k)) m.set(k, new Set());
      m.get(k)!.add(id);
    };
    for (const p of g.all())
      for (const name of [p.name, ...p.aliases]) {
        keys.add(normalizeName(name));
        const c = coreName(name);
        if (c) keys.add(c);
        // Towns and areas only: sites ("road between X and Y") are never named by one word.
        if (p.kind === 'site' || !c || c.split(' ').length > 3) continue;
        const v = variantKey(c);
        if (v.length >= 4) put(variants, v, p.id);
        const k = skeletonKey(c);
        if (k.length >= 4) put(skeletons, k, p.id);
      }
    namesCache.set(g, (n = { keys, variants, skeletons }));
  }
  return n;
}

const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}'’ʿ‘]*/gu;
const PARTICLE = /^(?:al|el|ad|as|ash|an|ar|az|at|ez|ed|es|bin|ibn|abu|umm)$/i;
const LOCATIVE_BEFORE = /\b(?:in|near|at|from|of|outside|around|to|into|toward|towards|north|south|east|west)\s+$/i;
const LEAD_IN =
  /(?:\bthe\s+)?(?:(?:northern|southern|eastern|western|central|north|south|east|west|north-?eastern|north-?western|south-?eastern|south-?western|northeastern|northwestern|southeastern|southwestern|restive|desert|oil-rich|Iraqi|Syrian|Kurdish|neighbouring|neighboring)\s+)*(?:province|governorate|city|town|village|district|region|area|camp)\s+of\s+$/i;
const COMMON_CAPITALISED =
  /^(?:The|In|On|At|Near|From|Outside|Iraqi|Syrian|Kurdish|Turkish|Northern|Southern|Eastern|Western|Central|Greater|Upper|Lower|North|South|East|West|Old|New|Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|When|While|After|Before|Since|And|But|Both|Neighbouring|Neighboring)$/;

/** Words that are capitalised at times but never a place here (names of weekdays, months, actors). */
const NOT_PLACES = new Set(['is', 'isis', 'isil', 'said', 'has', 'cat', 'sara', 'arab']);
/** Towns whose names are also English words ("Hit", "Sur"): places only after "in", "near", "west of" .... */
const PLACES_AFTER_LOCATIVE = new Set(['hit', 'sur']);

/**
 * English news spellings of Arabic and Kurdish names differ from the gazetteer's in regular ways:
 * the article "al-" dropped or kept (Qaim / al-Qaim, Rutba / ar-Rutbah), a final "h" (Hawija /
 * Hawijah), doubled letters (Tal Afar / Tall Afar), spaces (Tuz Khurmatu / Tuzkhurmatu), and
 * vowels written as in English or French (Baiji / Bayji, Makhmour / Makhmur, Mayadeen / Mayadin,
 * Tel / Tal, Deir / Dayr). The variant key removes all of these differences.
 */
export function variantKey(name: string): string {
  return normalizeName(name)
    .replace(/(?:^|\s)(?:al|el|ad|as|ash|an|ar|az|at|ath|adh)\s+/g, ' ')
    .trim()
    .replace(/^albu\s*/, 'abu')
    .replace(/[^a-z]/g, '')
    .replace(/dh/g, 'd')
    .replace(/th/g, 't')
    .replace(/ou|oo/g, 'u')
    .replace(/ee/g, 'i')
    .replace(/[ae]i|[ae]y/g, 'ay')
    .replace(/e/g, 'a')
    .replace(/o/g, 'u')
    .replace(/(.)\1+/g, '$1')
    .replace(/(?<=[a-z]{3})h$/, '');
}

/** The consonants only (Muqdadiya / Miqdadiyah): looser, so used only when all places sharing it lie in one province. */
export function skeletonKey(name: string): string {
  return variantKey(name)
    .replace(/[aeiou]/g, '')
    .replace(/(.)\1+/g, '$1');
}

/** A place under another spelling: the variant key first, then the consonant skeleton; never when the spellings point to places in different provinces. */
function variantPlace(raw: string, g: Gazetteer, names: PlaceNames): Place | null {
  for (const [map, key] of [
    [names.variants, variantKey(raw)],
    [names.skeletons, skeletonKey(raw)],
  ] as const) {
    if (key.length < 4) continue;
    const ids = map.get(key);
    if (!ids?.size) continue;
    const places = [...ids].map((id) => g.get(id)!).filter(Boolean);
    const provinces = new Set(places.map((p) => provinceOf(g, p.id) ?? p.id));
    if (provinces.size !== 1) continue;
    // The most specific one (a town rather than its district); its province is the same either way.
    places.sort((a, b) => SPECIFICITY[a.kind] - SPECIFICITY[b.kind] || a.name.length - b.name.length);
    return places[0]!;
  }
  return null;
}

/** The genre's names for areas the gazetteer holds under a longer name. */
const GENRE_PLACES: [RegExp, string][] = [[/\b(?:the\s+)?(?:Syrian\s+)?Badia\b|\b(?:the\s+)?Syrian\s+desert\b/giu, 'syrian-badia-syrian-desert']];

/** Gazetteer places named in the text, longest name first at each position. */
export function findPlaces(text: string, g: Gazetteer): PlaceMention[] {
  const found = findNamedPlaces(text, g);
  for (const [re, id] of GENRE_PLACES) {
    const place = g.get(id);
    if (!place) continue;
    for (const m of text.matchAll(re))
      if (!found.some((f) => m.index! < f.end && m.index! + m[0].length > f.index))
        found.push({ placeId: id, kind: place.kind, text: m[0], index: m.index!, end: m.index! + m[0].length });
  }
  return found.sort((a, b) => a.index - b.index);
}

function findNamedPlaces(text: string, g: Gazetteer): PlaceMention[] {
  const names = placeNames(g);
  const { keys } = names;
  // "Kirkuk's Daquq district": the possessive is not part of the name.
  const tokens = [...text.matchAll(TOKEN)].map((m) => {
    const word = m[0].replace(/['’]s$/, '');
    return { word, index: m.index!, end: m.index! + word.length };
  });
  const out: PlaceMention[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i]!;
    // "Albu Hardan": a known name ("Hardan") inside a longer proper name is a different place.
    const prev = tokens[i - 1];
    if (
      prev &&
      /^\p{Lu}/u.test(prev.word) &&
      /^ $/.test(text.slice(prev.end, first.index)) &&
      !COMMON_CAPITALISED.test(prev.word) &&
      !keys.has(normalizeName(prev.word))
    )
      continue;
    const capital = /^\p{Lu}/u.test(first.word);
    if (!capital && !(PARTICLE.test(first.word) && /^\p{Lu}/u.test(tokens[i + 1]?.word ?? ''))) continue;
    const before = out.length;
    for (let len = Math.min(6, tokens.length - i); len >= 1; len--) {
      const last = tokens[i + len - 1]!;
      // Only words joined by spaces or hyphens belong to one name ("Deir ez-Zor", not "Daraa. Six").
      const raw = text.slice(first.index, last.end);
      if (/[^\p{L}\p{N}\s'’ʿ‘-]/u.test(raw) || /\s{2,}/.test(raw)) continue;
      if (len > 1 && !/^\p{Lu}/u.test(last.word) && !/^(?:province|governorate|district|region|camp|city|town)$/i.test(last.word)) continue;
      const key = normalizeName(raw);
      if (!keys.has(key) && !keys.has(coreName(raw))) continue;
      if (len === 1 && (NOT_PLACES.has(key) || ((raw.length <= 4 || PLACES_AFTER_LOCATIVE.has(key)) && !LOCATIVE_BEFORE.test(text.slice(0, first.index)))))
        break;
      const found = resolveName(g, raw);
      if (!found) continue;
      const place = g.get(found.id)!;
      const lead = LEAD_IN.exec(text.slice(Math.max(0, first.index - 80), first.index));
      out.push({
        placeId: place.id,
        kind: place.kind,
        text: (lead ? lead[0] : '') + raw,
        index: lead ? first.index - lead[0].length : first.index,
        end: last.end,
      });
      i += len - 1;
      break;
    }
    if (out.length > before) continue;
    // Not under this spelling: another spelling of a place, only where the text says it is one.
    const lead = LEAD_IN.exec(text.slice(Math.max(0, first.index - 80), first.index));
    const placeWord =
      /^\s+(?:area|district|town|village|city|province|governorate|region|countryside|outskirts|desert|mountains?)\b/i.test(
        text.slice(tokens[Math.min(i + 2, tokens.length - 1)]!.end),
      ) || /^(?:\s+\p{Lu}[\p{L}'’-]*){0,2}\s+(?:area|district|town|village|countryside)\b/u.test(text.slice(first.end));
    if (
      !capital ||
      (!lead &&
        !placeWord &&
        !/\b(?:in|near|at|from|of|outside|around|to|into|toward|towards|north|south|east|west|between)\s+(?:the\s+)?$/i.test(text.slice(0, first.index)))
    )
      continue;
    for (let len = Math.min(3, tokens.length - i); len >= 1; len--) {
      const last = tokens[i + len - 1]!;
      const raw = text.slice(first.index, last.end);
      if (/[^\p{L}\p{N}\s'’ʿ‘-]/u.test(raw) || /\s{2,}/.test(raw) || !/^\p{Lu}/u.test(last.word)) continue;
      if (NOT_PLACES.has(normalizeName(raw))) continue;
      const place = variantPlace(raw, g, names);
      if (!place) continue;
      out.push({
        placeId: place.id,
        kind: place.kind,
        text: (lead ? lead[0] : '') + raw,
        index: lead ? first.index - lead[0].length : first.index,
        end: last.end,
      });
      i += len - 1;
      break;
    }
  }
  return out;
}

const NAME =
  "((?:(?:al|el|ad|as|ash|an|ar|az|Abu|Umm|Tal|Tel|Bir|Ain|Deir|Kafr)[ -])?\\p{Lu}[\\p{L}'’-]+(?:[ -](?:al|el|ad|as|ash|an|ar|az)?[ -]?\\p{Lu}[\\p{L}'’-]+){0,2})";
const DRAFT_PATTERNS: [RegExp, PlaceKind][] = [
  [new RegExp(`\\b(?:town|village|hamlet|city|settlement|neighbourhood|neighborhood)\\s+of\\s+${NAME}`, 'gu'), 'city'],
  [
    new RegExp(
      `\\b${NAME},\\s+an?\\s+(?:(?:small|remote|rural|mainly|mostly|predominantly|\\p{L}+-populated)\\s+)*(?:\\p{L}+\\s+)?(?:town|village|hamlet)\\b`,
      'gu',
    ),
    'city',
  ],
  [new RegExp(`\\b(?:the\\s+)?${NAME}\\s+(?:village|town)\\b`, 'gu'), 'city'],
  [new RegExp(`\\b(?:area|district|oilfield|oil\\s+field|camp)\\s+of\\s+${NAME}`, 'gu'), 'site'],
];

/**
 * Named towns and villages that are not in the gazetteer: a draft place under the most specific
 * district or province the sentence names (or the one given by `fallbackParent`).
 */
export function findDraftPlaces(text: string, g: Gazetteer, known: readonly PlaceMention[], fallbackParent: string | null): PlaceMention[] {
  const out: PlaceMention[] = [];
  for (const [re, kind] of DRAFT_PATTERNS)
    for (const m of text.matchAll(re)) {
      const name = m[1]!.trim();
      const index = m.index! + m[0].indexOf(name);
      if (known.some((k) => index < k.end && index + name.length > k.index)) continue;
      if (out.some((o) => o.index === index)) continue;
      if (resolveName(g, name)) continue;
      if (NOT_PLACES.has(normalizeName(name))) continue;
      const parent = parentFor(known, g) ?? fallbackParent;
      out.push({ placeId: '', kind, text: m[0], index, end: index + name.length, draft: { name, kind, parentId: parent } });
    }
  return out;
}

/** The district or province (or region, country) a new town lies in, from the places named with it. */
function parentFor(known: readonly PlaceMention[], g: Gazetteer): string | null {
  const areas = known
    .map((k) =>
      k.kind === 'city' || k.kind === 'site' ? (g.ancestorOfKind(k.placeId, 'district') ?? g.ancestorOfKind(k.placeId, 'province')) : g.get(k.placeId),
    )
    .filter((p): p is Place => !!p);
  areas.sort((a, b) => SPECIFICITY[a.kind] - SPECIFICITY[b.kind]);
  return areas[0]?.id ?? null;
}

/** A name the gazetteer has (also under a known other spelling); never a typo guess: an article spells its names on purpose ("Albu Hardan" is not Albu Hassan). */
export function resolveName(g: Gazetteer, name: string): { id: string } | null {
  const r = g.resolve(name);
  return r.kind === 'found' && r.how !== 'typo' ? { id: r.id } : null;
}

/** The province a place lies in (itself when it is one), or null above that level. */
export function provinceOf(g: Gazetteer, placeId: string): string | null {
  return g.ancestorOfKind(placeId, 'province')?.id ?? null;
}
