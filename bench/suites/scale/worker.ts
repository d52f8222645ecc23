/**
 * One dataset of the scale benchmark, in its own process so memory figures are its own:
 *   node --import tsx --expose-gc bench/suites/scale/worker.ts <shipped|N> <sqlite file>
 *   node --import tsx --expose-gc bench/suites/scale/worker.ts open <records snapshot>   (started by the above)
 *   node --import tsx --expose-gc bench/suites/scale/worker.ts cold <data folder> <snapshot folder>   (started by the above)
 * Prints one JSON object (figures and notes) on stdout.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { Dataset } from '../../../src/core/dataset.ts';
import { DEFAULT_DATA_DIR } from '../../../src/data/load-dataset.ts';
import { openRecordsSnapshot, writeRecordsSnapshot } from '../../../src/data/records-snapshot.ts';
import { loadDatasetFrom, loadRawDataset } from '../../../src/data/load-dataset.ts';
import { readDataDir, type RawFiles } from '../../../src/data/read-data-dir.ts';
import { validateRecords } from '../../../src/data/validate-records.ts';
import type { RawDataset } from '../../../src/schema/index.ts';
import { oursEngine, scanEngine, sqliteEngine, type Engine } from '../../../testkit/scale/engines.ts';
import { writeSyntheticDataDir } from '../../../testkit/scale/data-dir.ts';
import { syntheticDataset } from '../../../testkit/scale/generate.ts';
import { QUERY_KINDS, queryMix, timeKind } from '../../../testkit/scale/query-mix.ts';

const [which = 'shipped', sqlitePath = '/tmp/incident-bot-bench.sqlite'] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const f: Record<string, number> = {};
const notes: string[] = [];
const time = <T>(key: string, fn: () => T): T => {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = fn();
  f[key] = Math.round((performance.now() - t) * 10) / 10;
  f[key.replace(/_ms$/, '_cpu_ms')] = Math.round(process.cpuUsage(c).user / 100) / 10;
  return r;
};
f.loadavg_1m = Math.round(os.loadavg()[0]! * 100) / 100;
const filesOf = (raw: RawDataset): RawFiles => {
  const out = {} as RawFiles;
  const { info, ...kinds } = raw;
  for (const [kind, recs] of Object.entries(kinds))
    out[kind as keyof typeof kinds] = (recs as unknown[]).map((value, index) => ({ file: `synthetic/${kind}`, index, value }));
  if (info) out.info = { file: 'synthetic/dataset.json', index: 0, value: info };
  return out;
};

const canon = (x: unknown) =>
  JSON.stringify(x, (_k, v: unknown) =>
    Array.isArray(v) && v.length && typeof v[0] === 'object' && v[0] && 'placeId' in v[0] ? [...v].sort((a, b) => (a.placeId < b.placeId ? -1 : 1)) : v,
  );

/** A child process's last step: the query mix answered (for the parent's check) and timed on `ds`, printed as JSON. */
function answerAndTimeThenExit(ds: Dataset): never {
  const engine = oursEngine(ds);
  const mix = queryMix(ds);
  const answers: string[] = [];
  for (const kind of QUERY_KINDS) for (const v of mix.variants[kind]) answers.push(canon(v.run(engine)));
  for (const kind of QUERY_KINDS) {
    const t = timeKind(engine, mix.variants[kind], 3000, 3000);
    f[`${kind}.p50_ms`] = t.p50;
    f[`${kind}.p99_ms`] = t.p99;
  }
  console.log(JSON.stringify({ figures: f, answers }));
  process.exit(0);
}

if (which === 'cold') {
  // A fresh process starting on a data folder it has no snapshot of (the first start after a data
  // change): read, check, validate, index and snapshot, as loadDataset does; then the same query mix.
  const [, dataDir = '', snapshotDir = ''] = process.argv.slice(2);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { dataset: ds, snapshot } = loadDatasetFrom(dataDir, { snapshotDir });
  f.load_ms = Math.round(performance.now() - t0);
  const c = process.cpuUsage(c0);
  f.load_cpu_ms = Math.round((c.user + c.system) / 1000);
  f.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1000);
  gc();
  f.rss_mb = Math.round(process.memoryUsage().rss / 1e6);
  f.incidents = ds.incidents.incidents.length;
  f.records_on_disk = snapshot ? 1 : 0;
  answerAndTimeThenExit(ds);
}

if (which === 'open') {
  // A fresh process opening the binary snapshot: start-up, memory and our latencies with records on disk.
  const snap = time('open_ms', () => openRecordsSnapshot(sqlitePath));
  gc();
  const m = process.memoryUsage();
  f.rss_mb = Math.round(m.rss / 1e6);
  f.heap_mb = Math.round(m.heapUsed / 1e6);
  answerAndTimeThenExit(snap);
}

