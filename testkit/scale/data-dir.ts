import { closeSync, cpSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from '../../src/data/load-dataset.ts';
import { writeManifest } from '../../src/data/manifest.ts';
import type { RawDataset } from '../../src/schema/index.ts';
import { generateIncidents, SYNTHETIC_SOURCE } from './generate.ts';

/**
 * A data folder as the bot reads it: the shipped places, actors, sources, statistics and quotes, with
 * `count` synthetic incidents in one NDJSON file instead of the real ones, and its manifest. What a
 * cold start (no snapshot yet) reads at scale.
 */
export function writeSyntheticDataDir(dir: string, shipped: RawDataset, count: number, seed?: number): void {
  cpSync(DEFAULT_DATA_DIR, dir, { recursive: true, filter: (src) => !src.includes('/incidents') && !src.endsWith('manifest.json') });
  writeFileSync(join(dir, 'sources', 'synthetic.json'), JSON.stringify([SYNTHETIC_SOURCE]));
  mkdirSync(join(dir, 'incidents'), { recursive: true });
  const fd = openSync(join(dir, 'incidents', 'synthetic.ndjson'), 'w');
  try {
    // In batches: a million records never sit in memory as objects or as one string.
    const batch = 50_000;
    for (let at = 0; at < count; at += batch) {
      const incs = generateIncidents(shipped.incidents, Math.min(batch, count - at), (seed ?? 20191130) + at);
      writeSync(fd, incs.map((inc, i) => JSON.stringify({ ...inc, id: `syn-${(at + i).toString().padStart(7, '0')}` })).join('\n') + '\n');
    }
  } finally {
    closeSync(fd);
  }
  writeManifest(dir);
}
