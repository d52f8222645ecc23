/** The publication date an article states near its top ("March 3, 2024", "2024-03-03"), or null. */
import * as chrono from 'chrono-node';

export function statedPublicationDate(text: string): string | null {
  const top = text.slice(0, 400);
  const iso = /\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b/.exec(top);
  if (iso && isIsoDay(iso[0])) return iso[0];
  for (const r of chrono.parse(top)) {
    const s = r.start;
    if (s.isCertain('year') && s.isCertain('month') && s.isCertain('day')) {
      const d = `${s.get('year')}-${String(s.get('month')).padStart(2, '0')}-${String(s.get('day')).padStart(2, '0')}`;
      if (isIsoDay(d)) return d;
    }
  }
  return null;
}

export function isIsoDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