let raw: RawDataset;
let coldDir: string | null = null;
if (which === 'shipped') {
  raw = time('read_validate_ms', () => validateRecords(readDataDir(DEFAULT_DATA_DIR)));
  loadRawDataset(DEFAULT_DATA_DIR); // make sure the snapshot exists
  raw = time('snapshot_load_ms', () => loadRawDataset(DEFAULT_DATA_DIR));
} else {
  const n = Number(which);
  const shipped = loadRawDataset(DEFAULT_DATA_DIR);
  let syn: RawDataset | null = time('generate_ms', () => syntheticDataset(shipped, n));
  // The same incidents as a data folder on disk, for the cold start below.
  coldDir = mkdtempSync(join(os.tmpdir(), `incident-bot-cold-${n}-`));
  writeSyntheticDataDir(coldDir, syn.incidents);
  raw = time('validate_ms', () => validateRecords(filesOf(syn!)));
  syn = null;
}
gc();
const ds = time('index_ms', () => new Dataset(raw));
gc();
const mem = process.memoryUsage();
f.rss_mb = Math.round(mem.rss / 1e6);
f.heap_mb = Math.round(mem.heapUsed / 1e6);
f.incidents = ds.incidents.incidents.length;
f.load_ms = Math.round(((f.read_validate_ms ?? f.validate_ms ?? 0) + f.index_ms!) * 10) / 10;
if (f.snapshot_load_ms !== undefined) f.warm_load_ms = Math.round((f.snapshot_load_ms + f.index_ms!) * 10) / 10;

rmSync(sqlitePath, { force: true });
const ours = oursEngine(ds);
const sqlite = time('sqlite_build_ms', () => sqliteEngine(ds, sqlitePath));
const scan = scanEngine(ds);
const mix = queryMix(ds);

// Correctness: every variant, every engine, the same answer. A mistyped name may legitimately resolve
// to different places (our name index vs edit distance); then the pages are compared for our place.
let mismatches = 0;
let fuzzyDisagreements = 0;
for (const kind of QUERY_KINDS)
  for (const v of mix.variants[kind]) {
    const mine = v.run(ours) as { id?: string | null };
    for (const e of [sqlite, scan] as Engine[]) {
      let theirs = v.run(e) as { id?: string | null };
      if (kind === 'fuzzy-place' && theirs.id !== mine.id) {
        fuzzyDisagreements++;
        notes.push(`fuzzy "${v.label}": ours -> ${mine.id}, ${e.name} (edit distance) -> ${theirs.id}`);
        theirs = { id: mine.id, page: e.attacks({ placeId: mine.id!, from: null, to: null }, 0, 10) } as typeof theirs;
      }
      if (canon(theirs) !== canon(mine)) {
        mismatches++;
        notes.push(`${kind} "${v.label}": ${e.name} differs from ours`);
      }
    }
  }
f.mismatches = mismatches;
f.fuzzy_disagreements = fuzzyDisagreements;

// Synthetic sets: the binary snapshot (what loadDataset keeps from 100,000 incidents on), opened by a
// fresh process; its answers must be ours.
if (which !== 'shipped') {
  const snapPath = `${sqlitePath}.snapshot.bin`;
  time('snapshot_write_ms', () => writeRecordsSnapshot(ds, snapPath));
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), 'open', snapPath], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const child = JSON.parse(out.trim().split('\n').pop()!) as { figures: Record<string, number>; answers: string[] };
  for (const [k, v] of Object.entries(child.figures)) f[`snapshot.${k}`] = v;
  const mine: string[] = [];
  for (const kind of QUERY_KINDS) for (const v of mix.variants[kind]) mine.push(canon(v.run(ours)));
  f.snapshot_mismatches = mine.filter((a, i) => a !== child.answers[i]).length;
  rmSync(snapPath, { force: true });
  // The cold start: a fresh process on the NDJSON folder of the same incidents, with no snapshot yet.
  const snapshotDir = mkdtempSync(join(os.tmpdir(), 'incident-bot-cold-cache-'));
  const cold = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(import.meta.url), 'cold', coldDir!, snapshotDir], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
      .trim()
      .split('\n')
      .pop()!,
  ) as { figures: Record<string, number>; answers: string[] };
  for (const [k, v] of Object.entries(cold.figures)) f[`cold.${k}`] = v;
  f.cold_mismatches = 0;
  let at = 0;
  for (const kind of QUERY_KINDS)
    for (const v of mix.variants[kind])
      if (mine[at] !== cold.answers[at++]) {
        f.cold_mismatches++;
        notes.push(`${kind} "${v.label}": the cold start's answer differs from ours`);
      }
  rmSync(coldDir!, { recursive: true, force: true });
  rmSync(snapshotDir, { recursive: true, force: true });
}

const big = f.incidents > 200_000;
for (const kind of QUERY_KINDS) {
  const variants = mix.variants[kind];
  const o = timeKind(ours, variants, 3000, 3000);
  const s = timeKind(sqlite, variants, 1500, big ? 4000 : 2000);
  const c = timeKind(scan, variants, 200, big ? 3000 : 2000);
  for (const [name, t] of [
    ['ours', o],
    ['sqlite', s],
    ['scan', c],
  ] as const) {
    f[`${kind}.${name}.p50_ms`] = t.p50;
    f[`${kind}.${name}.p99_ms`] = t.p99;
    f[`${kind}.${name}.n`] = t.n;
  }
  f[`${kind}.ratio_p50`] = o.p50 / s.p50;
  f[`${kind}.ratio_p99`] = o.p99 / s.p99;
}
sqlite.close();
rmSync(sqlitePath, { force: true });
console.log(JSON.stringify({ figures: f, notes }));
