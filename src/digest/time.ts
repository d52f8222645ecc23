import { TZDate } from '@date-fns/tz';

/** Local calendar day and wall-clock time of an instant in a zone. */
export interface LocalTime {
  date: string; // YYYY-MM-DD
  minutes: number; // minutes since local midnight
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localTime(instant: Date | number, timeZone: string): LocalTime {
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(typeof instant === 'number' ? instant : instant.getTime())) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, minutes: Number(p.hour) * 60 + Number(p.minute) };
}

export function localDate(instant: Date | number, timeZone: string): string {
  return localTime(instant, timeZone).date;
}

/** "08:30" -> 510; null when not a valid 24-hour time. */
export function parseClock(hhmm: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

export function formatClock(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

let zones: Set<string> | null = null;
/** Whether Intl knows the zone (IANA names, including links such as "Asia/Calcutta"). */
export function isValidTimeZone(tz: string): boolean {
  zones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (zones.has(tz)) return true;
  if (tz === 'UTC' || tz === 'Etc/UTC') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.includes('/');
  } catch {
    return false;
  }
}

/** Every IANA zone Intl knows, for autocomplete. */
export function allTimeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
}

const QUARTER = 15 * 60_000;

/**
 * The instant a daily time falls on, on a local day, in a zone: the first instant at which the local
 * wall clock of that day reads `minutes` or later. So across DST:
 * - a time the clocks skip (02:30 on the spring-forward night in New York) runs when the clocks jump
 *   (03:00 EDT);
 * - a time that occurs twice (01:30 on the fall-back night) runs at its first occurrence.
 * Offsets are multiples of 15 minutes in every IANA zone, so scanning in 15-minute steps is exact.
 */
export function scheduledInstant(day: string, minutes: number, timeZone: string): Date {
  const key = `${day}|${minutes}|${timeZone}`;
  const hit = scheduleCache.get(key);
  if (hit !== undefined) return new Date(hit);
  if (scheduleCache.size > 50_000) scheduleCache.clear();
  const at = computeScheduledInstant(day, minutes, timeZone);
  scheduleCache.set(key, at.getTime());
  return at;
}

const scheduleCache = new Map<string, number>();

function computeScheduledInstant(day: string, minutes: number, timeZone: string): Date {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const guess = new TZDate(y, mo - 1, d, Math.floor(minutes / 60), minutes % 60, 0, timeZone).getTime();
  for (let t = guess - 12 * QUARTER; t <= guess + 12 * QUARTER; t += QUARTER) {
    const l = localTime(t, timeZone);
    if (l.date === day && l.minutes >= minutes) return new Date(t);
    if (l.date > day) break;
  }
  return new Date(guess);
}

/** Noon of a local day in a zone: the instant a `<t:…:D>` timestamp for that day should use. */
export function localNoon(day: string, timeZone: string): Date {
  return scheduledInstant(day, 12 * 60, timeZone);
}

/** ISO day arithmetic in whole calendar days (no zone involved). */
export function addDays(day: string, n: number): string {
  const t = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export function unixSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}
