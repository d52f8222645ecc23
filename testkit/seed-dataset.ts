import { Dataset } from '../src/core/dataset.ts';
import { shippedRecords } from './shipped-dataset.ts';
import type { CommandContext } from '../commands/kit/command.ts';

export const SEED_SOURCE = 'is-comeback-2019';

let cached: Dataset | null = null;

/**
 * The shipped data/ folder restricted to the seed article's records (every place, actor and source
 * kept), so tests of the article's facts don't change when imported datasets grow.
 */
export function seedDataset(): Dataset {
  if (cached) return cached;
  const raw = shippedRecords();
  cached = new Dataset({
    ...raw,
    incidents: raw.incidents.filter((r) => r.sourceId === SEED_SOURCE),
    statistics: raw.statistics.filter((r) => r.sourceId === SEED_SOURCE),
    quotes: raw.quotes.filter((r) => r.sourceId === SEED_SOURCE),
  });
  return cached;
}

/** A handler context over the seed data with a fixed clock (late August 2019, when the article ran). */
export function seedContext(now = new Date('2019-08-25T09:00:00Z')): CommandContext {
  const ds = seedDataset();
  return { dataset: () => ds, now: () => now, invocation: { guildId: null, channelId: null, userId: null }, services: {} };
}
