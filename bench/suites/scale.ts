/**
 * Query core at scale: the shipped data and seeded synthetic datasets of 100,000 and 1,000,000
 * incidents, each in its own process (bench/suites/scale/worker.ts). Reports load (validate + index)
 * time, RSS and heap, and p50/p99 of the fixed query mix answered by our indexes, by better-sqlite3
 * (clustered table built from the same records in the same run) and by a plain array scan.
 * BENCH_SIZES=shipped,100000 limits the datasets.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table, type Suite } from '../suite.ts';
import { QUERY_KINDS } from '../../testkit/scale/query-mix.ts';

const WORKER = fileURLToPath(new URL('./scale/worker.ts', import.meta.url));
const fmt = (x: number | undefined, digits = 3) =>
  x === undefined || Number.isNaN(x) ? '-' : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(digits);

const suite: Suite = async () => {
  const sizes = (process.env.BENCH_SIZES ?? 'shipped,100000,1000000')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const figures: Record<string, number> = {};
  const lines: string[] = [];
  const loadRows: string[][] = [
    [
      'dataset',
      'incidents',
      'load ms (validate+index)',
      'CPU ms',
      'index ms',
      'RSS MB',
      'heap MB',
      'warm start ms (snapshot)',
      'warm RSS MB',
      'warm heap MB',
      'SQLite build ms',
      'cold start ms (NDJSON, no snapshot)',
      'cold CPU ms',
      'cold peak RSS MB',
      'answers differing',
      'load avg',
    ],
  ];
  const queryBlocks: string[] = [];
  const notes: string[] = [];
  for (const size of sizes) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--expose-gc', '--max-old-space-size=8192', WORKER, size, join(tmpdir(), `incident-bot-bench-${process.pid}-${size}.sqlite`)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const { figures: f, notes: n } = JSON.parse(out.trim().split('\n').pop()!) as { figures: Record<string, number>; notes: string[] };
    for (const [k, v] of Object.entries(f)) figures[`${size}.${k}`] = v;
    notes.push(...n.map((x) => `${size}: ${x}`));
    const cpu = (f.read_validate_cpu_ms ?? f.validate_cpu_ms ?? 0) + (f.index_cpu_ms ?? 0);
    const warm = f.warm_load_ms ?? f['snapshot.open_ms'];
    loadRows.push([
      size,
      String(f.incidents),
      fmt(f.load_ms),
      fmt(cpu),
      fmt(f.index_ms),
      fmt(f.rss_mb),
      fmt(f.heap_mb),
      fmt(warm),
      fmt(f['snapshot.rss_mb']),
      fmt(f['snapshot.heap_mb']),
      fmt(f.sqlite_build_ms),
      fmt(f['cold.load_ms']),
      fmt(f['cold.load_cpu_ms']),
      fmt(f['cold.peak_rss_mb']),
      String((f.mismatches ?? 0) + (f.snapshot_mismatches ?? 0) + (f.cold_mismatches ?? 0)),
      fmt(f.loadavg_1m, 2),
    ]);
    const rows = [
      [
        'query (' + size + ')',
        'ours p50',
        'ours p99',
        'ours snapshot p50',
        'ours snapshot p99',
        'SQLite p50',
        'SQLite p99',
        'scan p50',
        'scan p99',
        'ours/SQLite p50',
        'ours/SQLite p99',
      ],
    ];
    for (const k of QUERY_KINDS)
      rows.push([
        k,
        fmt(f[`${k}.ours.p50_ms`]),
        fmt(f[`${k}.ours.p99_ms`]),
        fmt(f[`snapshot.${k}.p50_ms`]),
        fmt(f[`snapshot.${k}.p99_ms`]),
        fmt(f[`${k}.sqlite.p50_ms`]),
        fmt(f[`${k}.sqlite.p99_ms`]),
        fmt(f[`${k}.scan.p50_ms`]),
        fmt(f[`${k}.scan.p99_ms`]),
        fmt(f[`${k}.ratio_p50`], 4),
        fmt(f[`${k}.ratio_p99`], 4),
      ]);
    queryBlocks.push('', ...table(rows));
  }
  lines.push(
    ...table(loadRows),
    ...queryBlocks,
    '',
    'Latencies in ms per query (one call, measured with process.hrtime); SQLite and scan return the same answers (checked every run; "answers differing" counts the variants where they do not). Load for synthetic sets = zod validation + index of records already in memory (generation not counted); for the shipped data = read + validate + index. Warm start: shipped = validated-records JSON snapshot + index; synthetic = a fresh process opening the records snapshot (index columns in memory, records read from disk when asked for; "ours snapshot" latencies are from that process, and its answers are checked against ours). Cold start (synthetic sets): a fresh process given the same incidents as an NDJSON data folder with its manifest and no snapshot, as after a data change: loadDataset hashes and checks the files, streams every incident through validation into the records snapshot and opens it (CPU = user + system; peak RSS of the process); its answers are checked against ours too. CPU ms is user CPU of the load (wall time suffers when the machine is shared: see load avg).',
  );
  if (notes.length) lines.push('Notes:', ...notes.map((x) => `  ${x}`));
  return { name: 'scale', lines, figures };
};
export default suite;
