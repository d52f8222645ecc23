import Fuse from 'fuse.js';
import { coreName, normalizeName } from './normalize-name.ts';
import { lowerBound } from './lower-bound.ts';

export interface NamedEntry {
  id: string;
  /** The display name first, then aliases; earlier names win ties. */
  names: string[];
  /** Lower ranks win when a name is shared (e.g. the city Homs over Homs Governorate for "homs"). */
  rank?: number;
  /** Higher weights come first among suggestions (a province before a village that starts alike). */
  weight?: number;
}

export type NameMatch = { kind: 'found'; id: string; alternatives: string[] } | { kind: 'not-found'; suggestions: string[] };

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
      for (const name of e.names) {
        const n = normalizeName(name);
        if (!n) continue;
        const k: Key = { key: n, id: e.id, name, exact: true, rank };
        push(this.exact, n, k);
        all.push(k);
        const words = n.split(' ');
        for (let w = 0; w < words.length; w++) this.prefixes.push({ text: words.slice(w).join(' '), id: e.id, weight: e.weight ?? 0, whole: w === 0, length: n.length });
        const c = coreName(name);
        if (c && c !== n) push(this.core, c, { ...k, key: c, exact: false });
      }
    }
    for (const list of [...this.exact.values(), ...this.core.values()]) list.sort((a, b) => a.rank - b.rank);
    this.prefixes.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    this.keys = all;
    all.forEach((k, i) => {
      for (const t of new Set(trigramsOf(k.key))) push(this.trigrams, t, i);
    });
    this.hitCounts = new Uint16Array(all.length);
  }

  resolve(query: string): NameMatch {
    const n = normalizeName(query);
    // Exact names win; names that only match without generic words ("Homs Governorate" for "homs") come after.
    const hits = [...(this.exact.get(n) ?? []), ...(this.core.get(coreName(query)) ?? [])];
    if (hits.length) {
      const ids = unique(hits.map((h) => h.id));
      return { kind: 'found', id: ids[0]!, alternatives: ids.slice(1) };
    }
    return { kind: 'not-found', suggestions: this.suggest(query, 5) };
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
