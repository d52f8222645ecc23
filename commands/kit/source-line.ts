import type { Dataset } from '../../src/core/dataset.ts';
import type { Incident } from '../../src/schema/index.ts';
import { truncate } from '../../src/core/format.ts';

/** The short name of a record's source, for list lines. */
export function sourceName(ds: Dataset, sourceId: string): string {
  const s = ds.sources.get(sourceId);
  return s ? truncate(s.title, 60) : sourceId;
}

/**
 * The source of a list line: its short name, and for a news article also its publisher and a link to it,
 * so a reader of a digest or a list sees where a newly published record came from.
 */
export function sourceCredit(ds: Dataset, sourceId: string): string {
  const s = ds.sources.get(sourceId);
  if (s?.kind !== 'article') return sourceName(ds, sourceId);
  const name = truncate(s.title, 60).replace(/[[\]]/g, '');
  return `${s.url ? `[${name}](${s.url})` : name}${s.publisher ? ` — ${truncate(s.publisher, 40)}` : ''}`;
}

/** Attribution lines for every source a reply draws on (shown in footers; UCDP's licence requires it). */
export function attributionFor(ds: Dataset, sourceIds: Iterable<string>): string {
  const lines = [...new Set(sourceIds)].map((id) => ds.sources.get(id)?.attribution ?? id);
  return lines.join(' · ');
}

export function sourcesOf(incidents: readonly Incident[]): string[] {
  return [...new Set(incidents.map((i) => i.sourceId))];
}
