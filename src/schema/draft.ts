import { z } from 'zod';
import { Id } from './common.ts';
import { Incident } from './incident.ts';
import { Place } from './place.ts';

/**
 * Records extracted from an article before a person reviews them. An incident draft is an Incident
 * plus how sure the extractor is and which existing records may be the same event; a draft place is
 * a town the gazetteer lacks, which has no coordinates until someone looks it up.
 */
export const DraftIncident = Incident.extend({
  confidence: z.number().min(0).max(1),
  /** Existing incidents of the same event (same or adjacent day, same province, same perpetrator). */
  matches: z.array(Id),
});
export type DraftIncident = z.infer<typeof DraftIncident>;

export const DraftPlace = Place.extend({ coordinates: Place.shape.coordinates.nullable() });
export type DraftPlace = z.infer<typeof DraftPlace>;
