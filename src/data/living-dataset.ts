import { checkReferences } from '../core/check-references.ts';
import { Dataset } from '../core/dataset.ts';
import { formatIssue } from '../core/dataset-issue.ts';
import { Actor, Incident, Place, Quote, type RawDataset, type RecordReview, Source, Statistic } from '../schema/index.ts';
import type { WatchLogger } from './watch-dataset.ts';

/** A record the review queue published (src/review's PublishedRecord has this shape). */
export interface PublishedRecordLike {
  kind: 'source' | 'place' | 'actor' | 'incident' | 'quote' | 'statistic';
  id: string;
  record: unknown;
  reviewedBy: string | null;
  reviewedAt: number | null;
  publishedAt: number;
}

export type RefreshResult = { ok: true; dataset: Dataset; newIncidents: Incident[] } | { ok: false; error: string; issues: string[] };

export interface LivingDataset {
  /** What the commands, the digest and alerts see: data/ and every published record, as last validated together. */
  current(): Dataset;
  /** Reads the published records, merges them with data/, validates, and swaps in the result when valid. */
  refresh(): Promise<RefreshResult>;
  /** Told of incidents published since the last refresh (each once per process), after the swap. */
  onPublished(listener: (incidents: Incident[], dataset: Dataset) => void | Promise<void>): void;
}

export interface LivingDatasetOptions {
  /** data/, hot-reloaded (watchDataset): a reload is merged again with what was published. */
  base: { current(): Dataset; onSwap(listener: (ds: Dataset) => void): void };
  /** Every published record (ReviewStore.published()); null while the store is not open yet. */
  published: () => readonly PublishedRecordLike[] | null | Promise<readonly PublishedRecordLike[] | null>;
  /** Incidents published at or before this instant (ms) are not reported as new by the first refresh (they were before a restart). */
  reportedUntil?: () => number | Promise<number>;
  logger?: WatchLogger;
}

const SCHEMA = { source: Source, place: Place, actor: Actor, incident: Incident, quote: Quote, statistic: Statistic } as const;
const PLURAL = { source: 'sources', place: 'places', actor: 'actors', incident: 'incidents', quote: 'quotes', statistic: 'statistics' } as const;

/**
 * Merges data/ with the published records. A record whose id data/ already has is left out (exported with
 * `npm run export` and perhaps curated since: data/ is the authority). A link to a record of the same
 * article that was not published (a date "two days after" an attack that was rejected, a sub-count of a
 * rejected count) is loosened so the rest stands: the date becomes inferred with the words it rests on,
 * the sub-count stands alone. Throws with every problem when the merged records do not hold together.
 */
export function mergePublished(
  base: Dataset,
  published: readonly PublishedRecordLike[],
): { dataset: Dataset; notes: string[]; skipped: { kind: string; id: string; why: string }[] } {
  const notes: string[] = [];
  const skipped: { kind: string; id: string; why: string }[] = [];
  const add: { [K in keyof typeof PLURAL as (typeof PLURAL)[K]]: unknown[] } = {
    sources: [],
    places: [],
    actors: [],
    incidents: [],
    quotes: [],
    statistics: [],
  };
  const reviews: RecordReview[] = [];
  const raw = base.raw;
  const inBase = {
    source: (id: string) => base.sources.has(id),
    place: (id: string) => base.gazetteer.get(id) !== undefined,
    actor: (id: string) => base.actors.has(id),
    incident: (id: string) => base.incidents.get(id) !== undefined,
    quote: (id: string) => raw.quotes.some((q) => q.id === id),
    statistic: (id: string) => raw.statistics.some((s) => s.id === id),
  };
  for (const p of published) {
    const parsed = SCHEMA[p.kind].safeParse(p.record);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new Error(`published ${p.kind} "${p.id}": ${i.path.join('.') || '(record)'} ${i.message}`);
    }
    if (inBase[p.kind](p.id)) {
      skipped.push({ kind: p.kind, id: p.id, why: 'data/ has a record with this id; data/ is used' });
      continue;
    }
    add[PLURAL[p.kind]].push(parsed.data);
    if (p.reviewedBy && p.reviewedAt !== null)
      reviews.push({ kind: p.kind, id: p.id, reviewedBy: p.reviewedBy, reviewedAt: new Date(p.reviewedAt).toISOString() });
  }
  const incidents = add.incidents as Incident[];
  const statistics = add.statistics as Statistic[];
  const incidentIds = new Set(incidents.map((i) => i.id));
  for (const [n, inc] of incidents.entries()) {
    const d = inc.date.derivedFrom;
    if (d && !incidentIds.has(d.ref) && !inBase.incident(d.ref)) {
      incidents[n] = {
        ...inc,
        date: {
          date: inc.date.date,
          precision: 'inferred',
          note: `Dated from the article's words "${d.phrase}" (${d.offsetDays} days from an incident of the same article that was not published).`,
        },
      };
      notes.push(`${inc.id}: the incident its date derives from (${d.ref}) was not published; its date is shown as inferred`);
    }
  }
  const statIds = new Set(statistics.map((s) => s.id));
  for (const [n, s] of statistics.entries())
    if (s.parentId && !statIds.has(s.parentId) && !inBase.statistic(s.parentId)) {
      statistics[n] = { ...s, parentId: null };
      notes.push(`${s.id}: its parent count (${s.parentId}) was not published; it stands alone`);
    }
  const merged: RawDataset = {
    ...raw,
    sources: [...raw.sources, ...(add.sources as Source[])],
    places: [...raw.places, ...(add.places as Place[])],
    actors: [...raw.actors, ...(add.actors as Actor[])],
    incidents: incidents.length ? [...raw.incidents, ...incidents] : raw.incidents,
    quotes: [...raw.quotes, ...(add.quotes as Quote[])],
    statistics: [...raw.statistics, ...statistics],
  };
  const issues = checkReferences(merged, (kind, id) =>
    add[kind as keyof typeof add]?.some((r) => (r as { id: string }).id === id) ? 'published records' : `data/${kind}`,
  );
  if (issues.length) throw new MergeError(issues.map(formatIssue).map((s) => s.trim()));
  return { dataset: new Dataset(merged, undefined, reviews), notes, skipped };
}

