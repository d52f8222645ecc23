/** `npm run data:manifest [dir]`: records how many records each data file holds and its hash, for the loader to check. */
import { DEFAULT_DATA_DIR } from '../data/load-dataset.ts';
import { writeManifest } from '../data/manifest.ts';

const dir = process.argv[2] ?? DEFAULT_DATA_DIR;
const manifest = writeManifest(dir);
for (const [file, e] of Object.entries(manifest.files)) process.stdout.write(`  ${file}  ${e.records.toLocaleString('en-US')} records\n`);
process.stdout.write(`Wrote the manifest of ${Object.keys(manifest.files).length} data files in ${dir}.\n`);
