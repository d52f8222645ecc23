import { normalizeName } from '../core/normalize-name.ts';

/** A record id from a name: "Tall ‘Afar town" -> "tall-afar-town" (ASCII only, at most 60 characters). */
export function slugify(name: string): string {
  return normalizeName(name)
    .replace(/[^a-z0-9 ]+/g, '')
    .trim()
    .replace(/ +/g, '-')
    .slice(0, 60)
    .replace(/-+$/, '');
}
