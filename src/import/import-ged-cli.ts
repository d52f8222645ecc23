/**
 * npm run import:ged -- <ged.csv | http(s) URL> [--only-actor IS] [--out data] [--refresh [--release NAME]]
 *
 * Streams a UCDP GED 19.1 CSV into our records (validated by the zod schemas) and writes them under
 * the data folder: incidents/ucdp-ged-<country>.ndjson, places/ucdp-ged.json, actors/ucdp-ged.json,
 * sources/ucdp-ged.json, and GED's spellings as aliases of places already in places/gazetteer.json.
 * Re-running on the same file with the same options rewrites nothing (stable ids from GED's `id`).
 * `--refresh` merges a newer release (GED or GED Candidate) into the earlier import instead of
 * replacing it: by UCDP id, with revisions, nothing deleted (src/import/refresh-ged-data.ts).
 * A URL is downloaded first, within a deadline and a size limit. A refresh holds a lease on its data folder in
 * the bot's state store (SQLite in STATE_DIR, or DATABASE_URL), so two refreshes of one folder never run at once.
 */
import { writeManifest } from '../data/manifest.ts';
import { createReadStream, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { Gazetteer } from '../core/gazetteer.ts';
import type { Actor, Place } from '../schema/index.ts';
import { loadAppConfigOrExit } from '../config.ts';
import { closeStoreBackend, openStoreBackend, type StoreBackend } from '../storage/backend.ts';
import { type LeaseStore, SqliteLeaseStore } from '../storage/lease.ts';
import { PgLeaseStore } from '../storage/pg-lease.ts';
import { StoreError } from '../storage/postgres.ts';
import { importGed } from './import-ged.ts';
import { readExisting, writeGedOutput } from './write-ged.ts';
import { fetchRelease, isReleaseUrl } from './fetch-release.ts';
import { GED_REVISIONS_FILE, refreshGedData } from './refresh-ged-data.ts';

const USAGE = 'usage: npm run import:ged -- <ged.csv> [--only-actor IS] [--out data]';

async function main(): Promise<number> {
  const parse = () =>
    parseArgs({
      allowPositionals: true,
      options: {
        'only-actor': { type: 'string' },
        out: { type: 'string', default: 'data' },
        refresh: { type: 'boolean' },
        release: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.help || args.positionals.length !== 1) {
    console.error(USAGE);
    return args.values.help ? 0 : 2;
  }
  const input = args.positionals[0]!;
  const outDir = args.values.out!;
  let csv = input;
  if (isReleaseUrl(input)) {
    try {
      csv = await fetchRelease(input);
    } catch (e) {
      console.error(`import:ged: ${(e as Error).message}`);
      return 1;
    }
  }
  if (args.values.refresh) {
    const config = loadAppConfigOrExit();
    let backend: StoreBackend;
    try {
      backend = await openStoreBackend({ databaseUrl: config.databaseUrl, stateDir: config.stateDir });
    } catch (e) {
      console.error(`import:ged: ${e instanceof StoreError ? e.message : `could not open the state store: ${(e as Error).message}`}`);
      return 2;
    }
    try {
      return await underLease(backend, outDir, () => refresh(input, csv, outDir, args.values));
    } finally {
      await closeStoreBackend(backend);
    }
  }
  return importNew(csv, outDir, args.values);
}

/** How long a refresh's lease lasts without renewal: a refresh that died frees its folder after this. */
const REFRESH_LEASE_MS = 120_000;

/** Runs `work` holding the lease `ged-refresh:<folder>`; exit 1 with who holds it when another refresh does. */
async function underLease(backend: StoreBackend, outDir: string, work: () => Promise<number>): Promise<number> {
  const leases: LeaseStore = backend.kind === 'sqlite' ? new SqliteLeaseStore(backend.db) : new PgLeaseStore(backend.pool);
  const name = `ged-refresh:${resolve(outDir)}`;
  const holder = `${hostname()}:${process.pid}`;
  if (!(await leases.acquire(name, holder, REFRESH_LEASE_MS))) {
    const other = (await leases.live(name)).find((l) => l.name === name);
    console.error(
      `import:ged: another refresh of ${outDir} is running${other ? ` (${other.holder}; its lease runs until ${new Date(other.expiresAt).toISOString()})` : ''}; nothing was changed. Try again when it has finished.`,
    );
    return 1;
  }
  const renew = setInterval(() => void leases.acquire(name, holder, REFRESH_LEASE_MS).catch(() => undefined), REFRESH_LEASE_MS / 4);
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await leases.release(name, holder).catch(() => undefined);
  }
}

type Values = { release?: string | undefined; 'only-actor'?: string | undefined };

async function refresh(input: string, csv: string, outDir: string, values: Values): Promise<number> {
  const release = values.release ?? basename(input);
  const r = await refreshGedData(createReadStream(csv), { dataDir: outDir, release, now: new Date(), onlyActor: values['only-actor'] ?? null });
  const c = r.counts;
  console.log(
    [
      `Refreshed the UCDP GED records in ${outDir} from ${release} (${r.summary.read} rows read${r.summary.otherCountries ? `, ${r.summary.otherCountries} of other countries left out` : ''}):`,
      `  ${c.added} added, ${c.updated} updated, ${c.unchanged} unchanged, ${c.removedFromRelease} no longer in this release (kept, not deleted).`,
      `  ${r.revisions} revision${r.revisions === 1 ? '' : 's'} appended to ${join(outDir, GED_REVISIONS_FILE)}.`,
      ...(Object.keys(r.summary.skipped).length
        ? [
            `  Skipped: ${Object.entries(r.summary.skipped)
              .map(([why, n]) => `${n} × ${why}`)
              .join('; ')}`,
          ]
        : []),
      `  Wrote ${r.files.written.length ? r.files.written.join(', ') : 'nothing'}.`,
    ].join('\n'),
  );
  return 0;
}

/** A first import: writes the records of the file under the data folder. */
async function importNew(csv: string, outDir: string, values: Values): Promise<number> {
  const size = statSync(csv).size;
  const existingPlaces = readExisting<Place>(outDir, 'places');
  const existingActors = readExisting<Actor>(outDir, 'actors');

  const stream = createReadStream(csv);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: 'import {bar} {percentage}% | {rows} rows | {eta}s left', stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(size, 0, { rows: 0 });
  const started = performance.now();
  const result = await importGed(stream, {
    onlyActor: values['only-actor'] ?? null,
    existingPlaces,
    existingActors,
    onRow: (n) => {
      if (bar && n % 200 === 0) bar.update(stream.bytesRead, { rows: n });
    },
  });
  bar?.update(size, { rows: result.summary.read });
  bar?.stop();

  if (result.summary.read === 0) {
    console.error(`import:ged: ${csv} has a header but no event rows: nothing written, ${outDir} keeps its previous import.`);
    return 1;
  }
  const gaz = new Gazetteer([...existingPlaces, ...result.places]);
  const report = writeGedOutput(outDir, result, (inc) => gaz.country(inc.placeId)?.id ?? 'unknown');
  writeManifest(outDir); // last: the loader refuses data files that do not match it
  const s = result.summary;
  const lines = [
    `Read ${s.read} rows from ${csv} in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    `Imported ${s.imported} incidents (${
      Object.entries(s.byCountry)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ') || 'none'
    }).`,
    ...(values['only-actor'] ? [`Left out ${s.filtered} rows without the side "${values['only-actor']}".`] : []),
    ...(s.otherCountries ? [`Left out ${s.otherCountries} rows of other countries than Iraq and Syria.`] : []),
    `Skipped ${Object.values(s.skipped).reduce((a, b) => a + b, 0)} rows${Object.keys(s.skipped).length ? ':' : '.'}`,
    ...Object.entries(s.skipped).map(([why, n]) => `  ${n} × ${why}`),
    ...(Object.keys(s.notes).length ? ['Imported with notes:', ...Object.entries(s.notes).map(([why, n]) => `  ${n} × ${why}`)] : []),
    `Places: ${result.places.length} new (${countByKind(result.places)}); ${result.learnedAliases.size} known places learned ${[...result.learnedAliases.values()].flat().length} GED spellings.`,
    `Actors: ${result.actors.length} new.`,
    `Wrote ${report.written.length ? report.written.join(', ') : 'nothing'}${report.unchanged.length ? `; unchanged: ${report.unchanged.join(', ')}` : ''}.`,
    ...(report.removed.length ? [`Removed ${report.removed.join(', ')} (from an earlier import; this one has no events there).`] : []),
    'Data: UCDP GED 19.1 (CC BY 4.0). Cite Sundberg & Melander (2013), Journal of Peace Research 50(4), and Högbladh (2019), UCDP GED Codebook 19.1.',
  ];
  console.log(lines.join('\n'));
  return 0;
}

function countByKind(places: readonly Place[]): string {
  const m = new Map<string, number>();
  for (const p of places) m.set(p.kind, (m.get(p.kind) ?? 0) + 1);
  return [...m].map(([k, n]) => `${n} ${k}`).join(', ');
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`import:ged failed: ${(e as Error).message}`);
    process.exit(1);
  },
);
