/**
 * npm run bench [-- --json] [-- --only <suite file name>]
 *
 * Runs every module in bench/suites/*.ts (its default export is a Suite, see bench/suite.ts) one after
 * another, prints their report lines, and with --json prints one JSON object of all figures instead.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Suite, SuiteResult } from './suite.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, only: { type: 'string', multiple: true } } });
const dir = fileURLToPath(new URL('./suites/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .filter((f) => !values.only?.length || values.only.some((o) => f === o || f === `${o}.ts`))
  .sort();

const results: SuiteResult[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: Suite };
  if (typeof mod.default !== 'function') {
    console.error(`bench/suites/${f}: no default export to run; skipped`);
    continue;
  }
  const started = performance.now();
  const r = await mod.default();
  results.push(r);
  if (!values.json) {
    console.log(`\n== ${r.name} (${((performance.now() - started) / 1000).toFixed(1)} s) ==`);
    for (const l of r.lines) console.log(l);
  } else console.error(`${r.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
if (values.json) console.log(JSON.stringify(Object.fromEntries(results.map((r) => [r.name, r.figures])), null, 2));
