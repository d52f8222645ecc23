/** Numbers written as digits or words, and the qualifiers wire reports put before them. */

const UNITS: Record<string, number> = {
  zero: 0,
  no: 0,
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  dozen: 12,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1000, million: 1_000_000 };

const WORD = Object.keys(UNITS)
  .filter((w) => w !== 'no' && w !== 'a' && w !== 'an' && w !== 'single')
  .join('|');
/** Digits ("1,200", "47") or number words ("twenty-three", "a dozen", "one hundred and twelve"). */
export const NUMBER_SOURCE = `(?:\\d{1,3}(?:,\\d{3})+|\\d+|(?:a\\s+)?(?:${WORD}|hundred|thousand)(?:[\\s-]+(?:and\\s+)?(?:${WORD}|hundred|thousand|million))*)`;

export type Qualifier = 'exact' | 'approximately' | 'nearly' | 'at-least' | 'more-than' | 'up-to';
export const QUALIFIER_SOURCE = '(?:at\\s+least|more\\s+than|over|nearly|almost|about|around|approximately|some|roughly|up\\s+to|as\\s+many\\s+as)';

export function qualifierOf(words: string | undefined): Qualifier {
  const w = (words ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
  if (!w) return 'exact';
  if (w === 'at least') return 'at-least';
  if (w === 'more than' || w === 'over') return 'more-than';
  if (w === 'nearly' || w === 'almost') return 'nearly';
  if (w === 'up to' || w === 'as many as') return 'up-to';
  return 'approximately';
}

/** "twenty-three" -> 23, "1,200" -> 1200, "a dozen" -> 12; null when it is not a number. */
export function parseNumber(text: string): number | null {
  const t = text.toLowerCase().trim();
  if (/^\d[\d,]*$/.test(t)) return Number(t.replace(/,/g, ''));
  const words = t.split(/[\s-]+/).filter((w) => w !== 'and');
  if (!words.length) return null;
  let total = 0;
  let current = 0;
  let seen = false;
  for (const w of words) {
    if (w in UNITS) {
      const v = UNITS[w]!;
      if (w === 'dozen') current = (current || 1) * 12;
      else current += v;
      seen = true;
    } else if (w in SCALES) {
      const s = SCALES[w]!;
      current = (current || 1) * s;
      if (s >= 1000) {
        total += current;
        current = 0;
      }
      seen = true;
    } else return null;
  }
  return seen ? total + current : null;
}

/** Amounts that give no figure ("dozens", "several", "a number of"): noted, never counted. */
export const VAGUE_SOURCE =
  '(?:dozens|scores|hundreds|thousands|tens\\s+of\\s+thousands|several|a\\s+number\\s+of|a\\s+few|many|numerous|a\\s+handful\\s+of|multiple)';
