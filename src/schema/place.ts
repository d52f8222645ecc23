import { z } from 'zod';
import { Coordinates, Id } from './common.ts';

/** region: an area larger than a city with no admin status (Kurdistan Region, "Northern Iraq") or a line on the map (a road, a river, a border). */
export const PlaceKind = z.enum(['country', 'region', 'province', 'district', 'city', 'site']);
export type PlaceKind = z.infer<typeof PlaceKind>;

export const Place = z.strictObject({
  id: Id,
  name: z.string().min(1),
  kind: PlaceKind,
  /** The place this one lies in; null only for countries. */
  parentId: Id.nullable(),
  /** Other spellings and transliterations; matched case-, accent- and punctuation-insensitively. */
  aliases: z.array(z.string().min(1)).default([]),
  /** A representative point (city centre, or a province's approximate centre). */
  coordinates: Coordinates,
});
export type Place = z.infer<typeof Place>;