export class MergeError extends Error {
  constructor(readonly issues: string[]) {
    super(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the published records`);
    this.name = 'MergeError';
  }
}

/**
 * The dataset of the running bot: data/ (hot-reloaded) with the review queue's published records,
 * swapped in on each publication without a restart (one reference assignment, as the watcher does). An
 * invalid merge keeps the last good dataset and logs why.
 */
export function livingDataset(opts: LivingDatasetOptions): LivingDataset {
  const log = opts.logger;
  let current = opts.base.current();
  const listeners: ((incidents: Incident[], ds: Dataset) => void | Promise<void>)[] = [];
  /** Published incident ids already reported (by this process, or before it started: `reportedUntil`). */
  let reported: Set<string> | null = null;
  let running: Promise<RefreshResult> | null = null;
  let again = false;
  /** What `current` was built from: a refresh with the same data/ and the same publications keeps it. */
  let builtFrom: { base: Dataset; stamp: string } | null = null;

  const once = async (): Promise<RefreshResult> => {
    let records: readonly PublishedRecordLike[] | null;
    try {
      records = await opts.published();
      if (records === null) return { ok: false, error: 'the review store is not open yet', issues: [] };
    } catch (err) {
      const error = `reading the published records failed: ${err instanceof Error ? err.message : String(err)}`;
      log?.error({ error }, 'published records not merged; still serving the last good dataset');
      return { ok: false, error, issues: [] };
    }
    const base = opts.base.current();
    const stamp = `${records.length}|${records.reduce((m, r) => Math.max(m, r.publishedAt), 0)}`;
    if (builtFrom && builtFrom.base === base && builtFrom.stamp === stamp) return { ok: true, dataset: current, newIncidents: [] };
    let merged: ReturnType<typeof mergePublished>;
    try {
      merged = records.length ? mergePublished(base, records) : { dataset: base, notes: [], skipped: [] };
    } catch (err) {
      const issues = err instanceof MergeError ? err.issues : [];
      const error = err instanceof Error ? err.message : String(err);
      log?.error({ error, issues: issues.slice(0, 50) }, 'published records rejected; still serving the last good dataset');
      return { ok: false, error, issues };
    }
    for (const note of merged.notes) log?.warn?.({ note }, 'published record loosened');
    for (const s of merged.skipped) log?.info({ ...s }, 'published record left out');
    const incidents = records.filter((r) => r.kind === 'incident');
    if (!reported) {
      const until = (await opts.reportedUntil?.()) ?? Number.NEGATIVE_INFINITY;
      reported = new Set(incidents.filter((r) => r.publishedAt <= until).map((r) => r.id));
    }
    const fresh: Incident[] = [];
    for (const r of incidents) {
      if (reported.has(r.id)) continue;
      const inc = merged.dataset.incident(r.id);
      if (inc) fresh.push(inc);
      reported.add(r.id);
    }
    current = merged.dataset;
    builtFrom = { base, stamp };
    log?.info({ newIncidents: fresh.map((i) => i.id), published: records.length, counts: current.counts() }, 'published records swapped in');
    if (fresh.length)
      for (const l of listeners) {
        try {
          await l(fresh, current);
        } catch (err) {
          log?.error({ err }, 'publication listener failed');
        }
      }
    return { ok: true, dataset: current, newIncidents: fresh };
  };

  const refresh = (): Promise<RefreshResult> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let r: RefreshResult;
      do {
        again = false;
        r = await once();
      } while (again);
      return r;
    })().finally(() => {
      running = null;
    });
    return running;
  };

  // data/ changed: merge the published records with the new data.
  opts.base.onSwap(() => void refresh());
  return { current: () => current, refresh, onPublished: (l) => void listeners.push(l) };
}
