/**
 * The form names are compared in: lower case, accents and transliteration marks removed
 * (Şalāḩ ad Dīn -> salah ad din), apostrophes dropped (Dar'a -> dara), other punctuation as spaces.
 */
export function normalizeName(s: string): string {
  let n = normalized.get(s);
  if (n === undefined) {
    if (normalized.size >= MEMO_MAX) normalized.clear();
    normalized.set(s, (n = normalize(s)));
  }
  return n;
}

/**
 * The gazetteer and name indexes normalise the same few tens of thousands of names many times over (and
 * again for every Dataset built): remembered, up to a bound, since each takes several regex passes.
 */
const MEMO_MAX = 100_000;
const normalized = new Map<string, string>();

function normalize(s: string): string {
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
  let c = cores.get(s);
  if (c === undefined) {
    if (cores.size >= MEMO_MAX) cores.clear();
    cores.set(s, (c = withoutGenericWords(s)));
  }
  return c;
}
const cores = new Map<string, string>();

function withoutGenericWords(s: string): string {
  return normalizeName(s)
    .split(' ')
    .filter((w) => !GENERIC_WORDS.has(w))
    .join(' ');
}
