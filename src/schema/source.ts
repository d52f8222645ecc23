import { z } from 'zod';
import { DateSpec, Id } from './common.ts';

export const Source = z.strictObject({
  id: Id,
  kind: z.enum(['article', 'dataset', 'report']),
  title: z.string().min(1),
  publisher: z.string().min(1).nullable(),
  /** Publication date, with its precision; null when unknown. */
  published: DateSpec.nullable(),
  /** Where the piece was filed from ("Cairo"), when it has a dateline. */
  dateline: z.string().min(1).nullable(),
  url: z.url().nullable(),
  /** What a user must be shown when facts from this source are displayed. */
  attribution: z.string().min(1),
  licence: z.string().min(1).nullable(),
  /** How its casualty figures must be read, said beside any total built on them ("deaths from UCDP GED 19.1 are UCDP's best estimates"). */
  figures: z.string().min(1).optional(),
  /** How the source was used and what it leaves open (e.g. the year it never states). */
  notes: z.array(z.string().min(1)).default([]),
});
export type Source = z.infer<typeof Source>;
