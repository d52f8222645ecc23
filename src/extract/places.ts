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
}
const namesCache = new WeakMap<Gazetteer, PlaceNames>();

function placeNames(g: Gazetteer): PlaceNames {
  let n = namesCache.get(g);
  if (!n) {
    const keys = new Set<string>();
    for (const p of g.all())
      for (const name of [p.name, ...p.aliases]) {
        keys.add(normalizeName(name));
        const c = coreName(name);
        if (c) keys.add(c);
      }
    namesCache.set(g, (n = { keys }));
  }
  return n;
}

const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}'’ʿ‘]*/gu;
const PARTICLE = /^(?:al|el|ad|as|ash|an|ar|az|at|ez|ed|es|bin|ibn|abu|umm)$/i;
const LOCATIVE_BEFORE = /\b(?:in|near|at|from|of|outside|around|to|into|toward|towards|north|south|east|west)\s+$/i;
const LEAD_IN = /(?:\bthe\s+)?(?:(?:northern|southern|eastern|western|central|north|south|east|west|north-?eastern|north-?western|south-?eastern|south-?western|northeastern|northwestern|southeastern|southwestern|restive|desert|oil-rich|Iraqi|Syrian|Kurdish|neighbouring|neighboring)\s+)*(?:province|governorate|city|town|village|district|region|area|camp)\s+of\s+$/i;
const COMMON_CAPITALISED = /^(?:The|In|On|At|Near|From|Outside|Iraqi|Syrian|Kurdish|Turkish|Northern|Southern|Eastern|Western|Central|Greater|Upper|Lower|North|South|East|West|Old|New|Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|When|While|After|Before|Since|And|But|Both|Neighbouring|Neighboring)$/;

/** Words that are capitalised at times but never a place here (names of weekdays, months, actors). */
const NOT_PLACES = new Set(['is', 'isis', 'isil', 'said', 'has', 'cat', 'hit', 'sur', 'sara', 'arab']);

/** Gazetteer places named in the text, longest name first at each position. */
export function findPlaces(text: string, g: Gazetteer): PlaceMention[] {
  const { keys } = placeNames(g);
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({ word: m[0], index: m.index!, end: m.index! + m[0].length }));
  const out: PlaceMention[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i]!;
    // "Albu Hardan": a known name ("Hardan") inside a longer proper name is a different place.
    const prev = tokens[i - 1];
    if (prev && /^\p{Lu}/u.test(prev.word) && /^ $/.test(text.slice(prev.end, first.index)) && !COMMON_CAPITALISED.test(prev.word) && !keys.has(normalizeName(prev.word))) continue;
    const capital = /^\p{Lu}/u.test(first.word);
    if (!capital && !(PARTICLE.test(first.word) && /^\p{Lu}/u.test(tokens[i + 1]?.word ?? ''))) continue;
    for (let len = Math.min(6, tokens.length - i); len >= 1; len--) {
      const last = tokens[i + len - 1]!;
      // Only words joined by spaces or hyphens belong to one name ("Deir ez-Zor", not "Daraa. Six").
      const raw = text.slice(first.index, last.end);
      if (/[^\p{L}\p{N}\s'’ʿ‘-]/u.test(raw) || /\s{2,}/.test(raw)) continue;
      if (len > 1 && !/^\p{Lu}/u.test(last.word) && !/^(?:province|governorate|district|region|camp|city|town)$/i.test(last.word)) continue;
      const key = normalizeName(raw);
      if (!keys.has(key) && !keys.has(coreName(raw))) continue;
      if (len === 1 && (NOT_PLACES.has(key) || (raw.length <= 4 && !LOCATIVE_BEFORE.test(text.slice(0, first.index))))) break;
      const found = g.resolve(raw);
      if (found.kind !== 'found') continue;
      const place = g.get(found.id)!;
      const lead = LEAD_IN.exec(text.slice(Math.max(0, first.index - 80), first.index));
      out.push({ placeId: place.id, kind: place.kind, text: (lead ? lead[0] : '') + raw, index: lead ? first.index - lead[0].length : first.index, end: last.end });
      i += len - 1;
      break;
    }
  }
  return out;
}

const NAME = "((?:(?:al|el|ad|as|ash|an|ar|az|Abu|Umm|Tal|Tel|Bir|Ain|Deir|Kafr)[ -])?\\p{Lu}[\\p{L}'’-]+(?:[ -](?:al|el|ad|as|ash|an|ar|az)?[ -]?\\p{Lu}[\\p{L}'’-]+){0,2})";
const DRAFT_PATTERNS: [RegExp, PlaceKind][] = [
  [new RegExp(`\\b(?:town|village|hamlet|city|settlement|neighbourhood|neighborhood)\\s+of\\s+${NAME}`, 'gu'), 'city'],
  [new RegExp(`\\b${NAME},\\s+an?\\s+(?:(?:small|remote|rural|mainly|mostly|predominantly|\\p{L}+-populated)\\s+)*(?:\\p{L}+\\s+)?(?:town|village|hamlet)\\b`, 'gu'), 'city'],
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
      if (g.resolve(name).kind === 'found') continue;
      if (NOT_PLACES.has(normalizeName(name))) continue;
      const parent = parentFor(known, g) ?? fallbackParent;
      out.push({ placeId: '', kind, text: m[0], index, end: index + name.length, draft: { name, kind, parentId: parent } });
    }
  return out;
}

/** The district or province (or region, country) a new town lies in, from the places named with it. */
function parentFor(known: readonly PlaceMention[], g: Gazetteer): string | null {
  const areas = known
    .map((k) => (k.kind === 'city' || k.kind === 'site' ? (g.ancestorOfKind(k.placeId, 'district') ?? g.ancestorOfKind(k.placeId, 'province')) : g.get(k.placeId)))
    .filter((p): p is Place => !!p);
  areas.sort((a, b) => SPECIFICITY[a.kind] - SPECIFICITY[b.kind]);
  return areas[0]?.id ?? null;
}

/** The province a place lies in (itself when it is one), or null above that level. */
export function provinceOf(g: Gazetteer, placeId: string): string | null {
  return g.ancestorOfKind(placeId, 'province')?.id ?? null;
}
