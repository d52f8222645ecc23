import { z } from 'zod';
import { Id } from './common.ts';

export const ActorKind = z.enum(['armed-group', 'state-forces', 'government', 'organisation', 'person', 'report']);
export type ActorKind = z.infer<typeof ActorKind>;

export const Actor = z.strictObject({
  id: Id,
  name: z.string().min(1),
  kind: ActorKind,
  aliases: z.array(z.string().min(1)).default([]),
  /** For a person: the role the source gives ("Secretary of State"). */
  role: z.string().min(1).nullable().default(null),
  /** For a person or a report: the organisation it belongs to (an actor id). */
  organisationId: Id.nullable().default(null),
  description: z.string().min(1).nullable().default(null),
});
export type Actor = z.infer<typeof Actor>;
