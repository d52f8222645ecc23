/**
 * `npm run export -- [--out DIR]`: writes every record published through review as dataset files
 * (DIR/<kind>/published.json, default DIR: ./data), for curators who keep data/ in git. They are read from
 * PostgreSQL with DATABASE_URL, else from the state folder's database.
 */
import './exit-on-closed-pipe.ts';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAppConfigOrExit } from '../config.ts';
import { reviewStoreOn } from '../review/open-review-store.ts';
import type { RawDataset } from '../schema/index.ts';
import { closeStoreBackend } from '../storage/backend.ts';
import { openStateOrExit, reportStoreFailure } from './open-state.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'data' } } });
const out = resolve(values.out);
const backend = await openStateOrExit(loadAppConfigOrExit());
let published: RawDataset;
try {
  published = await reviewStoreOn(backend).publishedDataset();
} catch (err) {
  reportStoreFailure(err);
} finally {
  await closeStoreBackend(backend);
}
let total = 0;
for (const [kind, records] of Object.entries(published)) {
  if (records.length === 0) continue;
  mkdirSync(join(out, kind), { recursive: true });
  const file = join(out, kind, 'published.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(records, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  total += records.length;
  process.stdout.write(`${kind}: ${records.length} → ${file}\n`);
}
if (total === 0) process.stdout.write('Nothing published through review yet.\n');
