import { z } from 'zod';

/** Record ids: lower-case slugs, stable across releases (they appear in custom ids and URLs). */
export const Id = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lower-case slug such as "diyala-province"')
  .max(64);

/** A calendar day, YYYY-MM-DD, that really exists (2019-02-30 is rejected). */
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const IsoDay = z
  .string()
  .regex(ISO_DAY, 'must be an ISO date YYYY-MM-DD')
  .refine((s) => {
    // By arithmetic, not through a Date: a million records' days are checked at a cold start.
    if (!ISO_DAY.test(s)) return false;
    const y = +s.slice(0, 4);
    const m = +s.slice(5, 7);
    const d = +s.slice(8, 10);
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    return m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[m - 1]!);
  }, 'is not a real calendar date');
export type IsoDay = z.infer<typeof IsoDay>;

/**
 * How well a date is known.
 * - exact: the source states the day outright (the year may come from the source's context; see the source note).
 * - derived: computed from another stated date ("two days before ...").
 * - range: only known to lie between `date` and `end` (a week, a month, "earlier in August").
 * - inferred: the source does not date this record; the day is our reading of its context, and
 *   `note` says what it rests on (words reported in the passage about a dated remark).
 */
export const DatePrecision = z.enum(['exact', 'derived', 'range', 'inferred']);
export type DatePrecision = z.infer<typeof DatePrecision>;

export const DateSpec = z
  .strictObject({
    date: IsoDay,
    end: IsoDay.optional(),
    precision: DatePrecision,
    derivedFrom: z
      .strictObject({
        /** The record (incident) whose date this one is computed from. */
        ref: Id,
        offsetDays: z.number().int(),
        /** The source's own words that give the relation, e.g. "two days before". */
        phrase: z.string().min(1),
      })
      .optional(),
    note: z.string().min(1).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.precision === 'derived' && !d.derivedFrom)
      ctx.addIssue({ code: 'custom', path: ['derivedFrom'], message: 'a derived date must say what it is derived from' });
    if (d.precision !== 'derived' && d.derivedFrom) ctx.addIssue({ code: 'custom', path: ['derivedFrom'], message: 'only a derived date has derivedFrom' });
    if (d.precision === 'inferred' && !d.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'an inferred date must say in its note what it is inferred from' });
    if (d.precision === 'range' && !d.end) ctx.addIssue({ code: 'custom', path: ['end'], message: 'a range needs an end date' });
    if (d.precision !== 'range' && d.end) ctx.addIssue({ code: 'custom', path: ['end'], message: 'only a range has an end date' });
    if (d.end && d.end < d.date) ctx.addIssue({ code: 'custom', path: ['end'], message: `end ${d.end} is before start ${d.date}` });
  });
export type DateSpec = z.infer<typeof DateSpec>;

export const Coordinates = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type Coordinates = z.infer<typeof Coordinates>;

/** A sentence (or sentences) copied word for word from the source, supporting a record. */
export const Evidence = z.array(z.string().min(1)).min(1, 'a record needs at least one supporting source sentence');
