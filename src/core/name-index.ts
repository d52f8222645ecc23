import Fuse from 'fuse.js';
import { coreName, normalizeName } from './normalize-name.ts';
import { lowerBound } from './lower-bound.ts';
import { spellingKey } from './transliteration.ts';

export interface NamedEntry {
  id: string;
  /** The display name first, then aliases; earlier names win ties. */
  names: string[];
  /** Lower ranks win when a name is shared (e.g. the city Homs over Homs Governorate for "homs"). */
  rank?: number;
  /** Higher weights come first among suggestions (a province before a village that starts alike). */
  weight?: number;
  /** Names from an outside gazetteer ("Fallujah" for Al Fallūjah): matched after the entry's own names. */
  otherNames?: string[];
  /** Breaks ties between entries of the same rank found by spelling (a town of 300,000 before a village). */
  prominence?: number;
}

/**
 * How a match was made: `name`, a name or alias as typed (give or take case, accents, punctuation and
 * generic words); `spelling`, another transliteration of a name or a name from an outside gazetteer;
 * `typo`, the one clearly closest name. Only `name` needs no "showing X for 'y'".
 */
export type MatchHow = 'name' | 'spelling' | 'typo';

export type NameMatch = { kind: 'found'; id: string; alternatives: string[]; how: MatchHow } | { kind: 'not-found'; suggestions: string[] };

interface Key {
  key: string;
  id: string;
  name: string;
  exact: boolean;
  rank: number;
}

/**
 * Resolves what a person typed to a record id: exact (normalised) names first, then names without
 * generic words, then fuzzy suggestions from Fuse.js for typos.
 */
export class NameIndex {
  private readonly exact = new Map<string, Key[]>();
  private readonly core = new Map<string, Key[]>();
  /** spellingKey of every name (own and other) -> entries, most specific kind first, then most prominent. */
  private readonly spelling = new Map<string, Key[]>();
  private readonly keys: Key[];
  /** Trigram -> indexes into `keys` whose name contains it: narrows a typo to a few dozen candidates for Fuse. */
  private readonly trigrams = new Map<string, number[]>();
  private readonly hitCounts: Uint16Array;
  private readonly displayName = new Map<string, string>();
  /** Every name, and every tail of a name from a word boundary, sorted: prefix search is a binary search. */
  private readonly prefixes: { text: string; id: string; weight: number; whole: boolean; length: number }[] = [];

  constructor(entries: Iterable<NamedEntry>) {
    const all: Key[] = [];
    for (const e of entries) {
      const rank = e.rank ?? 0;
      this.displayName.set(e.id, e.names[0] ?? e.id);
      if (e.prominence) this.prominence.set(e.id, e.prominence);
      const spellings = new Set<string>();
      for (const name of e.names) {
        const n = normalizeName(name);
        if (!n) continue;
        const k: Key = { key: n, id: e.id, name, exact: true, rank };
        push(this.exact, n, k);
        all.push(k);
        this.addPrefixes(n, e);
        const c = coreName(name);
        if (c && c !== n) push(this.core, c, { ...k, key: c, exact: false });
        spellings.add(spellingKey(c || n));
      }
      // Other names take part in exact-spelling lookups and prefix search, not in the fuzzy pool: typos
      // are corrected against the dataset's own names, and the pool stays small (see fuzzy()).
      for (const name of e.otherNames ?? []) {
        const n = normalizeName(name);
        if (!n) continue;
        this.addPrefixes(n, e);
        spellings.add(spellingKey(coreName(name) || n));
      }
      for (const key of spellings) if (key) push(this.spelling, key, { key, id: e.id, name: e.names[0] ?? e.id, exact: false, rank });
    }
    for (const list of [...this.exact.values(), ...this.core.values()]) list.sort((a, b) => a.rank - b.rank);
    for (const list of this.spelling.values()) list.sort((a, b) => a.rank - b.rank || this.prominenceOf(b.id) - this.prominenceOf(a.id));
    this.prefixes.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    this.keys = all;
    all.forEach((k, i) => {
      for (const t of new Set(trigramsOf(k.key))) push(this.trigrams, t, i);
    });
    this.hitCounts = new Uint16Array(all.length);
  }

  private readonly prominence = new Map<string, number>();

  private prominenceOf(id: string): number {
    return this.prominence.get(id) ?? 0;
  }

  private addPrefixes(n: string, e: NamedEntry) {
    const words = n.split(' ');
    for (let w = 0; w < words.length; w++)
      this.prefixes.push({ text: words.slice(w).join(' '), id: e.id, weight: e.weight ?? 0, whole: w === 0, length: n.length });
  }

