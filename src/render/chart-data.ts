import { day, killedInjuredPhrase, killedInjuredText } from '../core/format.ts';
import { format, parseISO } from 'date-fns';
import { addDays, daysBetween, weekday } from '../core/calendar-day.ts';
import type { Dataset } from '../core/dataset.ts';
import type { IncidentPage } from '../core/query-incidents.ts';
import { UserError } from '../core/user-error.ts';
import { CASUALTY_GROUPS, type CasualtyGroup, type Incident } from '../schema/index.ts';
import type { ChartBucket, ChartSpec } from './chart-svg.ts';
import { dataAttribution, periodLabel, type Selection } from './selection.ts';
import { thousands } from './svg.ts';
import { uncoveredParts } from '../core/coverage.ts';

function dayBefore(iso: string): string {
  return addDays(iso, -1);
}

/** "26–31 Dec 2018", "30 Nov 2019", "28 Dec 2015 – 3 Jan 2016". */
function dayRange(from: string, to: string): string {
  if (from === to) return day(from);
  if (from.slice(0, 7) === to.slice(0, 7)) return `${Number(from.slice(8, 10))}–${day(to)}`;
  return `${day(from)} – ${day(to)}`;
}

function lastDayOfPeriod(start: string, step: ChartStep): string {
  return dayBefore(nextPeriod(start, step));
}

export type ChartStep = 'week' | 'month' | 'year';
export const CHART_STEPS: readonly ChartStep[] = ['week', 'month', 'year'];

/** More bars than this stop being readable at the picture's width. */
export const MAX_BARS = 260;

/** The step when none is asked: weeks up to about four months, months up to four years, then years. */
export function autoStep(from: string, to: string): ChartStep {
  const days = daysBetween(from, to);
  return days <= 120 ? 'week' : days <= 4 * 366 ? 'month' : 'year';
}

/** The first day of the period a day falls in (weeks start on Monday, ISO 8601). */
export function periodStart(day: string, step: ChartStep): string {
  if (step === 'year') return `${day.slice(0, 4)}-01-01`;
  if (step === 'month') return `${day.slice(0, 7)}-01`;
  return addDays(day, -((weekday(day) + 6) % 7));
}

function nextPeriod(start: string, step: ChartStep): string {
  const [y, m] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
  if (step === 'year') return `${String(y + 1).padStart(4, '0')}-01-01`;
  if (step === 'month') return m === 12 ? `${String(y + 1).padStart(4, '0')}-01-01` : `${start.slice(0, 4)}-${String(m + 1).padStart(2, '0')}-01`;
  return addDays(start, 7);
}

export function periodName(start: string, step: ChartStep): string {
  const d = parseISO(start);
  return step === 'year' ? format(d, 'yyyy') : step === 'month' ? format(d, 'MMM yyyy') : format(d, 'd MMM yyyy');
}

const zero = () => Object.fromEntries(CASUALTY_GROUPS.map((g) => [g, 0])) as Record<CasualtyGroup, number>;

export interface Bucketed {
  buckets: ChartBucket[];
  /**
   * Incidents dated only to a span of days that crosses a period boundary: they belong to no single
   * bar, so they stay out of the bars (and in the totals), and the chart says so.
   */
  spanning: { incidents: number; killed: number; injured: number; killedGiven: number; injuredGiven: number };
}

/**
 * Killed and injured per period and group. Every period between the ends gets a bar slot, empty or
 * not, so the time axis is even. An incident known only to a span of days counts in the period that
 * holds the whole span, or in none.
 */
export function bucketIncidents(incidents: readonly Incident[], from: string, to: string, step: ChartStep): Bucketed {
  const buckets: ChartBucket[] = [];
  const index = new Map<string, ChartBucket>();
  const last = periodStart(to, step);
  for (let s = periodStart(from, step); s <= last; s = nextPeriod(s, step)) {
    if (buckets.length >= MAX_BARS)
      throw new UserError(
        `That is more than ${MAX_BARS} ${step}s: too many bars to read. ${step === 'year' ? 'Pick a shorter period.' : `Use by:${step === 'week' ? 'month' : 'year'} or a shorter period.`}`,
      );
    const b: ChartBucket = { start: s, label: periodName(s, step), killed: zero(), injured: zero(), incidents: 0, injuredGiven: 0 };
    buckets.push(b);
    index.set(s, b);
  }
  const spanning = { incidents: 0, killed: 0, injured: 0, killedGiven: 0, injuredGiven: 0 };
  for (const inc of incidents) {
    const start = periodStart(inc.date.date, step);
    if (inc.date.end && periodStart(inc.date.end, step) !== start) {
      spanning.incidents++;
      if (inc.casualties.some((c) => c.killed !== null)) spanning.killedGiven++;
      if (inc.casualties.some((c) => c.injured !== null)) spanning.injuredGiven++;
      for (const c of inc.casualties) {
        spanning.killed += c.killed ?? 0;
        spanning.injured += c.injured ?? 0;
      }
      continue;
    }
    const b = index.get(start);
    if (!b) continue;
    b.incidents++;
    if (inc.casualties.some((c) => c.injured !== null)) b.injuredGiven!++;
    for (const c of inc.casualties) {
      b.killed[c.group] += c.killed ?? 0;
      b.injured[c.group] += c.injured ?? 0;
    }
  }
  return { buckets, spanning };
}

