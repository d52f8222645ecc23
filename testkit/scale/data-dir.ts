import { closeSync, cpSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from '../../src/data/load-dataset.ts';
import { writeManifest } from '../../src/data/manifest.ts';
import type { Incident } from '../../src/schema/index.ts';
import { SYNTHETIC_SOURCE } from './generate.ts';

/**
 * A data folder as the bot reads it: the shipped places, actors, sources, statistics and quotes, with
 * synthetic incidents (generateIncidents) in one NDJSON file instead of the real ones, and its
 * manifest. What a cold start (no snapshot yet) reads at scale.
 */
export function writeSyntheticDataDir(dir: string, incidents: readonly Incident[]): void {
  cpSync(DEFAULT_DATA_DIR, dir, { recursive: true, filter: (src) => !src.includes('/incidents') && !src.endsWith('manifest.json') });
  writeFileSync(join(dir, 'sources', 'synthetic.json'), JSON.stringify([SYNTHETIC_SOURCE]));
  mkdirSync(join(dir, 'incidents'), { recursive: true });
  const fd = openSync(join(dir, 'incidents', 'synthetic.ndjson'), 'w');
  try {
    // In batches: a million records never sit in memory as one string.
    const batch = 50_000;
    for (let at = 0; at < incidents.length; at += batch)
      writeSync(
        fd,
        `${incidents
          .slice(at, at + batch)
          .map((inc) => JSON.stringify(inc))
          .join('\n')}\n`,
      );
  } finally {
    closeSync(fd);
  }
  writeManifest(dir);
}
