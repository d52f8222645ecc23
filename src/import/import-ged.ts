import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { Incident, type Actor, type Casualty, type DateSpec, type LocationPrecision, type Place } from '../schema/index.ts';
import { casualtyGroupOf, CIVILIANS, GedActors } from './ged-actors.ts';
import { GedPlaces, type PlaceRef } from './ged-places.ts';
import { GED_COUNTRIES, GedRow, REQUIRED_COLUMNS } from './ged-row.ts';
import { GED_SOURCE, GED_SOURCE_ID } from './ged-source.ts';

export interface ImportOptions {
  /** Keep only events with this side (GED's name, e.g. "IS"). */
  onlyActor?: string | null;
  /** Places and actors already in the dataset (not those a previous GED import wrote). */
  existingPlaces: readonly Place[];
  existingActors: readonly Actor[];
  /** Called after each row with the number of rows read so far. */
  onRow?: (read: number) => void;
}

export interface ImportSummary {
  read: number;
  imported: number;
  /** Rows left out by --only-actor. */
  filtered: number;
  /** Rows of countries the dataset does not cover (a global release), left out. */
  otherCountries: number;
  /** Rows that could not be imported, counted by reason. */
  skipped: Record<string, number>;
  /** Rows imported with something worth knowing, counted by note. */
  notes: Record<string, number>;
  byCountry: Record<string, number>;
}

export interface ImportResult {
  incidents: Incident[];
  places: Place[];
  actors: Actor[];
  /** New spellings for places already in the gazetteer: place id -> aliases to add. */
  learnedAliases: Map<string, string[]>;
  summary: ImportSummary;
}

const DATE_PREC_NOTE: Record<number, string> = {
  2: 'UCDP date precision 2: the event happened within these 2–6 days.',
  3: 'UCDP date precision 3: only the week is known.',
  4: 'UCDP date precision 4: only the month (8–30 days) is known.',
  5: 'UCDP date precision 5: known only to more than a month, within the year.',
};

/** UCDP GED codebook 19.1, where_prec: what the coordinates and place name stand for. */
const WHERE_PREC: Record<number, LocationPrecision> = { 1: 'exact', 2: 'near', 3: 'district', 4: 'province', 5: 'feature', 6: 'country', 7: 'water' };

interface Draft {
  row: GedRow;
  ref: PlaceRef;
  sideA: string | null;
  sideB: string | null;
}

/**
 * Streams a UCDP GED CSV into our records. Places are collected while streaming and built at the end
 * (a place's parent and point depend on all its rows), then every incident is validated by the
 * Incident schema. Output is sorted, so the same file always gives the same records.
 */
