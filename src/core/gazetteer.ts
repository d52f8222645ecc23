import type { Place, PlaceKind } from '../schema/index.ts';
import { NameIndex, type NameMatch } from './name-index.ts';

/** For a name shared by several places, prefer the most specific kind a person is likely to mean. */
const KIND_RANK: Record<PlaceKind, number> = { city: 0, site: 1, province: 2, district: 3, region: 4, country: 5 };
/** Among suggestions for a partly typed name, larger areas first: "sal" offers Saladin before Salba. */
const KIND_WEIGHT: Record<PlaceKind, number> = { country: 5, province: 4, region: 3, district: 2, city: 1, site: 0 };

/** Places with their hierarchy: what lies inside what, and every name each is known by. */
export class Gazetteer {
  private readonly byId = new Map<string, Place>();
  private readonly children = new Map<string, string[]>();
  private readonly names: NameIndex;

  constructor(places: readonly Place[]) {
    for (const p of places) this.byId.set(p.id, p);
    for (const p of places) {
      if (!p.parentId) continue;
      const list = this.children.get(p.parentId) ?? [];
      list.push(p.id);
      this.children.set(p.parentId, list);
    }
    this.names = new NameIndex(places.map((p) => ({ id: p.id, names: [p.name, ...p.aliases], rank: KIND_RANK[p.kind], weight: KIND_WEIGHT[p.kind] })));
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

  suggest(query: string, limit: number): string[] {
    return this.names.suggest(query, limit);
  }
}
