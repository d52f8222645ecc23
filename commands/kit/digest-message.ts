import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { Dataset } from '../../src/core/dataset.ts';
import type { GroupTotals } from '../../src/core/incident-index.ts';
import { queryIncidents } from '../../src/core/query-incidents.ts';
import { CASUALTY_GROUPS, type Incident, type Quote } from '../../src/schema/index.ts';
import { day as shortDay, formatDateSpec, shortDate, GROUP_LABEL, plural, quotedText, totalInjured, totalKilled, truncate } from '../../src/core/format.ts';
import { eventSourceIds, incidentListEntry } from './incident-list.ts';
import { makeReply, type ReplyPayload } from './payload.ts';
import { attributionFor } from './source-line.ts';
import { addDays, localNoon, unixSeconds } from '../../src/core/local-time.ts';
import type { DigestWindow } from '../../src/core/digest/window.ts';
import { weekday } from '../../src/core/calendar-day.ts';
import { perDataset } from '../../src/core/per-dataset.ts';
import { actorOfFilter, countedLabel } from '../../src/core/focus.ts';
import { countriesOf, fullyCovered, newestDataDay, partlyCovered, uncoveredParts } from '../../src/core/coverage.ts';

export interface DigestFilter {
  /** Only this place and everything inside it; null: everything. */
  placeId: string | null;
  /** Whose incidents: null or absent = the dataset's focus actor, 'any' = all recorded violence, else an actor id. */
  actor?: string | null;
}

export interface DigestSummary {
  dayCount: number;
  lateCount: number;
  sourceIds: string[];
}

/** How many entries each list shows before "… and N more". */
export const DIGEST_LIST_LIMITS = { day: 6, late: 5 } as const;

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** "Thursday 22 August 2019" from a validated ISO day, read off the string like `day` (no date-fns parse). */
function fullDay(iso: string): string {
  const [y, m, d] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
  return `${WEEKDAYS[weekday(iso)]} ${d} ${MONTHS[m - 1]} ${y}`;
}

const countries = perDataset((ds) =>
  [...ds.gazetteer.all()]
    .filter((p) => p.kind === 'country')
    .map((p) => p.id)
    .sort(),
);

/**
 * The digest for one server and day, as the message body to post. Pure: the same dataset, window,
 * filter and zone always give the same message.
 *
 * - Incidents dated `day` (the index's day of an incident; a date range counts from its first day).
 * - Late reports: incidents dated before `day` that no earlier digest could have listed — first
 *   recorded since the previous digest, or dated in days no digest covered. Nothing is listed twice.
 * - 7- and 30-day totals (killed and injured by group) with the change against the equally long period
 *   before; a line per country over 30 days; one quotation from the 30 days; sources and attribution.
 */
export function composeDigest(ds: Dataset, window: DigestWindow, filter: DigestFilter, timeZone: string): ReplyPayload {
  return composeDigestWithSummary(ds, window, filter, timeZone).payload;
}

