import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor, Incident, Place, Source } from '../schema/index.ts';
import { GED_SOURCE } from './ged-source.ts';
import type { ImportResult } from './import-ged.ts';

/** Files a GED import writes (relative to the data folder); everything else is input. */
export const GED_FILES = {
  places: 'places/ucdp-ged.json',
  actors: 'actors/ucdp-ged.json',
  sources: 'sources/ucdp-ged.json',
  incidents: (country: string) => `incidents/ucdp-ged-${country}.ndjson`,
};
/** Every per-country incident file a GED import may have written (any run, any country). */
const GED_INCIDENT_FILE = /^ucdp-ged-.+\.ndjson$/;
const GAZETTEER = 'places/gazetteer.json';

/** Records of one kind from data/<kind>/*.json, leaving out what a GED import wrote itself. */
export function readExisting<T>(dataDir: string, kind: 'places' | 'actors'): T[] {
  const dir = join(dataDir, kind);
  if (!existsSync(dir)) return [];
  const out: T[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json') || `${kind}/${name}` === GED_FILES[kind]) continue;
    out.push(...(JSON.parse(readFileSync(join(dir, name), 'utf8')) as T[]));
  }
  return out;
}

/** A JSON array with one record a line: small diffs, and byte-identical for identical records. */
export function jsonLines(records: readonly unknown[]): string {
  return records.length ? `[\n${records.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n` : '[]\n';
}

/**
 * Adds aliases to places in the hand-written gazetteer by inserting them into each place's
 * "aliases" array in the text, so the rest of the file (layout, comments-free JSON) stays as it is.
 */
export function addAliasesToGazetteerText(text: string, learned: ReadonlyMap<string, readonly string[]>): string {
  let out = text;
  for (const [id, aliases] of [...learned].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const at = out.indexOf(`"id": ${JSON.stringify(id)}`);
    if (at < 0) throw new Error(`gazetteer has no place "${id}"`);
    const open = out.indexOf('"aliases": [', at);
    if (open < 0) throw new Error(`place "${id}" has no aliases array in the gazetteer text`);
    let i = open + '"aliases": ['.length;
    let inString = false;
    for (; i < out.length; i++) {
      const ch = out[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === ']') break;
    }
    const empty = out.slice(open + '"aliases": ['.length, i).trim() === '';
    const insert = aliases.map((a) => JSON.stringify(a)).join(', ');
    out = out.slice(0, i) + (empty ? insert : `, ${insert}`) + out.slice(i);
  }
  const parsed = JSON.parse(out) as Place[];
  for (const [id, aliases] of learned) {
    const p = parsed.find((x) => x.id === id);
    if (!p || !aliases.every((a) => p.aliases.includes(a))) throw new Error(`adding aliases to "${id}" did not work`);
  }
  return out;
}

export interface WriteReport {
  written: string[];
  unchanged: string[];
  /** Incident files of an earlier import that this one replaces (their places and actors are gone). */
  removed: string[];
}

/**
 * Writes the import's records under dataDir; files whose content would not change are not touched.
 * The import replaces the previous one as a whole: places/ and actors/ucdp-ged.json are rewritten, so
 * an incidents/ucdp-ged-<country>.ndjson this run did not write (a country absent from this CSV or
 * left out by --only-actor) is removed, since its records point at places and actors that are gone.
 * A CSV without a single row (a header only) is refused before anything is written.
 */
export function writeGedOutput(dataDir: string, result: ImportResult, countryOf: (inc: Incident) => string, source: Source = GED_SOURCE): WriteReport {
  if (result.summary.read === 0) throw new Error('the CSV has no event rows (a header only?): nothing written, the data folder keeps its previous import');
  const report: WriteReport = { written: [], unchanged: [], removed: [] };
  const put = (rel: string, content: string) => {
    const path = join(dataDir, rel);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) return void report.unchanged.push(rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
    report.written.push(rel);
  };
  put(GED_FILES.sources, jsonLines([source]));
  put(GED_FILES.places, jsonLines(result.places satisfies Place[]));
  put(GED_FILES.actors, jsonLines(result.actors satisfies Actor[]));
  const byCountry = new Map<string, string[]>();
  for (const inc of result.incidents) {
    const c = countryOf(inc);
    const lines = byCountry.get(c) ?? [];
    lines.push(JSON.stringify(inc));
    byCountry.set(c, lines);
  }
  const current = new Set<string>();
  for (const [c, lines] of [...byCountry].sort()) {
    current.add(GED_FILES.incidents(c));
    put(GED_FILES.incidents(c), `${lines.join('\n')}\n`);
  }
  const incidentsDir = join(dataDir, 'incidents');
  if (existsSync(incidentsDir))
    for (const name of readdirSync(incidentsDir).sort()) {
      const rel = `incidents/${name}`;
      if (!GED_INCIDENT_FILE.test(name) || current.has(rel)) continue;
      unlinkSync(join(incidentsDir, name));
      report.removed.push(rel);
    }
  const gazPath = join(dataDir, GAZETTEER);
  if (result.learnedAliases.size) {
    if (!existsSync(gazPath)) throw new Error(`${GAZETTEER} is missing: the aliases it should learn have nowhere to go`);
    put(GAZETTEER, addAliasesToGazetteerText(readFileSync(gazPath, 'utf8'), result.learnedAliases));
  }
  return report;
}
