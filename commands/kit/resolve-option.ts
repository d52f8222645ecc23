import type { Dataset } from '../../src/core/dataset.ts';
import { plural } from '../../src/core/format.ts';
import type { PlaceReading } from '../../src/core/gazetteer.ts';
import type { NameMatch } from '../../src/core/name-index.ts';
import { NotFoundError } from '../../src/core/user-error.ts';
import { echo } from './echo.ts';

/** Credit for names shown from GeoNames (CC BY 4.0 asks for it wherever its data is shown). */
export const GEONAMES_CREDIT = 'Place names: GeoNames (geonames.org), CC BY 4.0.';

function notFound(kind: string, query: string, suggestions: string[], label: (id: string) => string, hint: string): NotFoundError {
  // Labels contain commas ("Sulaymaniyah, Kurdistan Region, Iraq"), so choices are joined with "or".
  const dym = suggestions.length
    ? ` Did you mean ${suggestions
        .slice(0, 3)
        .map((s) => `**${label(s)}**`)
        .join(' or ')}?`
    : '';
  return new NotFoundError(`I don't know the ${kind} "${echo(query)}".${dym}${dym ? '' : ` ${hint}`}`.trimEnd());
}

function resolveWith(match: NameMatch, kind: string, query: string, label: (id: string) => string, hint: string): string {
  if (match.kind === 'found') return match.id;
  throw notFound(kind, query, match.suggestions, label, hint);
}

/**
 * A place option: an id from autocomplete, or any name, alias or other spelling of one of our places.
 * Otherwise NotFoundError with the answer: for a place the dataset has no record of, a true one (no
 * incidents there, and what the dataset covers); for an actor's name, "use actor:"; else "did you mean".
 */
export function resolvePlaceOption(ds: Dataset, query: string): string {
  if (ds.gazetteer.get(query)) return query;
  const reading = ds.gazetteer.read(query);
  if (reading.kind === 'found') return reading.id;
  if (reading.kind === 'outside') throw new NotFoundError(outsideAnswer(ds, query, reading));
  const actor = ds.actorNames.resolve(query);
  if (actor.kind === 'found' && actor.how !== 'typo') {
    const name = ds.actorName(actor.id);
    throw new NotFoundError(
      `"${echo(query)}" is ${sameWords(name, query) ? 'an actor' : `a name of ${name}, an actor`}, not a place. ` +
        `Give a place and the actor, e.g. place:${ds.gazetteer.coveredCountries()[0]?.id ?? 'iraq'} actor:${actor.id}.`,
    );
  }
  throw notFound('place', query, reading.suggestions, (id) => ds.gazetteer.label(id), 'Try a country, province or city, e.g. "syria" or "diyala".');
}

/** "Lebanon: no incidents in the dataset, which covers Iraq and Syria." and the like. */
function outsideAnswer(ds: Dataset, query: string, r: Extract<PlaceReading, { kind: 'outside' }>): string {
  const covers = listAnd(ds.gazetteer.coveredCountries().map((c) => c.name));
  const typed = sameWords(query, r.record.name) ? '' : ` ("${echo(query)}")`;
  const name = r.record.kind === 'country' ? `${r.record.name}${typed}` : `${r.record.name}, ${r.countryName}${typed}`;
  if (r.record.kind === 'country' || !r.inCoveredCountry) {
    const credit = r.record.origin === 'geonames' ? `\n${GEONAMES_CREDIT}` : '';
    return `${name}: no incidents in the dataset, which covers ${covers}.${credit}`;
  }
  // A town in a covered country that no incident names: say so, and offer the places nearby that have some.
  const count = (id: string) => ds.incidents.forPlace(id)?.length ?? 0;
  const withIncidents = r.nearby.filter((id) => count(id) > 0).slice(0, 3);
  const near = withIncidents.length
    ? ` Nearby places with incidents: ${withIncidents.map((id) => `**${ds.gazetteer.get(id)!.name}** (place:${id}, ${plural(count(id), 'incident')})`).join(', ')}.`
    : '';
  const district = withIncidents.length ? ds.gazetteer.ancestorOfKind(withIncidents[0]!, 'district') : undefined;
  const area = district ? ` The whole district: place:${district.id} (${plural(count(district.id), 'incident')}).` : '';
  return `${name}: no incident in the dataset is placed there by name.${near}${area}\n${GEONAMES_CREDIT}`;
}

const sameWords = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const listAnd = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? 'no country') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

export function resolveActorOption(ds: Dataset, query: string): string {
  if (ds.actors.has(query)) return query;
  return resolveWith(ds.actorNames.resolve(query), 'actor', query, (id) => ds.actorName(id), 'Try "IS".');
}

/** A person: a name, alias or role; otherwise NotFoundError with "did you mean" and who can be quoted. */
export function resolveSpeakerOption(ds: Dataset, query: string): string {
  if (ds.actors.has(query) && ds.quotes.some((q) => q.speakerId === query)) return query;
  const m = ds.speakerNames.resolve(query);
  if (m.kind === 'found') return m.id;
  const speakers = [...new Set(ds.quotes.map((q) => q.speakerId))].map((id) => {
    const a = ds.actors.get(id);
    return a?.role ? `${a.name} (${a.role})` : ds.actorName(id);
  });
  const e = notFound('person', query, m.suggestions, (id) => ds.actorName(id), '');
  throw new NotFoundError(`${e.message}\nPeople and reports that can be quoted: ${speakers.join('; ')}.`);
}
