import type { AutocompleteChoice } from './context.ts';
import type { Dataset } from '../../src/core/dataset.ts';
import { ANY_ACTOR } from '../../src/core/focus.ts';
import { DISCORD_LIMITS } from './discord-limits.ts';
import { truncate } from '../../src/core/format.ts';
import { perDataset } from '../../src/core/per-dataset.ts';

const MAX = DISCORD_LIMITS.autocompleteChoices;
const name = (s: string) => truncate(s, DISCORD_LIMITS.choiceName);

/** Countries first, then the places with the most incidents: what to offer before anything is typed. */
const busiestPlaces = perDataset(function busiestPlaces(ds: Dataset): string[] {
  const count = (id: string) => ds.incidents.forPlace(id)?.length ?? 0;
  const countries = [...ds.gazetteer.all()].filter((p) => p.kind === 'country').map((p) => p.id);
  const others = [...ds.gazetteer.all()].filter((p) => p.kind !== 'country' && count(p.id) > 0).map((p) => p.id);
  const byCount = (a: string, b: string) => count(b) - count(a) || a.localeCompare(b);
  return [...countries.sort(byCount), ...others.sort(byCount)].slice(0, MAX);
});

/** Places for autocomplete: best matches for what is typed, else the busiest places; value = place id. */
export function placeChoices(ds: Dataset, typed: string): AutocompleteChoice[] {
  const ids = typed.trim() ? ds.gazetteer.suggest(typed, MAX) : busiestPlaces(ds);
  return ids.slice(0, MAX).map((id) => ({ name: name(ds.gazetteer.label(id)), value: id }));
}

export function actorChoices(ds: Dataset, typed: string): AutocompleteChoice[] {
  const ids = typed.trim() ? ds.actorNames.suggest(typed, MAX) : ds.raw.actors.filter((a) => a.kind === 'armed-group').map((a) => a.id);
  const choices = ids.map((id) => ({ name: name(ds.actorName(id)), value: id }));
  // "any" widens past the focus actor: offered first when nothing is typed, or when it is what is typed.
  if (!typed.trim() || ANY_ACTOR.startsWith(typed.trim().toLowerCase())) choices.unshift({ name: 'any (all recorded violence)', value: ANY_ACTOR });
  return choices.slice(0, MAX);
}

/** People (and reports) with quotes in the dataset, with their role. */
export function speakerChoices(ds: Dataset, typed: string): AutocompleteChoice[] {
  const ids = typed.trim() ? ds.speakerNames.suggest(typed, MAX) : [...new Set(ds.quotes.map((q) => q.speakerId))];
  return ids.slice(0, MAX).map((id) => {
    const a = ds.actors.get(id);
    return { name: name(a?.role ? `${a.name} (${a.role})` : ds.actorName(id)), value: id };
  });
}

/**
 * Incident ids containing what was typed, newest first; with the records in memory, also incidents
 * whose summary contains it. With the records on disk (a large dataset's binary snapshot) only the ids
 * are searched, in the in-memory id column, and only the matches' records are read (for their name):
 * a keystroke never walks a million records.
 */
export function incidentChoices(ds: Dataset, typed: string): AutocompleteChoice[] {
  const q = typed.trim().toLowerCase();
  return ds.incidents.matching(q, MAX).map((pos) => {
    const inc = ds.incidents.incidents[pos]!;
    return { name: name(`${inc.date.date} · ${inc.summary}`), value: inc.id };
  });
}