export interface ChartRequest extends Selection {
  placeLabel: string;
  actorName?: string | null;
  step: ChartStep | null;
  groupLabels: Record<CasualtyGroup, string>;
}

export function buildChartSpec(ds: Dataset, req: ChartRequest, result: IncidentPage): ChartSpec {
  const incidents = result.incidents;
  const first = incidents[incidents.length - 1]?.date.date ?? req.from ?? req.to!;
  const lastDay = incidents[0]?.date.date ?? req.to ?? req.from!;
  const from = req.from ?? first;
  const to = req.to ?? lastDay;
  const step = req.step ?? autoStep(from, to);
  const { buckets, spanning } = bucketIncidents(incidents, from, to, step);
  // Coverage: a period no systematic source covers in the place's country is shaded "no data"; one
  // covered in part is named, so a low bar at the edge of a source's coverage is not read as a fall.
  // A period is taken as far as the dates asked reach, else whole.
  const country = ds.gazetteer.country(req.placeId)?.id ?? null;
  let noDataBars = 0;
  let noDataIncidents = 0;
  const partial: ChartBucket[] = [];
  if (country)
    buckets.forEach((b, i) => {
      const start = req.from && req.from > b.start ? req.from : b.start;
      const periodEnd = i + 1 < buckets.length ? dayBefore(buckets[i + 1]!.start) : lastDayOfPeriod(b.start, step);
      const end = req.to && req.to < periodEnd ? req.to : periodEnd;
      const gaps = uncoveredParts(ds, country, start, end);
      if (gaps.length === 1 && gaps[0]!.from === start && gaps[0]!.to === end) {
        b.noData = true;
        noDataBars++;
        noDataIncidents += b.incidents;
      } else if (gaps.length) {
        b.uncovered = gaps;
        partial.push(b);
      }
    });
  const noKilled = incidents.filter((i) => !i.casualties.some((c) => c.killed !== null)).length;
  const noInjured = incidents.filter((i) => !i.casualties.some((c) => c.injured !== null)).length;
  const count = `${thousands(result.total)} incident${result.total === 1 ? '' : 's'}`;
  const notes = [`${count}, one bar per ${step} · ${periodLabel(req, incidents)}`];
  const unknown: string[] = [];
  if (noKilled) unknown.push(`no killed figure given for ${thousands(noKilled)}`);
  if (noInjured) unknown.push(`no injured figure given for ${thousands(noInjured)}`);
  if (unknown.length) notes.push(`Known figures only: ${unknown.join(', ')} of the ${count}.`);
  if (noDataBars)
    notes.push(
      `Shaded: no data — no systematic source covers ${noDataBars === 1 ? 'that' : 'those'} ${step}${noDataBars === 1 ? '' : 's'}${noDataIncidents ? ` (the bars there are only the ${thousands(noDataIncidents)} incident${noDataIncidents === 1 ? '' : 's'} an article reports)` : ''}.`,
    );
  if (partial.length)
    notes.push(
      `Partly covered (a bar there may be low for that reason): ${partial
        .slice(0, 3)
        .map((b) => `${b.label}, no systematic source for ${b.uncovered!.map((g) => dayRange(g.from, g.to)).join(' and ')}`)
        .join('; ')}${partial.length > 3 ? `; and ${partial.length - 3} more` : ''}.`,
    );
  if (spanning.incidents)
    notes.push(
      `Not in the bars: ${thousands(spanning.incidents)} incident${spanning.incidents === 1 ? '' : 's'} dated only to a span longer than one ${step} ` +
        `(${killedInjuredText(spanning, { killed: spanning.killedGiven, injured: spanning.injuredGiven })}; in the totals above).`,
    );
  return {
    title: `${req.placeLabel}${req.actorName ? ` (${req.actorName})` : ''}: ${killedInjuredPhrase(result)}`,
    attribution: [dataAttribution(ds, incidents, Number.MAX_SAFE_INTEGER), 'Chart: incident-bot.'],
    notes,
    buckets,
    injuredKnown: incidents.some((i) => i.casualties.some((c) => c.injured !== null)),
    step,
    groupLabels: req.groupLabels,
  };
}
