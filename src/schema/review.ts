import { z } from 'zod';
import { Id } from './common.ts';

/**
 * Who approved a record that entered the dataset through the review queue, and when. Records in data/
 * carry none; the running bot attaches these to what it publishes (`/incident` shows them).
 */
export const RecordReview = z.strictObject({
  kind: z.enum(['source', 'place', 'actor', 'incident', 'quote', 'statistic']),
  id: Id,
  reviewedBy: z.string().min(1),
  /** ISO instant of the decision. */
  reviewedAt: z.string().min(1),
});
export type RecordReview = z.infer<typeof RecordReview>;