export function composeDigestWithSummary(
  ds: Dataset,
  window: DigestWindow,
  filter: DigestFilter,
  timeZone: string,
): { payload: ReplyPayload; summary: DigestSummary } {
  const { day } = window;
  const placeId = filter.placeId;
  // The digest counts what the dataset is about: incidents involving its focus actor (all, when it declares none).
  const actorId = actorOfFilter(ds, filter.actor);
  const q = (from: string, to: string, limit = 0) => queryIncidents(ds, { placeId, from, to, actorId }, { offset: 0, limit });
  const sourceIds = new Set<string>();

  // Incidents of the day.
  const dayPage = q(day, day, DIGEST_LIST_LIMITS.day);

  // Late reports: recorded since the last digest and dated before the day, plus days no digest covered.
  const late = new Map<string, Incident>();
  let gapCount = 0;
  const gapFrom = window.previousDay ? addDays(window.previousDay, 1) : null;
  const gapTo = addDays(day, -1);
  // The first days of the late reports, oldest and newest: "3 incidents from 28–30 Nov 2019".
  let lateFrom: string | null = null;
  let lateTo: string | null = null;
  const widen = (d: string) => {
    if (lateFrom === null || d < lateFrom) lateFrom = d;
    if (lateTo === null || d > lateTo) lateTo = d;
  };
  if (gapFrom && gapFrom <= gapTo) {
    const gap = q(gapFrom, gapTo, DIGEST_LIST_LIMITS.late);
    gapCount = gap.total;
    for (const inc of gap.incidents) late.set(inc.id, inc);
    if (gap.total) {
      widen(gap.incidents[0]!.date.date);
      widen(queryIncidents(ds, { placeId, from: gapFrom, to: gapTo, actorId }, { offset: gap.total - 1, limit: 1 }).incidents[0]!.date.date);
    }
  }
  const inPlace = placeId && window.recordedIds.length ? placesWithin(ds, placeId) : null;
  let recordedLate = 0;
  const recorded: Incident[] = [];
  for (const id of window.recordedIds) {
    const inc = ds.incident(id);
    if (!inc || inc.date.date >= day) continue; // not (or no longer) in the dataset; or today's/the day's own
    if (ds.incidents.countedAs(id)?.id !== id) continue; // another report of an event already counted (sameEventAs)
    if (gapFrom && inc.date.date >= gapFrom) continue; // already counted with the uncovered days
    if (inPlace && !inPlace.has(inc.placeId)) continue;
    if (actorId !== null && inc.perpetratorId !== actorId && !inc.casualties.some((c) => c.actorId === actorId)) continue;
    recordedLate++;
    recorded.push(inc);
    widen(inc.date.date);
  }
  recorded.sort(newestFirst);
  for (const inc of recorded.slice(0, DIGEST_LIST_LIMITS.late)) late.set(inc.id, inc);
  const lateCount = gapCount + recordedLate;
  const lateShown = [...late.values()].sort(newestFirst).slice(0, DIGEST_LIST_LIMITS.late);

  const dayTs = `<t:${unixSeconds(localNoon(day, timeZone))}:D>`;
  const where = placeId ? ` in ${ds.gazetteer.label(placeId)}` : '';
  const counted = countedLabel(ds, actorId);
  const what = counted.charAt(0).toLowerCase() + counted.slice(1);
  const lines: string[] = [];
  const scopeCountries = countriesOf(ds, placeId);
  // A day no systematic source covers is no data, not a calm day: said so, never as zeros.
  const dayCovered = partlyCovered(ds, scopeCountries, day, day);
  const newest = newestDataDay(ds, placeId);
  if (dayPage.total === 0 && lateCount === 0 && !dayCovered) {
    lines.push(
      `No source covers **${fullDay(day)}** (${dayTs})${where} yet; ${newest ? `the newest data is from ${shortDay(newest)}` : 'there is no data'}. This is a gap in the data, not a quiet day.`,
    );
  } else if (dayPage.total === 0 && lateCount === 0) {
    lines.push(`Nothing new: no ${what}${where} recorded on **${fullDay(day)}** (${dayTs}), and no late reports since the last digest.`);
  } else {
    lines.push(
      `**${fullDay(day)}** (${dayTs})${where}: ${plural(dayPage.total, 'incident')}${actorId === null ? ' (all recorded violence)' : what.replace(/^incidents/, '')}.`,
    );
    for (const inc of dayPage.incidents) {
      lines.push(incidentListEntry(ds, inc));
      for (const id of eventSourceIds(ds, inc)) sourceIds.add(id);
    }
    if (dayPage.total > dayPage.incidents.length)
      lines.push(`… and ${dayPage.total - dayPage.incidents.length} more: \`/attacks from:${day} to:${day}${placeId ? ` place:${placeId}` : ''}\``);
    if (lateCount > 0) {
      const span = lateFrom && lateTo ? ` from ${shortDate({ date: lateFrom, end: lateTo, precision: 'range' })}` : '';
      // Why they are late: first recorded since the last digest, or dated on days no digest covered.
      const why = [recordedLate > 0 && 'first recorded since the last digest', gapCount > 0 && 'dated on days no digest covered'].filter(Boolean).join(' or ');
      lines.push('', `**Reported late**: ${plural(lateCount, 'incident')}${span} ${why} (they occurred earlier).`);
      for (const inc of lateShown) {
        lines.push(incidentListEntry(ds, inc));
        for (const id of eventSourceIds(ds, inc)) sourceIds.add(id);
      }
      if (lateCount > lateShown.length) lines.push(`… and ${lateCount - lateShown.length} more.`);
    }
  }

  const gaps = coverageGapText(ds, scopeCountries, day, day);
  if (gaps && (dayPage.total > 0 || lateCount > 0 || dayCovered))
    lines.push(`_No systematic source covers ${gaps}: what is listed there is all a single source reports, not a count._`);

  const picture = periodPicture(ds, day, placeId, actorId);
  const fields: APIEmbedField[] = [...picture.fields];
  for (const id of picture.sourceIds) sourceIds.add(id);

  const sources = [...sourceIds].sort();
  const at = new TZDate(window.at.getTime(), timeZone);
  const embed: APIEmbed = {
    title: truncate(`Daily digest · ${shortDay(day)}${placeId ? ` · ${ds.gazetteer.get(placeId)?.name ?? placeId}` : ''}`, 256),
    description: fitLines(lines, 3600),
    fields,
    footer: {
      text: truncate(
        `Compiled ${format(at, 'd MMM yyyy HH:mm')} ${timeZone}. ` +
          (sources.length ? `Sources: ${attributionFor(ds, sources)}` : 'No sources: nothing in the period.'),
        2048,
      ),
    },
    timestamp: window.at.toISOString(),
  };
  return { payload: makeReply({ embeds: [embed] }), summary: { dayCount: dayPage.total, lateCount, sourceIds: sources } };
}

