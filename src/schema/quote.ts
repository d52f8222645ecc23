import { z } from 'zod';
import { DateSpec, Evidence, Id } from './common.ts';

/**
 * A statement attributed to a person, an organisation or a report.
 * `direct`: `text` is exactly the words inside the source's quotation marks, and is the only kind ever
 * shown in quotation marks. `paraphrase`: the source reports what was said in its own words.
 */
export const Quote = z
  .strictObject({
    id: Id,
    sourceId: Id,
    kind: z.enum(['direct', 'paraphrase']),
    speakerId: Id,
    /** When the source has the words through someone else (the UN, quoted by the IG report). */
    viaId: Id.nullable().default(null),
    text: z.string().min(1),
    /**
     * For a paraphrase: `verbatim` when `text` is the source's own words, copied exactly (a sentence
     * or part of one); `ours` when it is our rewording of what the source reports. A direct quote is
     * verbatim by definition and has no `wording`.
     */
    wording: z.enum(['verbatim', 'ours']).optional(),
    date: DateSpec.nullable(),
    /** Where or in what medium it was said ("CBS This Morning"). */
    venue: z.string().min(1).nullable(),
    /** What it answers or concerns, in our words. */
    context: z.string().min(1),
    /** Where the source leaves the attribution open (e.g. gives the venue once for several remarks). */
    attributionNote: z.string().min(1).nullable().default(null),
    topics: z.array(z.string().min(1)).default([]),
    placeIds: z.array(Id).default([]),
    evidence: Evidence,
  })
  .refine((q) => q.kind !== 'direct' || q.evidence.some((e) => e.includes(q.text)), {
    message: 'a direct quote must appear word for word in one of its evidence sentences',
    path: ['text'],
  })
  .refine((q) => (q.kind === 'paraphrase') === (q.wording !== undefined), {
    message: 'a paraphrase says whether its text is the source\'s words (wording "verbatim") or ours ("ours"); a direct quote has no wording',
    path: ['wording'],
  })
  .refine((q) => q.wording !== 'verbatim' || q.evidence.some((e) => e.includes(q.text)), {
    message: 'a paraphrase labelled verbatim must appear word for word in one of its evidence sentences',
    path: ['text'],
  });
export type Quote = z.infer<typeof Quote>;
