import { z } from 'zod';
import { Coordinates, DateSpec, Evidence, Id } from './common.ts';

/**
 * Who was hit. Few, broad groups so totals and charts stay readable; `label` keeps the source's words
 * ("Kurdish soldiers", "Iraqi policemen") and `actorId` the exact party when known.
 */
export const CasualtyGroup = z.enum(['security-forces', 'militants', 'armed-groups', 'civilians', 'unknown']);
export type CasualtyGroup = z.infer<typeof CasualtyGroup>;
export const CASUALTY_GROUPS = CasualtyGroup.options;

const Count = z.number().int().min(0).max(100_000);

export const Casualty = z
  .strictObject({
    group: CasualtyGroup,
    actorId: Id.nullable(),
    label: z.string().min(1),
    /** null: the source does not say (never 0 for unknown). */
    killed: Count.nullable(),
    injured: Count.nullable(),
    note: z.string().min(1).nullable().default(null),
  })
  .refine((c) => c.killed !== null || c.injured !== null, {
    message: 'a casualty entry needs a killed or an injured figure (leave the group out when neither is known)',
    path: ['killed'],
  });
export type Casualty = z.infer<typeof Casualty>;

/**
 * How precisely the incident's location is known (UCDP's where_prec 1-7 map one to one):
 * exact: the spot itself; near: within about 25 km of the named place; district / province / country:
 * only that unit is known; feature: somewhere along or within a linear or fuzzy feature (a road, a river,
 * a border, a mountain range, an area such as "Northern Iraq"); water: on a body of water or in the air
 * (UCDP: international waters or airspace). Only exact and near are drawn as a spot on a map.
 */
export const LocationPrecision = z.enum(['exact', 'near', 'district', 'province', 'feature', 'country', 'water']);
export type LocationPrecision = z.infer<typeof LocationPrecision>;

export const Incident = z.strictObject({
  id: Id,
  sourceId: Id,
  date: DateSpec,
  /** The most specific place named; country, region and province follow from the gazetteer. */
  placeId: Id,
  location: z.strictObject({
    precision: LocationPrecision,
    /** The event's own point when the source gives one; otherwise the place's point is used. */
    coordinates: Coordinates.nullable(),
    /** The source's own words for the location ("oilfields", "a security post"). */
    description: z.string().min(1).nullable(),
  }),
  perpetratorId: Id.nullable(),
  target: z.string().min(1).nullable(),
  /** null: the source names no weapon. */
  weapons: z.array(z.string().min(1)).min(1).nullable(),
  casualties: z.array(Casualty),
  /** What the source says about casualties that does not fit a count (e.g. "the blast did not cause any human casualties"). */
  casualtyNote: z.string().min(1).nullable(),
  /** Fatality estimates when the source gives a range (UCDP's low/best/high). */
  fatalityEstimate: z
    .strictObject({ low: Count, best: Count, high: Count })
    .refine((f) => f.low <= f.best && f.best <= f.high, 'low <= best <= high must hold')
    .nullable()
    .default(null),
  /** true: the perpetrator claimed it; null: the source does not say. */
  claimed: z.boolean().nullable(),
  /**
   * true: the record reports several events together, with one date span, place and set of figures
   * (UCDP's event_clarity 2: the source gave only an aggregate). Absent: one identifiable event.
   */
  severalEvents: z.literal(true).optional(),
  /**
   * Another record of the same event, from another source (the record this one was found to duplicate,
   * by a reviewer or the extractor's duplicateOf). The event is counted once, with the figures of the
   * record pointed at (the primary); this record is shown beside it ("also reported by …") and its
   * source credited. The primary must exist and must not itself point elsewhere (no chains, no cycles).
   */
  sameEventAs: Id.optional(),
  /** One line in our own words. */
  summary: z.string().min(1).max(200),
  /** Background the source gives for this incident. */
  context: z.string().min(1).nullable().default(null),
  evidence: Evidence,
  /**
   * For records imported from a dataset (UCDP GED): the dataset's own event id and the reference it
   * gives for its source (headline, publishing office, publication date, who the information came
   * from). The dataset's full source reference text is the record's first evidence entry.
   */
  citation: z
    .strictObject({
      eventId: z.string().min(1),
      headline: z.string().min(1).nullable(),
      office: z.string().min(1).nullable(),
      date: z.string().min(1).nullable(),
      original: z.string().min(1).nullable(),
    })
    .nullable()
    .default(null),
});
export type Incident = z.infer<typeof Incident>;
