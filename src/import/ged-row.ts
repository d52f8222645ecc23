import { z } from 'zod';
import { IsoDay } from '../schema/index.ts';

/**
 * One row of a UCDP GED 19.1 CSV (the columns we use; see ../shared/data/ucdp-ged/COLUMNS.md).
 * Strings as in the file, counts as integers; a row that does not fit is skipped with the reason.
 */
const int = z
  .string()
  .trim()
  .regex(/^-?\d+$/, 'must be an integer')
  .transform(Number);
const count = z.string().trim().regex(/^\d+$/, 'must be a whole number >= 0').transform(Number);
const num = z
  .string()
  .trim()
  .regex(/^-?\d+(?:\.\d+)?$/, 'must be a number')
  .transform(Number);
const text = z.string().transform((s) => s.trim().replace(/\s+/g, ' '));
/** A day; later GED and GED Candidate files write it with a time of day ("2024-01-31 00:00:00.000"), which is dropped. */
const day = z.preprocess((v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[ T]00:00(:00(\.0+)?)?$/.test(v.trim()) ? v.trim().slice(0, 10) : v), IsoDay);

/** The countries the dataset covers: a global release's other rows are left out (and counted), not errors. */
export const GED_COUNTRIES = ['Iraq', 'Syria'] as const;

export const GedRow = z.object({
  id: z.string().trim().regex(/^\d+$/, 'must be a numeric GED event id'),
  type_of_violence: z.enum(['1', '2', '3']).transform(Number),
  conflict_name: text,
  dyad_name: text,
  side_a_new_id: int,
  side_a: text.pipe(z.string().min(1)),
  side_b_new_id: int,
  side_b: text.pipe(z.string().min(1)),
  source_article: text,
  source_office: text,
  source_date: text,
  source_headline: text,
  source_original: text,
  where_prec: z.enum(['1', '2', '3', '4', '5', '6', '7']).transform(Number),
  where_coordinates: text,
  adm_1: text,
  adm_2: text,
  latitude: num.pipe(z.number().min(-90).max(90)),
  longitude: num.pipe(z.number().min(-180).max(180)),
  country: z.enum(GED_COUNTRIES),
  event_clarity: z.enum(['1', '2']).transform(Number),
  date_prec: z.enum(['1', '2', '3', '4', '5']).transform(Number),
  date_start: day,
  date_end: day,
  deaths_a: count,
  deaths_b: count,
  deaths_civilians: count,
  deaths_unknown: count,
  low: count,
  best: count,
  high: count,
});
export type GedRow = z.infer<typeof GedRow>;

/** Columns the importer needs; a file without them is rejected before any row is read. */
export const REQUIRED_COLUMNS = Object.keys(GedRow.shape);
