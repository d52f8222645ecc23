import { z } from 'zod';
import { DateSpec, Evidence, Id } from './common.ts';
import { CasualtyGroup } from './incident.ts';

/** A figure reported for a period or a population rather than for one attack. */
export const Statistic = z.strictObject({
  id: Id,
  sourceId: Id,
  kind: z.enum(['casualty-count', 'context']),
  /** The actor that reports the figure (a monitor, a report); null when the source states it itself. */
  reporterId: Id.nullable(),
  /** What is counted, in plain words ("Syrian troops killed by IS"). */
  description: z.string().min(1),
  value: z.number().int().min(0),
  qualifier: z.enum(['exact', 'approximately', 'nearly', 'at-least']),
  unit: z.string().min(1),
  outcome: z.enum(['killed', 'injured', 'deaths', 'population']).nullable(),
  group: CasualtyGroup.nullable(),
  perpetratorId: Id.nullable(),
  period: z.strictObject({ from: DateSpec, to: DateSpec }).nullable(),
  placeIds: z.array(Id).min(1),
  /** A sub-count of another statistic ("included two Russian soldiers"). */
  parentId: Id.nullable(),
  evidence: Evidence,
});
export type Statistic = z.infer<typeof Statistic>;
