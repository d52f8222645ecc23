import { normalizeName } from '../core/normalize-name.ts';

/** A record id from words: "Umm Jurais" -> "umm-jurais", cut at a word boundary to fit the 64-character limit. */
export function slug(text: string, max = 64): string {
  const s = normalizeName(text).replace(/ /g, '-') || 'x';
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return cut.slice(0, cut.lastIndexOf('-') > 20 ? cut.lastIndexOf('-') : max).replace(/-+$/, '');
}

/** `base`, or `base-2`, `base-3`... when taken; the id is then taken. */
export function uniqueId(base: string, taken: Set<string>): string {
  let id = slug(base, 60);
  for (let i = 2; taken.has(id); i++) id = `${slug(base, 56)}-${i}`;
  taken.add(id);
  return id;
}
