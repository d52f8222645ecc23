import type { Actor, DatasetInfo, Incident, Place, PlaceName, Quote, RawDataset, RecordReview, Source, Statistic } from '../schema/index.ts';
import { Gazetteer } from './gazetteer.ts';
import { IncidentIndex, type IncidentColumns } from './incident-index.ts';
import { NameIndex } from './name-index.ts';

/** The validated dataset with everything a query needs already indexed. Immutable once built. */
export class Dataset {
  readonly sources: ReadonlyMap<string, Source>;
  readonly actors: ReadonlyMap<string, Actor>;
  readonly gazetteer: Gazetteer;
  readonly incidents: IncidentIndex;
  readonly statistics: readonly Statistic[];
  readonly quotes: readonly Quote[];
  /** Actors by name and alias ("IS", "Daesh"). */
  readonly actorNames: NameIndex;
  /** Speakers of quotes by name, alias and role ("pompeo", "Secretary of State"). */
  readonly speakerNames: NameIndex;
  /** Reviews of records published through the review queue, by `kind:id`. */
  private readonly reviews: ReadonlyMap<string, RecordReview>;

  /**
   * `prebuilt`: index columns from a snapshot, with `raw.incidents` already newest first and possibly
   * read from disk on demand (see src/data/records-snapshot.ts).
   */
  constructor(
    readonly raw: RawDataset,
    prebuilt?: IncidentColumns,
    /** Who approved the records published through the review queue (data/'s own records have none). */
    reviews: readonly RecordReview[] = [],
  ) {
    this.sources = new Map(raw.sources.map((s) => [s.id, s]));
    this.actors = new Map(raw.actors.map((a) => [a.id, a]));
    this.gazetteer = gazetteerOf(raw.places, raw['place-names'] ?? NO_NAMES);
    this.incidents = new IncidentIndex(raw.incidents, this.gazetteer, prebuilt, raw.info?.focus.actorId ?? null);
    this.reviews = new Map(reviews.map((r) => [`${r.kind}:${r.id}`, r]));
    this.statistics = raw.statistics;
    this.quotes = raw.quotes;
    this.actorNames = new NameIndex(raw.actors.map((a) => ({ id: a.id, names: [a.name, ...a.aliases] })));
    const speakerIds = new Set(raw.quotes.map((q) => q.speakerId));
    this.speakerNames = new NameIndex(
      raw.actors
        .filter((a) => speakerIds.has(a.id))
        .map((a) => ({ id: a.id, names: [a.name, ...a.aliases, ...(a.role ? roleNames(a.role) : [])], rank: a.kind === 'person' ? 0 : 1 })),
    );
  }

  /** The actor the dataset is about (data/dataset.json), or null when it declares none. */
  get focus(): DatasetInfo['focus'] | null {
    return this.raw.info?.focus ?? null;
  }

  actorName(id: string | null | undefined): string {
    return id ? (this.actors.get(id)?.name ?? id) : 'unknown';
  }

  counts(): Record<Exclude<keyof RawDataset, 'info'>, number> {
    return {
      sources: this.raw.sources.length,
      places: this.raw.places.length,
      actors: this.raw.actors.length,
      incidents: this.raw.incidents.length,
      statistics: this.raw.statistics.length,
      quotes: this.raw.quotes.length,
      'place-names': this.raw['place-names']?.length ?? 0,
    };
  }

  /** Who approved this record and when, if it was published through the review queue. */
  review(kind: RecordReview['kind'], id: string): RecordReview | null {
    return this.reviews.get(`${kind}:${id}`) ?? null;
  }

  incident(id: string): Incident | undefined {
    return this.incidents.get(id);
  }
}

const NO_NAMES: readonly PlaceName[] = [];
/**
 * Gazetteers by the (never changed) arrays they were built from. A dataset built again with other
 * incidents but the same places — a record added to the running dataset, a variant of the seed data
 * in a test — shares the gazetteer, the costliest part of indexing a few thousand places and names.
 */
const gazetteers = new WeakMap<readonly Place[], WeakMap<readonly PlaceName[], Gazetteer>>();
function gazetteerOf(places: readonly Place[], names: readonly PlaceName[]): Gazetteer {
  let byNames = gazetteers.get(places);
  if (!byNames) gazetteers.set(places, (byNames = new WeakMap()));
  let g = byNames.get(names);
  if (!g) byNames.set(names, (g = new Gazetteer(places, names)));
  return g;
}

/** A role is also searchable without its country prefix: "US Secretary of State" -> "Secretary of State". */
function roleNames(role: string): string[] {
  const names = [role];
  const m = /^(US|UK|Iraqi|Syrian)\s+(.+)$/.exec(role);
  if (m) names.push(m[2]!);
  return names;
}
