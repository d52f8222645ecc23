import { CASUALTY_GROUPS, type Casualty, type CasualtyGroup, type DatasetInfo, type DateSpec, type Incident, type Statistic } from '../schema/index.ts';
import type { Dataset } from './dataset.ts';
import type { GroupTotals } from './incident-index.ts';

export const GROUP_LABEL: Record<CasualtyGroup, string> = {
  'security-forces': 'security forces',
  militants: 'militants',
  'armed-groups': 'other armed groups',
  civilians: 'civilians',
  unknown: 'status unknown',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "22 Aug 2019" from a validated ISO day. Read straight off the string: this runs for every line of
 * every list, and date-fns' parse + format was most of a handler's time.
 */
export function day(iso: string): string {
  return `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}

/** "29 Jul 2019"; "31 Jul 2019 (derived: two days after 29 Jul 2019)"; "between 1 Aug 2019 and 31 Aug 2019". */
export function formatDateSpec(d: DateSpec, ds?: Dataset): string {
  if (d.precision === 'range') return `between ${day(d.date)} and ${day(d.end!)}`;
  // The source does not give this date: say so, and on what our reading rests.
  if (d.precision === 'inferred') return `${day(d.date)} (inferred: ${d.note})`;
  if (d.precision === 'derived' && d.derivedFrom) {
    const base = ds?.incident(d.derivedFrom.ref);
    const rel = d.derivedFrom.offsetDays >= 0 ? `${d.derivedFrom.offsetDays} days after` : `${-d.derivedFrom.offsetDays} days before`;
    return `${day(d.date)} (derived: ${rel} ${base ? day(base.date.date) : d.derivedFrom.ref})`;
  }
  return day(d.date);
}

/** Short date for lists: "29 Jul 2019", "≈31 Jul 2019" when derived, "22–23 Aug 2019" for a range within a month. */
export function shortDate(d: DateSpec): string {
  if (d.precision === 'range' && d.date === d.end) return day(d.date);
  if (d.precision === 'range')
    return d.date.slice(0, 7) === d.end!.slice(0, 7) ? `${Number(d.date.slice(8, 10))}–${day(d.end!)}` : `${day(d.date)}–${day(d.end!)}`;
  if (d.precision === 'derived') return `≈${day(d.date)}`;
  if (d.precision === 'inferred') return `≈${day(d.date)} (inferred)`;
  return day(d.date);
}

function figure(n: number | null, word: string): string | null {
  return n === null ? null : `${n} ${word}`;
}

/** "2 killed, 2 injured (Kurdish soldiers)"; unknown figures are said to be unknown, never shown as 0. */
export function formatCasualty(c: Casualty): string {
  const parts = [figure(c.killed, 'killed'), figure(c.injured, 'injured')].filter(Boolean);
  if (c.killed === null) parts.push('killed not stated');
  if (c.injured === null) parts.push('injured not stated');
  return `${parts.join(', ')} (${c.label})`;
}

/** One compact line of killed/injured for a list entry: "2 killed · 3 injured". */
export function casualtyLine(inc: Incident): string {
  // With no figures, the source's own words about casualties (which may or may not mean none) are shown.
  if (!inc.casualties.length) return inc.casualtyNote ? truncate(inc.casualtyNote, 120) : 'casualties not stated';
  const killed = sumKnown(inc.casualties.map((c) => c.killed));
  const injured = sumKnown(inc.casualties.map((c) => c.injured));
  const parts: string[] = [];
  parts.push(killed === null ? 'killed not stated' : `${killed} killed`);
  parts.push(injured === null ? 'injured not stated' : `${injured} injured`);
  return parts.join(' · ');
}

function sumKnown(xs: (number | null)[]): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
}

export function totalKilled(t: GroupTotals): number {
  return CASUALTY_GROUPS.reduce((n, g) => n + t[g].killed, 0);
}
export function totalInjured(t: GroupTotals): number {
  return CASUALTY_GROUPS.reduce((n, g) => n + t[g].injured, 0);
}

export interface TotalsInfo {
  total: number;
  totals: GroupTotals;
  figuresGiven: { killed: number; injured: number };
  /** The focus actor's own killed and injured among the totals (see queryIncidents). */
  focusOwn?: { killed: number; injured: number };
}

/** How totals keep the focus actor's own dead apart (data/dataset.json). */
export type FocusOwnDead = Pick<DatasetInfo['focus'], 'ownDeadLabel' | 'ownDeadGroup'>;

/**
 * "Killed: 17 (13 security forces, 4 militants)" over the incidents that give a figure; when none
 * does, "not stated" (never 0), and when only some do, how many. With the dataset's focus actor, its
 * own dead come first and apart: "Killed: 1,204, of whom 310 IS militants and 894 others (500
 * security forces, 94 other militants, 300 civilians)", so its losses are never read as its victims.
 */
export function formatTotals(info: TotalsInfo, focus: FocusOwnDead | null = null): string {
  const t = info.totals;
  const side = (key: 'killed' | 'injured') => {
    const word = key === 'killed' ? 'Killed' : 'Injured';
    const given = info.figuresGiven[key];
    if (given === 0) return `${word}: not stated for ${info.total === 1 ? 'this incident' : `any of these ${info.total.toLocaleString('en-US')}`}`;
    const sum = CASUALTY_GROUPS.reduce((n, g) => n + t[g][key], 0);
    const coverage = given < info.total ? ` — figure given for ${given.toLocaleString('en-US')} of ${info.total.toLocaleString('en-US')}` : '';
    const own = focus ? (info.focusOwn?.[key] ?? 0) : 0;
    const parts = CASUALTY_GROUPS.map((g) => {
      const n = t[g][key] - (focus && g === focus.ownDeadGroup ? own : 0);
      if (n <= 0) return null;
      const label = focus && g === focus.ownDeadGroup && own > 0 ? otherLabel(GROUP_LABEL[g]) : GROUP_LABEL[g];
      return `${n.toLocaleString('en-US')} ${label}`;
    }).filter((p): p is string => p !== null);
    const groups = parts.length ? ` (${parts.join(', ')})` : '';
    if (!focus || sum === 0) return `${word}: ${sum.toLocaleString('en-US')}${groups}${coverage}`;
    const split =
      own === 0
        ? `, none recorded as ${focus.ownDeadLabel}`
        : `, of whom ${own.toLocaleString('en-US')} ${focus.ownDeadLabel} and ${(sum - own).toLocaleString('en-US')} other${sum - own === 1 ? '' : 's'}`;
    return `${word}: ${sum.toLocaleString('en-US')}${split}${sum - own > 0 ? groups : ''}${coverage}`;
  };
  return [side('killed'), side('injured')].join('\n');
}

/** "militants" -> "other militants" (the group without the focus actor's own). */
function otherLabel(label: string): string {
  return label.startsWith('other ') ? `${label} (not the focus actor)` : `other ${label}`;
}

/** "7 killed, 3 injured"; "112,350 killed, injured not stated" when no incident gives that figure (never "0 injured"). */
export function killedInjuredText(sums: { killed: number; injured: number }, given: { killed: number; injured: number }): string {
  const side = (key: 'killed' | 'injured') => (given[key] === 0 ? `${key} not stated` : `${sums[key].toLocaleString('en-US')} ${key}`);
  return `${side('killed')}, ${side('injured')}`;
}

export function killedInjuredPhrase(info: TotalsInfo): string {
  return killedInjuredText(
    { killed: totalKilled(info.totals), injured: totalInjured(info.totals) },
    info.total ? info.figuresGiven : { killed: 1, injured: 1 },
  );
}

/** "\nDeaths from UCDP GED 19.1 are UCDP's best estimates." for the sources behind a total that say how to read their figures. */
export function figuresNote(ds: Dataset, sourceIds: readonly string[]): string {
  const notes = [...new Set(sourceIds)].flatMap((id) => ds.sources.get(id)?.figures ?? []);
  return notes.map((n) => `\n${n[0]!.toUpperCase()}${n.slice(1)}.`).join('');
}

const QUALIFIER: Record<Statistic['qualifier'], string> = { exact: '', approximately: 'about ', nearly: 'nearly ', 'at-least': 'at least ' };

/** "147 troops killed by IS in Syria, 24 Mar 2019 – 17 Jun 2019 (Syrian Observatory for Human Rights)" */
export function formatStatistic(s: Statistic, ds: Dataset): string {
  const value = `${QUALIFIER[s.qualifier]}${s.value.toLocaleString('en-US')}`;
  // A period's end may itself be a range: it ends with that range's last day.
  const published = s.period ? null : ds.sources.get(s.sourceId)?.published;
  // A figure without a period is true as of its source's date, and says so.
  const period = s.period
    ? `, ${day(s.period.from.date)} – ${day(s.period.to.end ?? s.period.to.date)}`
    : published
      ? `, as of ${looseDate(published)}`
      : ', date not given';
  const by = s.reporterId ? ` (${ds.actorName(s.reporterId)})` : ' (the article)';
  return `${value} ${s.description}${period}${by}`;
}

const FULL_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A date as loosely as it is known: "22 August 2019"; a range inside one month as its part of the
 * month ("late August 2019" for days 21 onwards, "early" up to the 10th, "mid" between, the month when
 * it spans it); a longer range as "between … and …".
 */
export function looseDate(d: DateSpec): string {
  const end = d.end ?? d.date;
  const y = d.date.slice(0, 4);
  const month = FULL_MONTHS[Number(d.date.slice(5, 7)) - 1];
  if (end === d.date) return `${Number(d.date.slice(8, 10))} ${month} ${y}`;
  if (d.date.slice(0, 7) !== end.slice(0, 7)) return `between ${day(d.date)} and ${day(end)}`;
  const a = Number(d.date.slice(8, 10));
  const b = Number(end.slice(8, 10));
  if (a === 1 && b >= 28) return `${month} ${y}`;
  const part = a >= 21 ? 'late' : b <= 10 ? 'early' : a >= 11 && b <= 20 ? 'mid-' : null;
  return part ? `${part === 'mid-' ? 'mid-' : `${part} `}${month} ${y}` : `between ${day(d.date)} and ${day(end)}`;
}

/**
 * A direct quotation in quotation marks. The comma that closed the source's sentence ("…complicated,”
 * Pompeo said") is punctuation of the article, not of the speaker, so it is left out.
 */
export function quotedText(text: string): string {
  return `“${text.replace(/,$/, '')}”`;
}

export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  return s.slice(0, Math.max(0, max - 1)).trimEnd() + '…';
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
