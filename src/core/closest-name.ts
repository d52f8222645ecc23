import { NameIndex } from './name-index.ts';

/**
 * The one name of a short list (command names, option names) that a mistyped word most likely means:
 * a name it starts or is a spelling of, else the clearly closest one. Null when nothing is close.
 */
export function closestName(typed: string, names: readonly string[]): string | null {
  const index = new NameIndex(names.map((n) => ({ id: n, names: [n] })));
  const m = index.resolve(typed);
  if (m.kind === 'found') return m.id;
  return m.suggestions[0] ?? null;
}
