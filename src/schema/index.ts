import type { z } from 'zod';
import { Actor } from './actor.ts';
import type { DatasetInfo } from './dataset-info.ts';
import { Incident } from './incident.ts';
import { Place } from './place.ts';
import { PlaceName } from './place-name.ts';
import { Quote } from './quote.ts';
import { Source } from './source.ts';
import { Statistic } from './statistic.ts';

export * from './common.ts';
export * from './actor.ts';
export * from './incident.ts';
export * from './place.ts';
export * from './place-name.ts';
export * from './quote.ts';
export * from './source.ts';
export * from './statistic.ts';
export * from './dataset-info.ts';
export * from './draft.ts';
export * from './review.ts';

/** Every kind of record, with the folder under data/ that holds it and its schema. */
export const RECORD_KINDS = {
  sources: { schema: Source, noun: 'source' },
  places: { schema: Place, noun: 'place' },
  actors: { schema: Actor, noun: 'actor' },
  incidents: { schema: Incident, noun: 'incident' },
  statistics: { schema: Statistic, noun: 'statistic' },
  quotes: { schema: Quote, noun: 'quote' },
  /** Names from outside gazetteers (GeoNames, ISO 3166), folder data/place-names/. */
  'place-names': { schema: PlaceName, noun: 'place name' },
} as const satisfies Record<string, { schema: z.ZodType; noun: string }>;
export type RecordKind = keyof typeof RECORD_KINDS;

export interface RawDataset {
  sources: Source[];
  places: Place[];
  actors: Actor[];
  incidents: Incident[];
  statistics: Statistic[];
  quotes: Quote[];
  /** Optional: a dataset without them still finds every name and alias of its own places. */
  'place-names'?: PlaceName[];
  /** data/dataset.json: the focus actor; absent, every command counts all recorded violence. */
  info?: DatasetInfo;
}
