/**
 * The spelling key of a place name: what stays the same across the ways Arabic (and Kurdish) names
 * are written in Latin letters, so "Fallujah", "Al-Falluja" and "Al Fallūjah" meet, and so do
 * "Tal Afar" / "Tall ‘Afar", "Deir ez-Zor" / "Dayr az Zawr", "Hasakeh" / "Al-Hasakah".
 * Takes a name already through normalizeName (lower case, no accents or ‘ ’ ʿ marks).
 */
export function spellingKey(normalized: string): string {
  let key = keys.get(normalized);
  if (key === undefined) {
    if (keys.size >= MEMO_MAX) keys.clear();
    keys.set(normalized, (key = keyOf(normalized)));
  }
  return key;
}

/** Keys remembered, up to a bound: the gazetteer asks for the same names' keys many times over. */
const MEMO_MAX = 100_000;
const keys = new Map<string, string>();

function keyOf(normalized: string): string {
  return normalized
    .split(' ')
    .filter((w) => w && !ARTICLES.has(w))
    .map(foldWord)
    .join(''); // "Tuz Khurmatu" / "Tuzkhurmatu", "Ras al-Ain" / "Ras al Ayn": spaces carry no meaning
}

/** The article and its sun-letter forms (al-, ad-, ar-, as-, ash-, at-, az-, an-, el-, ez-, …), written apart. */
const ARTICLES = new Set(['al', 'el', 'il', 'l', 'ad', 'ar', 'as', 'ash', 'at', 'ath', 'az', 'an', 'adh', 'ed', 'er', 'es', 'esh', 'et', 'ez', 'en']);
/** "Tall" (a mound) is also written Tal, Tell, Tel, Til. */
const TALL = new Set(['tall', 'tal', 'tell', 'tel', 'til']);

/** Letter pairs written differently for the same sound, one pass. */
const PAIRS: Record<string, string> = {
  ou: 'u', // French and English ways of writing u: Falloujah, Douma
  oo: 'u',
  ee: 'i', // Heet, Mayadeen
  ei: 'ay', // Deir / Dayr, Sheikh / Shaykh
  ey: 'ay',
  ai: 'ay', // Baiji / Bayji, Qaryatain / Qaryatayn
  aw: 'u', // Zawr / Zor / Zour, Hawl / Hol (o is u below)
};

function foldWord(w: string): string {
  if (TALL.has(w)) return 'tal';
  if (w === 'albu') return 'bu'; // Albu Kamal = Al Bu Kamal = Boukamal
  const folded = w
    .replace(/ou|oo|ee|ei|ey|ai|aw/g, (pair) => PAIRS[pair]!)
    .replace(/o/g, 'u') // Arabic has no o: Mosul / Musil, Zor / Zur
    .replace(/uw/g, 'w') // Suwayda / Sweida
    .replace(/(.)\1+/g, '$1'); // doubled letters: Raqqa / Raqa, Tall / Tal
  // The feminine ending: -ah, -eh, -a (Raqqah, Hasakeh, Raqqa); a short word keeps its ending (Hit, Ana).
  return folded.length > 3 ? folded.replace(/(?:ah|eh|e)$/, 'a') : folded;
}
