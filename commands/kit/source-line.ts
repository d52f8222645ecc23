import type { Dataset } from '../../src/core/dataset.ts';
import type { Incident } from '../../src/schema/index.ts';
import { truncate } from '../../src/core/format.ts';

/** The short name of a record's source, for list lines. */
export function sourceName(ds: Dataset, sourceId: string): string {
  const s = ds.sources.get(sourceId);
  return s ? truncate(s.title, 60) : sourceId;
}

/** Attribution lines for every source a reply draws on (shown in footers; UCDP's licence requires it). */
export function attributionFor(ds: Dataset, sourceIds: Iterable<string>): string {
  const lines = [...new Set(sourceIds)].map((id) => ds.sources.get(id)?.attribution ?? id);
  return lines.join(' · ');
}

export function sourcesOf(incidents: readonly Incident[]): string[] {
  return [...new Set(incidents.map((i) => i.sourceId))];
}
