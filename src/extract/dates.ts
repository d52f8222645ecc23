/**
 * Days named in a sentence, anchored on the publication date (chrono-node does the parsing):
 * "on Sunday" is the last Sunday on or before publication (wire style names the weekday even for the
 * day of publication), "July 29" without a year is the last July 29 on or before publication, and
 * "two days after the attack" / "a day later" are offsets from the incident reported before.
 */
import * as chrono from 'chrono-node';
import { NUMBER_SOURCE, parseNumber } from './numbers.ts';

export type DayKind = 'day' | 'weekday' | 'month' | 'background';

export interface DayMention {
  date: string;
  /** Only for `month`: the last day of the month (or publication, if earlier). */
  end?: string;
  kind: DayKind;
  text: string;
  index: number;
}

export interface RelativeDay {
  offsetDays: number;
  /** The source's own words ("This attack came two days before"). */
  phrase: string;
  index: number;
}

const DAY_MS = 86_400_000;
/** A day further back than this before publication is background, not news. */
export const BACKGROUND_DAYS = 92;

export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (day: string, n: number) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
export const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);

const RELATIVE_WORDS = /\b(?:ago|before|after|later|earlier|since|next|previous|following|last\s+(?:week|month|year)|this\s+(?:week|month|year))\b/i;

/** Day-level dates and month-level dates in the sentence; relative offsets are found by findRelativeDay. */
export function findDays(sentence: string, published: string): DayMention[] {
  // chrono-node is the costliest step: skip sentences with no word a date could be made of, and
  // remember the last answers (the same sentence is read for incidents, quotes and statistics).
  if (!DATE_WORD.test(sentence)) return [];
  const key = `${published}|${sentence}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const found = parseDays(sentence, published);
  memo.set(key, found);
  return found;
}

const DATE_WORD =
  /\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|yesterday|today|tonight|tomorrow|ago|last|this|next|night|morning|evening|afternoon|week|month|year|noon|midnight|dawn)/i;
const memo = new Map<string, DayMention[]>();

/** Called once per article, so no article (nor a benchmark's repeated one) reuses another's answers. */
export function startArticle(): void {
  memo.clear();
}

function parseDays(sentence: string, published: string): DayMention[] {
  const ref = new Date(`${published}T12:00:00Z`);
  const out: DayMention[] = [];
  for (const r of chrono.parse(sentence, { instant: ref, timezone: 0 })) {
    const s = r.start;
    const text = r.text.trim();
    // "earlier this month": somewhere between the first of the month and publication.
    if (/^this\s+month$/i.test(text)) {
      out.push({ date: `${published.slice(0, 8)}01`, end: published, kind: 'month', text, index: r.index });
      continue;
    }
    if (RELATIVE_WORDS.test(text) && !/^(?:last|this)\s+(?:night|morning|evening)$/i.test(text)) {
      // "three years ago", "last year": background when far back; never the day of an incident.
      // "last month", "weeks ago": another time than the news, even when recent.
      if (
        (s.isCertain('year') && daysBetween(isoDay(s.date()), published) > BACKGROUND_DAYS) ||
        /^(?:last\s+(?:week|month|year)|(?:\w+|several|a\s+few)\s+(?:weeks|months|years)\s+ago)$/i.test(text)
      )
        out.push({ date: isoDay(s.date()), kind: 'background', text, index: r.index });
      continue;
    }
    const month = s.get('month');
    const day = s.get('day');
    if (s.isCertain('day') && s.isCertain('month')) {
      let year = s.isCertain('year') ? s.get('year')! : Number(published.slice(0, 4));
      let date = iso(year, month!, day!);
      if (!s.isCertain('year') && date > addDays(published, 1)) date = iso(--year, month!, day!);
      const old = daysBetween(date, published) > BACKGROUND_DAYS;
      out.push({ date, kind: old ? 'background' : 'day', text, index: r.index });
    } else if (s.isCertain('weekday') && !s.isCertain('month')) {
      const pubDow = new Date(`${published}T00:00:00Z`).getUTCDay();
      const back = (pubDow - s.get('weekday')! + 7) % 7;
      out.push({ date: addDays(published, -back), kind: 'weekday', text, index: r.index });
    } else if (s.isCertain('day') && /\b(?:yesterday|today|tonight|last\s+night|this\s+(?:morning|evening|afternoon))\b/i.test(text)) {
      out.push({ date: isoDay(s.date()), kind: 'day', text, index: r.index });
    } else if (s.isCertain('month') && !s.isCertain('day')) {
      let year = s.isCertain('year') ? s.get('year')! : Number(published.slice(0, 4));
      if (!s.isCertain('year') && iso(year, month!, 1) > published) year--;
      const first = iso(year, month!, 1);
      const lastOfMonth = addDays(month === 12 ? iso(year + 1, 1, 1) : iso(year, month! + 1, 1), -1);
      const end = lastOfMonth < published ? lastOfMonth : published;
      const old = daysBetween(first, published) > BACKGROUND_DAYS;
      out.push({ date: first, end, kind: old ? 'background' : 'month', text, index: r.index });
    } else if (s.isCertain('year') && !s.isCertain('month')) {
      if (Number(published.slice(0, 4)) - s.get('year')! >= 1) out.push({ date: iso(s.get('year')!, 1, 1), kind: 'background', text, index: r.index });
    }
  }
  // chrono reads a bare year only in some phrasings ("in late 2017"): catch years well before publication.
  for (const m of sentence.matchAll(/\b(?:in|since|of|by)\s+(?:(?:early|mid|late|mid-)\s*)?((?:19|20)\d{2})\b/g)) {
    const y = Number(m[1]);
    if (y < Number(published.slice(0, 4)) && !out.some((d) => d.index <= m.index! + m[0].length && d.index + d.text.length >= m.index!))
      out.push({ date: iso(y, 1, 1), kind: 'background', text: m[0], index: m.index! });
  }
  return out.sort((a, b) => a.index - b.index);
}

const N = `(?:${NUMBER_SOURCE}|a|one)`;
const RELATIVE: [RegExp, (n: number, m: RegExpMatchArray) => number][] = [
  // "This attack came two days before X": X happened after the one reported before.
  [
    new RegExp(`\\b(?:this|that|the|it)\\b[^.,;]{0,40}?\\bcame\\s+(${N})\\s+days?\\s+(before|after)\\b`, 'i'),
    (n, m) => (m[2]!.toLowerCase() === 'before' ? n : -n),
  ],
  [
    new RegExp(`\\b(${N})\\s+days?\\s+(later|after\\s+(?:the|that|this)\\b|earlier|before\\s+(?:the|that|this)\\b)`, 'i'),
    (n, m) => (/^(later|after)/i.test(m[2]!) ? n : -n),
  ],
  [/\b(?:the\s+(?:next|following)\s+day|the\s+day\s+after|the\s+next\s+morning|the\s+following\s+morning)\b/i, () => 1],
  [
    /\b(?:the\s+(?:previous|preceding)\s+day|the\s+day\s+before|the\s+night\s+before|on\s+the\s+eve\s+of\s+(?:the|that|this)\s+(?:attack|ambush|bombing|blast|raid|assault|killing|explosion))\b/i,
    () => -1,
  ],
];

/** An offset from the incident reported just before ("a day later", "two days after the attack"). */
export function findRelativeDay(sentence: string): RelativeDay | null {
  for (const [re, sign] of RELATIVE) {
    const m = sentence.match(re);
    if (!m) continue;
    const n = m[1] ? parseNumber(m[1].replace(/^a$|^one$/i, 'one')) : 1;
    if (n === null || n > 60) continue;
    return { offsetDays: sign(n, m), phrase: m[0].trim(), index: m.index! };
  }
  return null;
}

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Days between "between March 24 and June 17" / "since January 1": a statistic's period. */
export function findPeriod(sentence: string, published: string): { from: DayMention; to: DayMention | null } | null {
  const days = findDays(sentence, published).filter((d) => d.kind !== 'weekday');
  const between = /\b(?:between|from)\b/i.exec(sentence);
  if (between && days.length >= 2) {
    const [a, b] = days.filter((d) => d.index > between.index);
    if (a && b) {
      // "between December 20 and January 5": the start lies in the year before the end.
      let from = { ...a, kind: 'day' as DayKind };
      if (from.date > b.date) from = { ...from, date: `${Number(from.date.slice(0, 4)) - 1}${from.date.slice(4)}` };
      return { from, to: { ...b, kind: 'day' } };
    }
  }
  // "since the start of the year", "so far this year": chrono reads no day in these.
  const yearStart =
    /\b(?:since\s+the\s+(?:start|beginning|turn)\s+of\s+(?:the|this)\s+year|so\s+far\s+this\s+year|(?:since|from)\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:this\s+)?(\d{4}))\b/i.exec(
      sentence,
    );
  if (yearStart) {
    const year = yearStart[1] ?? published.slice(0, 4);
    return { from: { date: `${year}-01-01`, kind: 'day', text: yearStart[0], index: yearStart.index }, to: null };
  }
  const since = /\bsince\b/i.exec(sentence);
  if (since) {
    const a = days.find((d) => d.index > since.index);
    if (a) return { from: { ...a, kind: 'day' }, to: null };
  }
  return null;
}
