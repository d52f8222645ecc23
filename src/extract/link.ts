/** Existing records that may be the same event as a draft, for the reviewer (commands' own rule). */
import type { Dataset } from '../core/dataset.ts';
import { findRelatedIncidents } from '../core/related-incidents.ts';
import type { Incident } from '../schema/index.ts';
import type { ExtractionData } from './extract-article.ts';

/** What the extractor needs from the dataset: places, actors and the same-event search. */
export function extractionData(ds: Dataset): ExtractionData {
  return {
    gazetteer: ds.gazetteer,
    actors: ds.actors,
    sourceIds: new Set(ds.sources.keys()),
    related: (incident: Incident) => (ds.gazetteer.get(incident.placeId) ? findRelatedIncidents(ds, incident).map((i) => i.id) : []),
  };
}
