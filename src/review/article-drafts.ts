/**
 * From an extraction (src/extract) to what the review queue takes: records valid under the dataset's own
 * schemas, each with the source and new actors it needs. Pure: ids already taken come in as sets.
 */
import type { Gazetteer } from '../core/gazetteer.ts';
import type { Extraction } from '../extract/extract-article.ts';
import { uniqueId } from '../extract/slug.ts';
import type { Actor, Incident, LocationPrecision, PlaceKind, Quote, Statistic } from '../schema/index.ts';
import type { DraftBundle, DraftKind, DraftRecord } from './review-store.ts';

/** One draft as ReviewStore.addDraft takes it (without articleId and now). */
export interface QueuedDraft {
  kind: DraftKind;
  record: DraftRecord;
  bundle: DraftBundle;
  /** The existing record that may be the same event (the extractor's first match). */
  duplicateOf: string | null;
}

/** Ids in use (the dataset, drafts waiting, records published): a new draft takes none of them, so approving it never overwrites another. */
export interface TakenIds {
  sources: Set<string>;
  incidents: Set<string>;
  quotes: Set<string>;
  statistics: Set<string>;
}

const PRECISION_OF: Record<PlaceKind, LocationPrecision> = {
  country: 'country',
  region: 'feature',
  province: 'province',
  district: 'district',
  city: 'near',
  site: 'near',
};

/**
 * The drafts of one extraction. Ids that are taken get a suffix (references between the article's own
 * records follow). A town the gazetteer lacks has no coordinates, so it cannot be published as a place:
 * the incident is placed in the district or province the text puts the town in, at that precision, and
 * keeps the article's words for the town as its location description; `notes` says so for the log.
 */
export function draftsFromExtraction(x: Extraction, taken: TakenIds, gazetteer: Gazetteer): { drafts: QueuedDraft[]; notes: string[] } {
  const notes: string[] = [];
  const newActors = new Map(x.actors.map((a) => [a.id, a]));
  // The new actors a record names, and the new organisations they belong to.
  const bundleFor = (actorIds: (string | null)[]): DraftBundle => {
    const actors = new Map<string, Actor>();
    const add = (id: string | null) => {
      const a = id ? newActors.get(id) : undefined;
      if (!a || actors.has(a.id)) return;
      actors.set(a.id, a);
      add(a.organisationId);
    };
    for (const id of actorIds) add(id);
    return { source: x.source, places: [], actors: [...actors.values()] };
  };
  taken.sources.add(x.source.id);

  const incidentIds = new Map<string, string>();
  for (const inc of x.incidents) incidentIds.set(inc.id, uniqueId(inc.id, taken.incidents));
  const draftPlaces = new Map(x.places.map((p) => [p.id, p]));
  const drafts: QueuedDraft[] = [];
  for (const { confidence: _c, matches, ...inc } of x.incidents) {
    const record: Incident = { ...inc, id: incidentIds.get(inc.id)! };
    if (record.date.derivedFrom)
      record.date = {
        ...record.date,
        derivedFrom: { ...record.date.derivedFrom, ref: incidentIds.get(record.date.derivedFrom.ref) ?? record.date.derivedFrom.ref },
      };
    const town = draftPlaces.get(inc.placeId);
    if (town?.parentId && town.coordinates === null) {
      const parent = gazetteer.get(town.parentId);
      if (!parent) continue;
      record.placeId = parent.id;
      record.location = { precision: PRECISION_OF[parent.kind], coordinates: null, description: inc.location.description ?? town.name };
      notes.push(`${town.name} is not in the gazetteer: ${record.id} is placed in ${parent.name} until the town is added with coordinates`);
    }
    drafts.push({
      kind: 'incident',
      record,
      bundle: bundleFor([record.perpetratorId, ...record.casualties.map((c) => c.actorId)]),
      duplicateOf: matches[0] ?? null,
    });
  }
  for (const q of x.quotes) {
    const record: Quote = { ...q, id: uniqueId(q.id, taken.quotes) };
    drafts.push({ kind: 'quote', record, bundle: bundleFor([q.speakerId, q.viaId]), duplicateOf: null });
  }
  const statIds = new Map<string, string>();
  for (const s of x.statistics) statIds.set(s.id, uniqueId(s.id, taken.statistics));
  for (const s of x.statistics) {
    const record: Statistic = { ...s, id: statIds.get(s.id)!, parentId: s.parentId ? (statIds.get(s.parentId) ?? s.parentId) : null };
    drafts.push({ kind: 'statistic', record, bundle: bundleFor([s.reporterId, s.perpetratorId]), duplicateOf: null });
  }
  return { drafts, notes };
}
