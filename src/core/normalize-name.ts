/**
 * The form names are compared in: lower case, accents and transliteration marks removed
 * (Şalāḩ ad Dīn -> salah ad din), apostrophes dropped (Dar'a -> dara), other punctuation as spaces.
 */
export function normalizeName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ʿʾʼ'`’‘´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Words that say what kind of place a name is, and that users often leave out or add. */
const GENERIC_WORDS = new Set(['province', 'governorate', 'muhafazat', 'city', 'region', 'camp', 'district', 'the', 'of']);

/** normalizeName without generic words: "Daraa Governorate" and "Daraa province" both become "daraa". */
export function coreName(s: string): string {
  return normalizeName(s)
    .split(' ')
    .filter((w) => !GENERIC_WORDS.has(w))
    .join(' ');
}