  /**
   * Exact names win; names that only match without generic words ("Homs Governorate" for "homs") come
   * next, then other spellings of a name ("fallujah" for Al Fallūjah), then one clearly closest name
   * (a typo). Every entry found by name or spelling is returned, the best first: the rest are the
   * other places a person may have meant ("raqqa": the province, and the city).
   */
  resolve(query: string): NameMatch {
    const n = normalizeName(query);
    const c = coreName(query);
    const byName = [...(this.exact.get(n) ?? []), ...(this.core.get(c) ?? [])];
    const bySpelling = this.spelling.get(spellingKey(c || n)) ?? [];
    const ids = unique([...byName, ...bySpelling].map((h) => h.id));
    if (ids.length) return { kind: 'found', id: ids[0]!, alternatives: ids.slice(1), how: byName.length ? 'name' : 'spelling' };
    const typo = this.clearTypo(n);
    if (typo) return { kind: 'found', id: typo, alternatives: [], how: 'typo' };
    return { kind: 'not-found', suggestions: this.suggest(query, 5) };
  }

  /**
   * The one entry a mistyped name clearly means: among Fuse's candidates, the only entry with a name
   * whose spelling key is within one edit of the query's (two from eight letters on). Otherwise
   * null, and the caller asks "did you mean". Fuse alone is too lenient here: it also scores well a
   * name that merely contains something like the query ("udaim" in "Sulaymaniyah").
   */
  private clearTypo(n: string): string | null {
    const q = spellingKey(n);
    if (q.length < 4) return null;
    const allowed = q.length >= 8 ? 2 : 1;
    let best: { id: string; d: number } | null = null;
    let tie = false;
    for (const r of this.fuzzy(n, 10)) {
      const d = editDistance(q, spellingKey(r.item.key), allowed);
      if (d > allowed) continue;
      if (!best || d < best.d) {
        tie = false;
        best = { id: r.item.id, d };
      } else if (d === best.d && r.item.id !== best.id) tie = true;
    }
    return best && !tie ? best.id : null;
  }

  /**
   * Ids whose names are closest to the query, for "did you mean" and autocomplete: names (or words
   * of names) starting with what was typed first, whole names before inner words, heavier entries
   * first; Fuse.js fuzzy matches only when there are few prefix matches (a typo), since they cost
   * far more per keystroke.
   */
  suggest(query: string, limit: number): string[] {
    const n = normalizeName(query);
    if (!n) return [];
    const lo = lowerBound(0, this.prefixes.length, (m) => this.prefixes[m]!.text < n);
    const hits: (typeof this.prefixes)[number][] = [];
    for (let i = lo; i < this.prefixes.length && hits.length < 2000; i++) {
      const p = this.prefixes[i]!;
      if (!p.text.startsWith(n)) break;
      hits.push(p);
    }
    hits.sort((a, b) => Number(b.whole) - Number(a.whole) || b.weight - a.weight || a.length - b.length || (a.id < b.id ? -1 : 1));
    const prefix = unique(hits.map((h) => h.id));
    if (prefix.length >= Math.min(limit, 5)) return prefix.slice(0, limit);
    // Only near-best fuzzy matches: a clear best guess should not come with a tail of weak ones.
    const results = this.fuzzy(n, limit * 4);
    const best = results[0]?.score ?? 0;
    const fuzzy = results.filter((r) => (r.score ?? 1) <= best + 0.1).map((r) => r.item.id);
    return unique([...prefix, ...fuzzy]).slice(0, limit);
  }

  /**
   * Fuse.js over the names sharing the most trigrams with the query, instead of over every name:
   * a typo keeps most of a name's trigrams, and Fuse scores each name on its own, so the best matches
   * are the same while the work drops from thousands of names to at most CANDIDATES.
   */
  private fuzzy(n: string, limit: number) {
    const grams = [...new Set(trigramsOf(n))];
    const touched: number[] = [];
    for (const g of grams)
      for (const i of this.trigrams.get(g) ?? []) {
        if (this.hitCounts[i] === 0) touched.push(i);
        this.hitCounts[i]!++;
      }
    touched.sort((a, b) => this.hitCounts[b]! - this.hitCounts[a]! || a - b);
    const candidates = touched.slice(0, CANDIDATES).map((i) => this.keys[i]!);
    for (const i of touched) this.hitCounts[i] = 0;
    // No shared trigram at all: nothing is close enough for Fuse's threshold either.
    return candidates.length ? new Fuse(candidates, FUSE_OPTIONS).search(n, { limit }) : [];
  }

  name(id: string): string {
    return this.displayName.get(id) ?? id;
  }
}

const FUSE_OPTIONS = { keys: ['key'], threshold: 0.4, ignoreLocation: true, includeScore: true };
const CANDIDATES = 64;
/** Levenshtein distance, stopping early once it exceeds `max` (returns max + 1 then). */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]!);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Three-letter pieces of " name ", spaces marking word edges. */
function trigramsOf(s: string): string[] {
  const padded = ` ${s} `;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
