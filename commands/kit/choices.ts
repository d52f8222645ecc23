import type { AutocompleteChoice } from './context.ts';
import type { Dataset } from '../../src/core/dataset.ts';
import { DISCORD_LIMITS } from './discord-limits.ts';
import { truncate } from '../../src/core/format.ts';

const MAX = DISCORD_LIMITS.autocompleteChoices;
const name = (s: string) => truncate(s, DISCORD_LIMITS.choiceName);

const busiest = new WeakMap<Dataset, string[]>();

/** Countries first, then the places with the most incidents: what to offer before anything is typed. */
function busiestPlaces(ds: Dataset): string[] {
  let ids = busiest.get(ds);
  if (!ids) {
    const count = (id: string) => ds.incidents.forPlace(id)?.length ?? 0;
    const countries = [...ds.gazetteer.all()].filter((p) => p.kind === 'country').map((p) => p.id);
    const others = [...ds.gazetteer.all()].filter((p) => p.kind !== 'country' && count(p.id) > 0).map((p) => p.id);
    const byCount = (a: string, b: string) => count(b) - count(a) || a.localeCompare(b);
    busiest.set(ds, (ids = [...countries.sort(byCount), ...others.sort(byCount)].slice(0, MAX)));
  }
  return ids;
}

/** Places for autocomplete: best matches for what is typed, else the busiest places; value = place id. */
export function placeChoices(ds: Dataset, typed: string): AutocompleteChoice[] {
  const ids = typed.trim() ? ds.gazetteer.suggest(typed, MAX) : busiestPlaces(ds);
  return ids.slice(0, MAX).map((id) => ({ name: name(ds.gazetteer.label(id)), value: id }));
}

export function actorChoices(ds: Dataset, typed: string): AutocompleteChoice[] {
  const ids = typed.trim() ? ds.actorNames.suggest(typed, MAX) : ds.raw.actors.filter((a) => a.kind === 'armed-group').map((a) => a.id);
  return ids.slice(0, MAX).map((id) => ({ name: name(ds.actorName(id)), value: id }));
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
  const idx = ds.incidents;
  const out: AutocompleteChoice[] = [];
  const choice = (pos: number) => {
    const inc = idx.incidents[pos]!;
    return { name: name(`${inc.date.date} · ${inc.summary}`), value: inc.id };
  };
  if (idx.recordsOnDisk) {
    const n = idx.incidents.length;
    for (let pos = 0; pos < n && out.length < MAX; pos++) if (!q || idx.idAt(pos).includes(q)) out.push(choice(pos));
    return out;
  }
  for (const inc of idx.incidents) {
    if (!q || inc.id.includes(q) || inc.summary.toLowerCase().includes(q)) {
      out.push({ name: name(`${inc.date.date} · ${inc.summary}`), value: inc.id });
      if (out.length >= MAX) break;
    }
  }
  return out;
}