/** The place and everything inside it (the gazetteer caches it). */
function placesWithin(ds: Dataset, placeId: string): ReadonlySet<string> {
  return ds.gazetteer.descendantSet(placeId);
}

const pictureCache = perDataset(() => new Map<string, { fields: APIEmbedField[]; sourceIds: string[] }>());

/**
 * The 7- and 30-day totals, the per-country lines and the sources they draw on: they depend only on the
 * dataset, the day and the filter (not the zone), so servers sharing them share one computation.
 */
function periodPicture(ds: Dataset, day: string, placeId: string | null, actorId: string | null): { fields: APIEmbedField[]; sourceIds: string[] } {
  const byKey = pictureCache(ds);
  const key = `${day}|${placeId ?? ''}|${actorId ?? ''}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  // Attribution covers every source the digest draws on, the totals included (from posting lists, not records).
  const sourceIds = new Set<string>();
  const q = (from: string, to: string, scope: string | null = placeId) => {
    const r = queryIncidents(ds, { placeId: scope, from, to, actorId }, { offset: 0, limit: 0 });
    for (const id of r.sourceIds) sourceIds.add(id);
    return r;
  };
  const fields: APIEmbedField[] = [];
  const scopeCountries = countriesOf(ds, placeId);
  const newest = newestDataDay(ds, placeId);
  const ownLabel = ds.focus && actorId === ds.focus.actorId ? ds.focus.ownDeadLabel : null;
  for (const n of [7, 30]) {
    const curFrom = addDays(day, -(n - 1));
    const prevFrom = addDays(day, -(2 * n - 1));
    const prevTo = addDays(day, -n);
    const cur = q(curFrom, day);
    const prev = q(prevFrom, prevTo);
    const name = `Last ${n} days (to ${shortDay(day)}), change against the ${n} days before`;
    if (cur.total === 0 && !partlyCovered(ds, scopeCountries, curFrom, day)) {
      fields.push({
        name,
        value: `No source covers these ${n} days${newest ? `; the newest data is from ${shortDay(newest)}` : ''}: no figures, and no change to show.`,
      });
      continue;
    }
    // A change means something only when a systematic source covers both periods throughout.
    const gaps = fullyCovered(ds, scopeCountries, prevFrom, day) ? null : coverageGapText(ds, scopeCountries, prevFrom, day);
    fields.push({ name, value: totalsWithChange(cur, prev, n, gaps, ownLabel) });
  }
  const countryLines: string[] = [];
  for (const c of countries(ds)) {
    const scope = placeId ? (ds.gazetteer.lineage(placeId).some((p) => p.id === c) ? placeId : null) : c;
    if (!scope) continue;
    const cur = q(addDays(day, -29), day, scope);
    const prev = q(addDays(day, -59), addDays(day, -30), scope);
    const name = ds.gazetteer.get(c)?.name ?? c;
    const comparable = fullyCovered(ds, [c], addDays(day, -59), day);
    if (cur.total === 0 && !partlyCovered(ds, [c], addDays(day, -29), day)) {
      countryLines.push(`**${name}**: no data — no source covers these 30 days`);
      continue;
    }
    if (cur.total === 0 && prev.total === 0) continue;
    if (!comparable) {
      countryLines.push(
        `**${name}**: ${plural(cur.total, 'incident')}, ${figureWithChange(cur, cur, 'killed').replace(/ \(.*\)$/, '')}, ${figureWithChange(cur, cur, 'injured').replace(/ \(.*\)$/, '')} — no change shown: no systematic source covers ${coverageGapText(ds, [c], addDays(day, -59), day)}`,
      );
      continue;
    }
    countryLines.push(
      `**${name}**: ${plural(cur.total, 'incident')} (${signed(cur.total - prev.total)}), ${figureWithChange(cur, prev, 'killed')}, ${figureWithChange(cur, prev, 'injured')}`,
    );
  }
  fields.push({
    name: 'By country, last 30 days (change against the 30 days before)',
    value: countryLines.join('\n') || 'No incidents recorded in either period.',
  });
  const quote = pickQuote(ds, addDays(day, -29), day, placeId);
  if (quote) {
    sourceIds.add(quote.sourceId);
    fields.push({ name: 'Quotation from the period', value: formatQuote(ds, quote) });
  }
  const out = { fields, sourceIds: [...sourceIds] };
  if (byKey.size > 5000) byKey.clear();
  byKey.set(key, out);
  return out;
}

type Period = {
  totals: GroupTotals;
  total: number;
  withoutFigures: number;
  figuresGiven: { killed: number; injured: number };
  focusOwn: { killed: number; injured: number };
};

/** "Iraq 24 Jun 2019 – 22 Aug 2019" for the parts of [from, to] no systematic source covers; null when none. */
function coverageGapText(ds: Dataset, countryIds: readonly string[], from: string, to: string): string | null {
  const parts: string[] = [];
  for (const c of countryIds) {
    const gaps = uncoveredParts(ds, c, from, to);
    if (gaps.length)
      parts.push(
        `${ds.gazetteer.get(c)?.name ?? c} (${gaps.map((g) => (g.from === g.to ? shortDay(g.from) : `${shortDay(g.from)} – ${shortDay(g.to)}`)).join(', ')})`,
      );
  }
  return parts.length ? parts.join('; ') : null;
}
type Side = 'killed' | 'injured';

const sumOf = (p: Period, k: Side) => (k === 'killed' ? totalKilled(p.totals) : totalInjured(p.totals));
/**
 * Whether a period has a figure for the side: some incident in it gives one. A period without any
 * incident has a true 0. Otherwise a 0 would only mean "no source says", which is shown as "not stated".
 */
const gives = (p: Period, k: Side) => p.total === 0 || p.figuresGiven[k] > 0;

/**
 * "12 killed (+3)"; "injured not stated" when no incident of the period gives that figure; the change
 * only when both periods give it (against a period whose sources say nothing, a difference means nothing).
 */
function figureWithChange(cur: Period, prev: Period, k: Side): string {
  // The wording of killedInjuredText ("8 killed", "injured not stated"), with the change after each side.
  if (!gives(cur, k)) return `${k} not stated`;
  const text = `${count(sumOf(cur, k))} ${k}`;
  return gives(prev, k) ? `${text} (${signed(sumOf(cur, k) - sumOf(prev, k))})` : text;
}

function newestFirst(a: Incident, b: Incident): number {
  return a.date.date < b.date.date ? 1 : a.date.date > b.date.date ? -1 : a.id < b.id ? -1 : 1;
}

const signed = (n: number) => (n > 0 ? `+${n.toLocaleString('en-US')}` : n < 0 ? `−${(-n).toLocaleString('en-US')}` : '±0');
const count = (n: number) => n.toLocaleString('en-US');

/**
 * The totals field: incidents, then killed and injured (by group) with the change against the period
 * before. A side no incident of the period gives a figure for is "not stated", never 0; its change is
 * shown only when both periods give the figure.
 */
function totalsWithChange(cur: Period, prev: Period, n: number, coverageGaps: string | null, ownLabel: string | null): string {
  const side = (k: Side) => {
    const label = k === 'killed' ? 'Killed' : 'Injured';
    if (!gives(cur, k)) return `${label}: not stated by the sources`;
    const comparable = gives(prev, k) && coverageGaps === null;
    const a = sumOf(cur, k);
    const change = (x: number, y: number) => (comparable ? ` (${signed(x - y)})` : '');
    const groups = CASUALTY_GROUPS.filter((g) => cur.totals[g][k] > 0 || (comparable && prev.totals[g][k] > 0)).map(
      (g) => `${GROUP_LABEL[g]} ${count(cur.totals[g][k])}${change(cur.totals[g][k], prev.totals[g][k])}`,
    );
    const note = comparable || coverageGaps !== null ? '' : ` (not stated for the ${n} days before)`;
    // The focus actor's own dead apart, so its losses are not read as its victims.
    const own = ownLabel && a > 0 ? (cur.focusOwn[k] ? `, of whom ${count(cur.focusOwn[k])} ${ownLabel}` : `, none recorded as ${ownLabel}`) : '';
    return `${label}: ${count(a)}${change(a, sumOf(prev, k))}${own}${groups.length ? ` — ${groups.join(', ')}` : ''}${note}`;
  };
  const lines = [`Incidents: ${count(cur.total)}${coverageGaps === null ? ` (${signed(cur.total - prev.total)})` : ''}`, side('killed'), side('injured')];
  if (coverageGaps !== null) lines.push(`No change shown: no systematic source covers ${coverageGaps}, so a difference would show the gap, not a trend.`);
  if (cur.withoutFigures > 0) lines.push(`${plural(cur.withoutFigures, 'incident')} without full figures from the source (known figures only).`);
  return lines.join('\n');
}

/** Overlaps [from, to]; with a place filter, quotes about that place, a place inside it or one enclosing it. */
function pickQuote(ds: Dataset, from: string, to: string, placeId: string | null): Quote | null {
  let related: Set<string> | null = null;
  if (placeId) related = new Set([...ds.gazetteer.descendants(placeId), ...ds.gazetteer.lineage(placeId).map((p) => p.id)]);
  let best: Quote | null = null;
  for (const quote of ds.quotes) {
    const d = quote.date;
    if (!d || d.date > to || (d.end ?? d.date) < from) continue;
    if (related && !quote.placeIds.some((p) => related.has(p))) continue;
    if (!best || rank(quote) > rank(best) || (rank(quote) === rank(best) && quote.id < best.id)) best = quote;
  }
  return best;
}

/** Direct words first, then the most precisely and most recently dated. */
function rank(q: Quote): string {
  const d = q.date!;
  return `${q.kind === 'direct' ? 1 : 0}${d.precision === 'range' ? 0 : 1}${d.date}`;
}

function formatQuote(ds: Dataset, q: Quote): string {
  const speaker = ds.actors.get(q.speakerId);
  const who = speaker ? `${speaker.name}${speaker.role ? `, ${speaker.role}` : ''}` : q.speakerId;
  const via = q.viaId ? `, via ${ds.actorName(q.viaId)}` : '';
  const when = q.date ? formatDateSpec(q.date, ds) : 'date not given';
  const meta = `— ${who}${via}${q.venue ? `, ${q.venue}` : ''}, ${when}`;
  const text = truncate(q.text, 1024 - meta.length - 40);
  const paraphrase = q.wording === 'verbatim' ? "the source's words, paraphrasing" : 'paraphrase (ours)';
  return q.kind === 'direct' ? `${quotedText(text)}\n${meta}` : `${text} (${paraphrase})\n${meta}`;
}

/** Joins lines up to a budget, then says how many did not fit. */
function fitLines(lines: string[], budget: number): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const next = out ? `${out}\n${lines[i]}` : lines[i]!;
    if (next.length > budget) return `${out}\n… (${lines.length - i} more line${lines.length - i === 1 ? '' : 's'} did not fit)`;
    out = next;
  }
  return out;
}
