/** `npm run data:check`: validates everything under data/ and prints counts per kind, or every problem found. */
import './exit-on-closed-pipe.ts';
import { loadDataset } from '../data/load-dataset.ts';
import { DatasetError } from '../core/dataset-issue.ts';

const dir = process.argv[2];
const started = performance.now();
try {
  // Always validate every record: a check that read a cached snapshot would prove nothing.
  const ds = loadDataset(dir, { snapshot: false, warn: (w) => process.stderr.write(`warning: ${w}\n`) });
  const ms = performance.now() - started;
  const counts = ds.counts();
  const width = Math.max(...Object.keys(counts).map((k) => k.length));
  process.stdout.write(`data/ is valid (${ms.toFixed(0)} ms to load, validate and index):\n`);
  for (const [kind, n] of Object.entries(counts)) process.stdout.write(`  ${kind.padEnd(width)}  ${n.toLocaleString('en-US')}\n`);
} catch (e) {
  if (e instanceof DatasetError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
