/**
 * Calendar days, the one way the bot handles them: an ISO string "YYYY-MM-DD" with no time and no zone,
 * and, for arithmetic, its day number (days since 1970-01-01) or, for the index's sorted columns, its
 * day key (the integer YYYYMMDD, which orders like the string). No Date in local time anywhere, so the
 * machine's zone never moves a day.
 */

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO day (also reads the day of a longer ISO string). */
export function dayNumber(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}

/** The ISO day of a day number. */
export function isoDay(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The day `n` days after (or, negative, before) an ISO day. */
export function addDays(day: string, n: number): string {
  return isoDay(dayNumber(day) + n);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The UTC calendar day of an instant. */
export function utcDay(instant: Date | number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/** Midnight UTC starting an ISO day, in ms. */
export function utcMidnight(day: string): number {
  return dayNumber(day) * DAY_MS;
}

/** Day of the week of an ISO day: 0 = Sunday … 6 = Saturday. */
export function weekday(day: string): number {
  return (((dayNumber(day) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Whether "YYYY-MM-DD" is a real calendar day (2019-02-30 is not). */
export function isRealDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  return !Number.isNaN(t) && utcDay(t) === s;
}

/** The day key of an ISO day: "2019-01-05" -> 20190105. Orders like the day. */
export function dayKey(day: string): number {
  return Number(day.slice(0, 4)) * 10000 + Number(day.slice(5, 7)) * 100 + Number(day.slice(8, 10));
}

/** The ISO day of a day key: 20190105 -> "2019-01-05". */
export function isoOfDayKey(key: number): string {
  const y = Math.floor(key / 10000);
  const m = Math.floor(key / 100) % 100;
  const d = key % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
