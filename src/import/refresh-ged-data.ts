import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { writeManifest } from '../data/manifest.ts';
import { Gazetteer } from '../core/gazetteer.ts';
import type { Actor, Incident, Place, Source } from '../schema/index.ts';
import { GED_SOURCE, gedSourceWithRelease } from './ged-source.ts';
import { refreshGedIncidents, type RefreshCounts, type Revision } from './ged-refresh.ts';
import { importGed, type ImportSummary } from './import-ged.ts';
import { GED_FILES, readExisting, writeGedOutput, type WriteReport } from './write-ged.ts';

/** The revisions every GED refresh appends to (not a record kind: the dataset loader does not read it). */
export const GED_REVISIONS_FILE = 'revisions/ucdp-ged.ndjson';

export interface GedRefreshReport {
  release: string;
  counts: RefreshCounts;
  addedIds: string[];
  revisions: number;
  summary: ImportSummary;
  files: WriteReport;
}

/**
 * Refreshes the GED records under `dataDir` from a newer release (GED or GED Candidate): events are
 * matched by UCDP id, updated ones keep their changes as revisions (appended to GED_REVISIONS_FILE),
 * new ones are added, and those the release lacks are kept and reported, never deleted. Places and
 * actors of the earlier import stay beside the new ones, since kept records may still point at them.
 */
export async function refreshGedData(
  input: Readable,
  opts: { dataDir: string; release: string; now: Date; onlyActor?: string | null },
): Promise<GedRefreshReport> {
  const { dataDir } = opts;
  const existingPlaces = readExisting<Place>(dataDir, 'places');
  const existingActors = readExisting<Actor>(dataDir, 'actors');
  const result = await importGed(input, { onlyActor: opts.onlyActor ?? null, existingPlaces, existingActors });
  if (result.summary.read === 0) throw new Error('the release has a header but no event rows: nothing written, the data folder keeps its records');
  const earlier = readNdjson<Revision>(join(dataDir, GED_REVISIONS_FILE));
  const merged = refreshGedIncidents(previousGedIncidents(dataDir), result.incidents, {
    release: opts.release,
    recordedAt: opts.now.toISOString(),
    earlier,
  });
  // The new release's places and actors win on a shared id; the earlier ones stay for kept records.
  const places = unionById(readJson<Place>(join(dataDir, GED_FILES.places)), result.places);
  const actors = unionById(readJson<Actor>(join(dataDir, GED_FILES.actors)), result.actors);
  const gaz = new Gazetteer([...existingPlaces, ...places]);
  // Credit follows the figures: the source record names every release merged into its records.
  const source = gedSourceWithRelease(readJson<Source>(join(dataDir, GED_FILES.sources))[0] ?? GED_SOURCE, opts.release, opts.now.toISOString().slice(0, 10));
  const files = writeGedOutput(dataDir, { ...result, incidents: merged.incidents, places, actors }, (inc) => gaz.country(inc.placeId)?.id ?? 'unknown', source);
  if (merged.revisions.length) {
    mkdirSync(join(dataDir, 'revisions'), { recursive: true });
    appendFileSync(join(dataDir, GED_REVISIONS_FILE), merged.revisions.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
  writeManifest(dataDir); // last: the loader refuses data files that do not match it
  return { release: opts.release, counts: merged.counts, addedIds: merged.addedIds, revisions: merged.revisions.length, summary: result.summary, files };
}

/** The records an earlier GED import wrote (incidents/ucdp-ged-*.ndjson). */
function previousGedIncidents(dataDir: string): Incident[] {
  const dir = join(dataDir, 'incidents');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^ucdp-ged-.+\.ndjson$/.test(n))
    .sort()
    .flatMap((n) => readNdjson<Incident>(join(dir, n)));
}

function readNdjson<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

function readJson<T>(path: string): T[] {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T[]) : [];
}

/** The newer list in its order, then the earlier records whose id it lacks. */
function unionById<T extends { id: string }>(earlier: readonly T[], newer: readonly T[]): T[] {
  const ids = new Set(newer.map((r) => r.id));
  return [...newer, ...earlier.filter((r) => !ids.has(r.id))];
}
