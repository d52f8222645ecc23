import type { Dataset } from '../../src/core/dataset.ts';
import type { NameMatch } from '../../src/core/name-index.ts';
import { NotFoundError } from '../../src/core/user-error.ts';
import { echo } from './echo.ts';

function notFound(kind: string, query: string, suggestions: string[], label: (id: string) => string, hint: string): NotFoundError {
  // Labels contain commas ("Sulaymaniyah, Kurdistan Region, Iraq"), so choices are joined with "or".
  const dym = suggestions.length ? ` Did you mean ${suggestions.slice(0, 3).map((s) => `**${label(s)}**`).join(' or ')}?` : '';
  return new NotFoundError(`I don't know the ${kind} "${echo(query)}".${dym}${dym ? '' : ` ${hint}`}`);
}

function resolveWith(match: NameMatch, kind: string, query: string, label: (id: string) => string, hint: string): string {
  if (match.kind === 'found') return match.id;
  throw notFound(kind, query, match.suggestions, label, hint);
}

/** A place option: an id from autocomplete, or any name or alias; otherwise NotFoundError with "did you mean". */
export function resolvePlaceOption(ds: Dataset, query: string): string {
  if (ds.gazetteer.get(query)) return query;
  return resolveWith(ds.gazetteer.resolve(query), 'place', query, (id) => ds.gazetteer.label(id), 'Try a country, province or city, e.g. "syria" or "diyala".');
}

export function resolveActorOption(ds: Dataset, query: string): string {
  if (ds.actors.has(query)) return query;
  return resolveWith(ds.actorNames.resolve(query), 'actor', query, (id) => ds.actorName(id), 'Try "IS".');
}

export function resolveSpeakerOption(ds: Dataset, query: string): string {
  if (ds.actors.has(query) && ds.quotes.some((q) => q.speakerId === query)) return query;
  return resolveWith(ds.speakerNames.resolve(query), 'person', query, (id) => ds.actorName(id), 'Try "pompeo".');
}
