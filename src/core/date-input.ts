import { TZDate } from '@date-fns/tz';
import { addDays, endOfMonth, formatISO, subDays, subMonths, subWeeks, subYears } from 'date-fns';
import { isRealDay } from './calendar-day.ts';
import { UserError } from './user-error.ts';

/** An inclusive span of calendar days (ISO). */
export interface DaySpan {
  from: string;
  to: string;
}

const iso = (d: Date) => formatISO(d, { representation: 'date' });

/**
 * What a person may type for a date: 2019-08-22, 2019-08, 2019, today, yesterday, "last 30 days",
 * "last 2 weeks", "last 6 months", "last year", "10 days ago". Relative forms count back from `now`
 * (an injected clock), in UTC days. Returns the span of days the input means.
 */
export function parseDateInput(input: string, nowInstant: Date): DaySpan {
  const s = input.trim().toLowerCase().replace(/\s+/g, ' ');
  // Day arithmetic in UTC, so "today" is the same day on every machine whatever its time zone.
  const now = new TZDate(nowInstant.getTime(), 'UTC');
  const today = iso(now);
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) {
    if (!isRealDay(s)) throw new UserError(`"${input}" is not a real date.`);
    return { from: s, to: s };
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(s))) {
    if (!isRealDay(`${s}-01`)) throw new UserError(`"${input}" is not a real month.`);
    return { from: `${s}-01`, to: iso(endOfMonth(new TZDate(`${s}-01T00:00:00Z`, 'UTC'))) };
  }
  if ((m = /^(\d{4})$/.exec(s))) return { from: `${s}-01-01`, to: `${s}-12-31` };
  if (s === 'today') return { from: today, to: today };
  if (s === 'yesterday') {
    const y = iso(subDays(now, 1));
    return { from: y, to: y };
  }
  if ((m = /^(?:last|past) (?:(\d{1,4}) )?(day|week|month|year)s?$/.exec(s))) {
    const n = m[1] ? Number(m[1]) : 1;
    const unit = m[2]!;
    // Inclusive of today, so "last 7 days" and "last week" are both seven days.
    const back = unit === 'day' ? subDays(now, n) : unit === 'week' ? subWeeks(now, n) : unit === 'month' ? subMonths(now, n) : subYears(now, n);
    const start = addDays(back, 1);
    return { from: iso(start), to: today };
  }
  if ((m = /^(\d{1,4}) (day|week|month|year)s? ago$/.exec(s))) {
    const n = Number(m[1]);
    const unit = m[2]!;
    const d = unit === 'day' ? subDays(now, n) : unit === 'week' ? subWeeks(now, n) : unit === 'month' ? subMonths(now, n) : subYears(now, n);
    const day = iso(d);
    return { from: day, to: day };
  }
  throw new UserError(`"${input}" is not a date I understand. Use 2019-08-22, 2019-08, 2019, today, yesterday, "last 30 days" or "3 months ago".`);
}

/** Turns optional from/to inputs into one inclusive range; either end may stay open. */
export function parseDateRange(from: string | undefined, to: string | undefined, now: Date): { from: string | null; to: string | null } {
  const f = from ? parseDateInput(from, now).from : null;
  const t = to ? parseDateInput(to, now).to : null;
  if (f && t && t < f) throw new UserError(`The range ends (${t}) before it starts (${f}).`);
  return { from: f, to: t };
}
