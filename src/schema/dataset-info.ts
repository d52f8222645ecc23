import { z } from 'zod';
import { Id } from './common.ts';
import { CasualtyGroup } from './incident.ts';

/**
 * What the dataset is about, declared by its curator in data/dataset.json. The focus actor is what the
 * commands count unless asked otherwise (`actor:any` widens to all recorded violence), and its own dead
 * are kept apart in totals so nobody reads its losses as its victims.
 */
export const DatasetInfo = z.strictObject({
  focus: z.strictObject({
    /** The actor the dataset is about (an actor id). */
    actorId: Id,
    /** How titles name it, article included: "the Islamic State". */
    name: z.string().min(1),
    /** How totals name its own dead: "IS militants". */
    ownDeadLabel: z.string().min(1),
    /** The casualty group its own dead are recorded in; loading checks every entry of the actor uses it. */
    ownDeadGroup: CasualtyGroup,
  }),
});
export type DatasetInfo = z.infer<typeof DatasetInfo>;

/** The file under data/ that holds it. */
export const DATASET_INFO_FILE = 'dataset.json';