export async function importGed(input: Readable, opts: ImportOptions): Promise<ImportResult> {
  const summary: ImportSummary = { read: 0, imported: 0, filtered: 0, otherCountries: 0, skipped: {}, notes: {}, byCountry: {} };
  const skip = (reason: string) => (summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1);
  const note = (what: string) => (summary.notes[what] = (summary.notes[what] ?? 0) + 1);
  const places = new GedPlaces(opts.existingPlaces);
  const actors = new GedActors(opts.existingActors);
  const drafts: Draft[] = [];

  const parser = input.pipe(parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: false }));
  let checkedColumns = false;
  for await (const rec of parser as AsyncIterable<Record<string, string>>) {
    if (!checkedColumns) {
      const missing = REQUIRED_COLUMNS.filter((c) => !(c in rec));
      if (missing.length) throw new Error(`not a UCDP GED file: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
      checkedColumns = true;
    }
    summary.read++;
    opts.onRow?.(summary.read);
    if (!(GED_COUNTRIES as readonly string[]).includes(rec.country?.trim() ?? '')) {
      summary.otherCountries++;
      continue;
    }
    const parsed = GedRow.safeParse(rec);
    if (!parsed.success) {
      const iss = parsed.error.issues[0]!;
      skip(`invalid ${iss.path.join('.') || 'row'}: ${iss.message}`);
      continue;
    }
    const row = parsed.data;
    if (opts.onlyActor && row.side_a !== opts.onlyActor && row.side_b !== opts.onlyActor) {
      summary.filtered++;
      continue;
    }
    if (row.date_end < row.date_start) {
      skip('date_end before date_start');
      continue;
    }
    const ref = places.add(row);
    drafts.push({
      row,
      ref,
      sideA: actors.idFor(row.side_a, row.side_a_new_id),
      sideB: actors.idFor(row.side_b, row.side_b_new_id),
    });
  }
  places.build();
  for (const w of places.warnings()) note(`gazetteer parent differs from GED: ${w}`);

  const incidents: Incident[] = [];
  for (const d of drafts) {
    const raw = toIncident(d, places.idOf(d.ref), places, note);
    const checked = Incident.safeParse(raw);
    if (!checked.success) {
      const iss = checked.error.issues[0]!;
      skip(`does not fit our schema (${iss.path.join('.')}: ${iss.message})`);
      continue;
    }
    incidents.push(checked.data);
    summary.imported++;
    summary.byCountry[d.row.country] = (summary.byCountry[d.row.country] ?? 0) + 1;
  }
  incidents.sort((a, b) => (a.date.date < b.date.date ? -1 : a.date.date > b.date.date ? 1 : gedNumber(a) - gedNumber(b)));
  return { incidents, places: places.created(), actors: actors.createdActors(), learnedAliases: places.learnedAliases(), summary };
}

const gedNumber = (i: Incident) => Number(i.id.slice(4));

function toIncident(d: Draft, placeId: string, places: GedPlaces, note: (what: string) => void): unknown {
  const r = d.row;
  const date: DateSpec =
    r.date_prec === 1
      ? { date: r.date_start, precision: 'exact' }
      : { date: r.date_start, end: r.date_end, precision: 'range', note: DATE_PREC_NOTE[r.date_prec] };
  const oneSided = r.type_of_violence === 3;
  const casualties: Casualty[] = [];
  const entry = (side: string, actorId: string | null, killed: number, label = side): Casualty => ({
    group: casualtyGroupOf(side),
    actorId,
    label,
    killed,
    injured: null,
    note: null,
  });
  if (!oneSided) {
    casualties.push(entry(r.side_a, d.sideA, r.deaths_a));
    if (r.side_b !== CIVILIANS) casualties.push(entry(r.side_b, d.sideB, r.deaths_b));
  }
  if (oneSided || r.deaths_civilians > 0) casualties.push(entry(CIVILIANS, null, r.deaths_civilians, 'civilians'));
  if (r.deaths_unknown > 0) casualties.push({ ...entry(CIVILIANS, null, r.deaths_unknown, 'persons of unknown status'), group: 'unknown' });

  const notes = ['UCDP best estimates of deaths; UCDP records no injuries.'];
  const consistent = r.low <= r.best && r.best <= r.high;
  if (!consistent) {
    notes.push(`UCDP's low/best/high estimates (${r.low}/${r.best}/${r.high}) do not satisfy low ≤ best ≤ high, so no range is given.`);
    note('fatality estimates inconsistent (low/best/high kept in the casualty note)');
  }
  const evidence = r.source_article ? [r.source_article] : [`UCDP GED 19.1 event ${r.id}: UCDP gives no source reference for this event.`];
  if (!r.source_article) note('no source_article: evidence names the UCDP event instead');

  return {
    id: `ged-${r.id}`,
    sourceId: GED_SOURCE_ID,
    date,
    placeId,
    location: {
      precision: WHERE_PREC[r.where_prec],
      // GED's point is the event's own only for 1 and 2; otherwise it stands for a unit or a feature.
      coordinates: r.where_prec <= 2 ? { lat: r.latitude, lon: r.longitude } : null,
      description: r.where_coordinates || null,
    },
    perpetratorId: oneSided ? d.sideA : null,
    target: oneSided ? 'civilians' : null,
    weapons: null,
    casualties,
    casualtyNote: notes.join(' '),
    fatalityEstimate: consistent ? { low: r.low, best: r.best, high: r.high } : null,
    ...(r.event_clarity === 2 ? { severalEvents: true } : {}),
    claimed: null,
    summary: summaryOf(r, places.nameOf(placeId)),
    context: r.conflict_name ? `UCDP conflict: ${r.conflict_name}.` : null,
    evidence,
    citation: {
      eventId: r.id,
      headline: r.source_headline || null,
      office: r.source_office || null,
      date: r.source_date || null,
      original: r.source_original || null,
    },
  };
}

/** "Ahrar al-Sham, HTS, Southern Front" -> "Ahrar al-Sham and 2 other groups" when names run long. */
function sideName(side: string, short: boolean): string {
  if (!short || !side.includes(', ')) return side;
  const parts = side.split(', ');
  return `${parts[0]} and ${parts.length - 1} other group${parts.length > 2 ? 's' : ''}`;
}

/** How the summary places the event, by where_prec: "near" a named place, "along" a road or border. */
const WHERE_WORD: Record<number, string> = { 1: 'in', 2: 'near', 3: 'in', 4: 'in', 5: 'along or within', 6: 'in', 7: 'on' };

/** One line in our words from UCDP's fields, e.g. "Clash between Government of Iraq and IS near Tikrīt; 3 killed." */
export function summaryOf(r: GedRow, placeName: string): string {
  const where = `${WHERE_WORD[r.where_prec]} ${placeName}`;
  // UCDP's event_clarity 2: the figures are for several events the source reported together.
  const several = r.event_clarity === 2 ? 'Several events reported together: ' : '';
  const killed =
    r.best === 0
      ? r.high > 0
        ? `no deaths in UCDP's best estimate (high estimate ${r.high})`
        : 'no deaths recorded'
      : `${r.best} killed${r.low <= r.best && r.best <= r.high && (r.low !== r.best || r.high !== r.best) ? ` (UCDP estimate ${r.low}–${r.high})` : ''}`;
  for (const short of [false, true]) {
    const a = sideName(r.side_a, short);
    const b = sideName(r.side_b, short);
    const s = `${several}${r.type_of_violence === 3 ? `${several ? 'violence' : 'Violence'} by ${a} against civilians ${where}; ${killed}.` : `${several ? 'clashes' : 'Clash'} between ${a} and ${b} ${where}; ${killed}.`}`;
    if (s.length <= 200) return s;
  }
  const s = `${several}${r.type_of_violence === 3 ? `${several ? 'violence' : 'Violence'} against civilians` : several ? 'clashes' : 'Clash'} ${where}; ${killed}.`;
  return s.length <= 200 ? s : `${s.slice(0, 199)}…`;
}

export { GED_SOURCE };
