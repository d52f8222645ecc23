import type { Source } from '../schema/index.ts';

export const GED_SOURCE_ID = 'ucdp-ged-191';

/** Citation text as the UCDP README for our copy asks for it (CC BY 4.0: use with citation). */
const GED_CITATION =
  'Sundberg, Ralph, and Erik Melander (2013) “Introducing the UCDP Georeferenced Event Dataset”, Journal of Peace Research 50(4); ' +
  'Högbladh, Stina (2019) “UCDP GED Codebook version 19.1”, Department of Peace and Conflict Research, Uppsala University.';

/** The note a refresh adds to the source, one per release (read back to name every release merged). */
const REFRESH_NOTE = /^Refreshed from the release “(.+)” on (\d{4}-\d{2}-\d{2})/;

/** The releases merged into the records by `import:ged --refresh`, oldest first, from the source's notes. */
export function refreshedReleases(source: Source): string[] {
  return source.notes.flatMap((n) => REFRESH_NOTE.exec(n)?.[1] ?? []);
}

/**
 * The UCDP source record once records from a newer release are merged in: its title, attribution and
 * figures note name every release behind the records (credit follows the figures), and a note says when
 * each was merged. The id stays, so records keep pointing at it.
 */
export function gedSourceWithRelease(previous: Source, release: string, day: string): Source {
  const releases = refreshedReleases(previous);
  const notes = releases.includes(release)
    ? previous.notes
    : [
        ...previous.notes,
        `Refreshed from the release “${release}” on ${day} (npm run import:ged -- --refresh): events matched by UCDP id, changes kept in data/revisions/ucdp-ged.ndjson.`,
      ];
  const all = releases.includes(release) ? releases : [...releases, release];
  // No comma inside: short names are the title up to its first comma.
  const names = `19.1 updated from ${all.join(' and ')}`;
  return {
    ...GED_SOURCE,
    title: `UCDP Georeferenced Event Dataset (GED) ${names}, Iraq and Syria`,
    attribution: `Data: UCDP Georeferenced Event Dataset (GED) ${names}, CC BY 4.0; deaths are UCDP's best estimates. ${GED_CITATION}`,
    figures: `deaths from UCDP GED ${names} are UCDP's best estimates`,
    notes,
  };
}

export const GED_SOURCE: Source = {
  id: GED_SOURCE_ID,
  kind: 'dataset',
  title: 'UCDP Georeferenced Event Dataset (GED) 19.1, Iraq and Syria',
  publisher: 'Uppsala Conflict Data Program (UCDP), Department of Peace and Conflict Research, Uppsala University',
  published: null,
  dateline: null,
  url: 'https://ucdp.uu.se/downloads/',
  // Said wherever UCDP is credited, so a total built on GED reads as UCDP's best estimate, not a count.
  attribution: `Data: UCDP Georeferenced Event Dataset (GED) 19.1, CC BY 4.0; deaths are UCDP's best estimates. ${GED_CITATION}`,
  licence: 'CC BY 4.0',
  figures: "deaths from UCDP GED 19.1 are UCDP's best estimates",
  notes: [
    'Our copy: Iraq 1989-01-01..2018-12-25 (UCDP GED 19.1 country extract as published on the Humanitarian Data Exchange) and Syria 2016-01-01..2019-11-30 (UCDP GED Syria release 652.1601.1911); Syria before 2016, Iraq in 2019 and anything after 2019-11-30 are missing.',
    "Imported with `npm run import:ged`. Each incident keeps UCDP's event id (incident id ged-<id>, citation.eventId); its evidence is UCDP's source reference (source_article), quoted as UCDP gives it, and its citation holds source_headline, source_office, source_date and source_original.",
    "Casualty figures are UCDP's best estimates of deaths per side (deaths_a, deaths_b, deaths_civilians, deaths_unknown); low/best/high go to the fatality estimate. UCDP records no injuries, so every injured figure is left open (null), never 0.",
    'Location precision follows UCDP\'s where_prec: 1 exact, 2 within about 25 km of the named place, 3 district, 4 province, 5 a linear or fuzzy feature (a road, river, border or an area such as "Northern Iraq"), 6 country, 7 water or airspace; only 1 and 2 keep the event\'s own point. Events UCDP reports together (event_clarity 2) are marked severalEvents and their summary says so.',
    "The one-line summaries are ours, generated from UCDP's fields (type of violence, sides, place, deaths); UCDP does not say which side attacked in state-based and non-state fighting, so only one-sided violence has a perpetrator.",
  ],
};
