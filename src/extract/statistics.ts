/**
 * Figures for a period or a population rather than one attack: a monitor's count over a period with
 * its sub-counts ("Those killed ... included two Russian soldiers"), and context figures (a camp's
 * population, fighters a report estimates) with the date they refer to.
 */
import type { Actor, CasualtyGroup } from '../schema/index.ts';
import { findActors } from './actors.ts';
import { classify } from './casualties.ts';
import { type DayMention, findDays, findPeriod } from './dates.ts';
import { NUMBER_SOURCE, parseNumber, QUALIFIER_SOURCE, qualifierOf } from './numbers.ts';
import { maskQuotes } from './quotes.ts';
import type { Sentence } from './sentences.ts';

export interface StatisticDraft {
  kind: 'casualty-count' | 'context';
  reporterId: string | null;
  description: string;
  value: number;
  qualifier: 'exact' | 'approximately' | 'nearly' | 'at-least';
  unit: string;
  outcome: 'killed' | 'injured' | 'deaths' | 'population' | null;
  group: CasualtyGroup | null;
  perpetratorId: string | null;
  period: { from: DayMention; to: DayMention | null } | null;
  /** Index into the drafts of the count this one is part of. */
  parent: number | null;
  sentence: Sentence;
}

const COUNT_VERB =
  /\b(?:documented|recorded|counted|tallied|surveyed|registered|verified|confirmed|reported|estimated|estimates|puts?|put\s+the\s+(?:toll|number)|says?\s+at\s+least)\b/i;
const MONITOR = /\b(?:observatory|monitor|office|report|united\s+nations|UN|agency|ministry|watchdog|group|organi[sz]ation|tally|count)\b/i;
const SAME_PERIOD = /\b(?:in|over|during)\s+the\s+same\s+period\b/i;
const SUB_COUNT = /\b(?:included|including|among\s+them|among\s+those|of\s+whom|of\s+them)\b/i;
const POPULATION = /\b(?:people|residents|inhabitants|displaced|refugees|detainees|prisoners|families|children|fighters|members|women|civilians|persons)\b/i;
const POPULATION_VERB =
  /\b(?:live|lives|living|held|hold|holds|housed|houses|host|hosts|hosting|shelter|shelters|detained|remain|remains|estimated|number|numbers|is\s+home\s+to|are\s+held|are\s+in)\b/i;
const EVENTS = /\b(?:attacks|incidents|operations|bombings|assassinations|ambushes|raids|airstrikes|strikes|explosions|kidnappings|abductions)$/i;
const INCIDENT_VERB = /\b(?:attacked|ambushed|exploded|detonated|stormed|struck|killing|wounding|opened\s+fire|blew\s+up)\b/i;

const FIGURE = new RegExp(
  `(?:(${QUALIFIER_SOURCE})\\s+)?(\\d{1,3}(?:,\\d{3})+|\\d+|${NUMBER_SOURCE})(?![\\p{L}\\p{N}])(?=\\s+((?:[\\p{L}'’-]+)(?:\\s+[\\p{L}'’-]+){0,5}))`,
  'giu',
);
const RANGE = new RegExp(
  `\\bbetween\\s+(\\d{1,3}(?:,\\d{3})+|\\d+|${NUMBER_SOURCE})\\s+and\\s+(\\d{1,3}(?:,\\d{3})+|\\d+|${NUMBER_SOURCE})\\s+((?:[\\p{L}'’-]+)(?:\\s+[\\p{L}'’-]+){0,3})`,
  'giu',
);
/** The figure's noun phrase ends before the first of these ("troops in Syria", "soldiers and nine ..."). */
const PHRASE_END =
  /\s*\b(?:in|on|at|between|from|since|during|and|or|under|live|lives|living|were|was|are|is|remain|remains|still|have|had|has|who|which|that|across|over|by|as|to|for|with|including)\b.*$/;

interface Figure {
  value: number;
  qualifier: StatisticDraft['qualifier'];
  words: string;
  index: number;
  /** "between 400 and 500": the source's bounds, kept in the description. */
  range?: string;
}

/** Numbers with the words after them, outside quotes and outside the dates of the sentence. */
function figures(text: string, dates: readonly DayMention[]): Figure[] {
  let masked = maskQuotes(text);
  for (const d of dates) masked = masked.slice(0, d.index) + ' '.repeat(d.text.length) + masked.slice(d.index + d.text.length);
  const out: Figure[] = [];
  // "between 400 and 500 fighters": at least the lower bound, with both bounds in the words; the upper one is no figure of its own.
  for (const m of masked.matchAll(RANGE)) {
    const low = parseNumber(m[1]!);
    const high = parseNumber(m[2]!);
    if (low === null || high === null || high <= low) continue;
    out.push({ value: low, qualifier: 'at-least', words: m[3]!.replace(PHRASE_END, '').trim(), index: m.index!, range: `between ${m[1]} and ${m[2]}` });
    masked = masked.slice(0, m.index!) + ' '.repeat(m[0].length) + masked.slice(m.index! + m[0].length);
  }
  for (const m of masked.matchAll(FIGURE)) {
    const value = parseNumber(m[2]!);
    if (value === null || /^(?:a|an|one)$/i.test(m[2]!)) continue;
    if (/^(?:years?|months?|weeks?|days?|hours?|percent|per|km|kilometres|kilometers|miles|times|of\s+the)\b/i.test(m[3]!)) continue;
    const q = qualifierOf(m[1]);
    out.push({
      value,
      qualifier: q === 'more-than' ? 'at-least' : q === 'up-to' ? 'approximately' : q,
      words: m[3]!.replace(PHRASE_END, '').trim(),
      index: m.index!,
    });
  }
  return out;
}

export function findStatistics(
  sentences: readonly Sentence[],
  published: string,
  actors: ReadonlyMap<string, Actor>,
  isArticle: boolean,
): { drafts: StatisticDraft[]; sentenceIds: Set<number> } {
  const drafts: StatisticDraft[] = [];
  const used = new Set<number>();
  let lastCount: number | null = null;
  let lastReporter: string | null = null;
  for (const s of sentences) {
    if (s.headline) continue;
    const masked = maskQuotes(s.text);
    const dates = findDays(masked, published);
    const mentions = findActors(masked, actors, isArticle);
    const reporter: string | null =
      mentions.find((m) => ['organisation', 'report'].includes(actors.get(m.actorId)?.kind ?? ''))?.actorId ??
      (/\b(?:the\s+(?:observatory|monitor|office|report))\b/i.test(masked) ? lastReporter : null);
    const perpetrator =
      (/\bby\s+(?:IS|the\s+Islamic\s+State|ISIS|Daesh)\b/.test(masked) || (isArticle && /\bby\s+the\s+(?:group|jihadists|militants)\b/.test(masked))) &&
      actors.has('islamic-state')
        ? 'islamic-state'
        : null;
    const period = findPeriod(masked, published);
    const figs = figures(s.text, dates);
    if (!figs.length) continue;
    const prev = lastCount !== null ? drafts[lastCount]! : null;
    const near = prev && s.index - prev.sentence.index <= 2;

    if (near && SUB_COUNT.test(masked) && /\b(?:killed|dead|deaths|those)\b/i.test(masked) && !period) {
      // "Those killed, the observatory said, included two Russian soldiers and nine pro-Iran troops."
      for (const f of figs)
        drafts.push(
          count(f, s, prev.reporterId, prev.perpetratorId, prev.period, drafts.indexOf(prev), prev.outcome, actors, isArticle, `among the ${prev.description}`),
        );
      used.add(s.index);
      continue;
    }
    // "The monitor said the jihadists had killed 38 ... since January": a monitor's count needs no counting verb.
    const counting = (COUNT_VERB.test(masked) && (reporter || MONITOR.test(masked))) || (!!reporter && /\b(?:killed|deaths|died|dead)\b/i.test(masked));
    if ((period || (near && SAME_PERIOD.test(masked))) && (counting || near)) {
      const f = figs[0]!;
      const p = period ?? prev!.period;
      const outcome = /\bdeaths?\b/i.test(f.words)
        ? 'deaths'
        : /\b(?:wounded|injured|injuries)\b/i.test(masked) && !/\bkill/i.test(masked)
          ? 'injured'
          : 'killed';
      const rep: string | null = reporter ?? (SAME_PERIOD.test(masked) ? (prev?.reporterId ?? null) : null);
      const d = count(f, s, rep, outcome === 'deaths' ? null : perpetrator, p, null, outcome, actors, isArticle);
      // "documented 61 attacks": a count of events, not of the dead.
      if (EVENTS.test(d.unit)) drafts.push({ ...d, kind: 'context', outcome: null, group: null, description: `${d.unit}${d.perpetratorId ? ' by IS' : ''}` });
      else drafts.push(d);
      lastCount = drafts.length - 1;
      // "... had killed 96 members of the government forces since the start of the year, among them 12 officers."
      const sub = SUB_COUNT.exec(masked);
      if (sub && drafts[lastCount]!.kind === 'casualty-count')
        for (const g of figs.filter((x) => x.index > sub.index && x !== f))
          drafts.push(count(g, s, rep, d.perpetratorId, p, lastCount, outcome, actors, isArticle, `among the ${d.description}`));
      lastReporter = rep ?? lastReporter;
      used.add(s.index);
      continue;
    }
    if (POPULATION.test(masked) && POPULATION_VERB.test(masked) && !INCIDENT_VERB.test(masked) && !/\b(?:killed|wounded|injured|dead)\b/i.test(masked)) {
      // "Approximately 70,000 internally displaced people, including nearly 50,000 under the age of 18, live in the camp."
      const [main, ...subs] = figs;
      const at = dates.find((d) => d.kind !== 'background') ?? reportDate(masked, dates);
      const first: StatisticDraft = {
        kind: 'context',
        reporterId: reporter,
        description: `${describe(main!.words, s.text)}${main!.range ? ` (${main!.range}, as the source says)` : ''}`,
        value: main!.value,
        qualifier: main!.qualifier,
        unit: unitOf(main!.words),
        outcome: 'population',
        group: null,
        perpetratorId: null,
        period: at ? { from: at, to: at } : null,
        parent: null,
        sentence: s,
      };
      drafts.push(first);
      const parentIndex = drafts.length - 1;
      if (SUB_COUNT.test(masked))
        for (const f of subs)
          drafts.push({
            ...first,
            description: `${f.words} among the ${first.description}`,
            value: f.value,
            qualifier: f.qualifier,
            unit: POPULATION.test(f.words) ? unitOf(f.words) : first.unit,
            parent: parentIndex,
          });
      used.add(s.index);
    }
    if (reporter) lastReporter = reporter;
  }
  return { drafts, sentenceIds: used };
}

function count(
  f: Figure,
  s: Sentence,
  reporterId: string | null,
  perpetratorId: string | null,
  period: StatisticDraft['period'],
  parent: number | null,
  outcome: StatisticDraft['outcome'],
  actors: ReadonlyMap<string, Actor>,
  isArticle: boolean,
  suffix?: string,
): StatisticDraft {
  const who = classify(f.words.replace(/\s+(?:in|on|at|between|from|since|during)\b.*$/i, ''), actors, isArticle);
  const words = f.words.replace(/\s+(?:in|on|at|between|from|since|during|and)\b.*$/i, '');
  return {
    kind: 'casualty-count',
    reporterId,
    description: suffix ? `${words} ${suffix}` : `${words}${outcome === 'deaths' ? '' : ` ${outcome}`}${perpetratorId ? ' by IS' : ''}`,
    value: f.value,
    qualifier: f.qualifier,
    unit: unitOf(words),
    outcome,
    group: who.group === 'unknown' ? null : who.group,
    perpetratorId,
    period,
    parent,
    sentence: s,
  };
}

/**
 * "A report published in July estimated ...": the report's date is the date its figure refers to, however
 * long ago (for incidents a date that old is background; for a figure it is the figure's date).
 */
function reportDate(text: string, dates: readonly DayMention[]): DayMention | null {
  const d = dates.find((x) => x.kind === 'background' && /\b(?:published|released|issued|dated|compiled)\s+(?:in\s+|on\s+)?$/i.test(text.slice(0, x.index)));
  if (!d) return null;
  // A bare year ("released in 2023") is the whole year; a month keeps its end; a full date is that day.
  if (d.end) return { ...d, kind: 'month' };
  if (/^(?:(?:in|of|by|since)\s+)?(?:(?:early|mid|late|mid-)\s*)?(?:19|20)\d{2}$/i.test(d.text.trim()))
    return { ...d, kind: 'month', end: `${d.date.slice(0, 4)}-12-31` };
  return { ...d, kind: 'day' };
}

const unitOf = (words: string) =>
  words
    .replace(/\s+(?:in|on|at|between|from|since|during|and|under|live|living)\b.*$/i, '')
    .split(/\s+/)
    .slice(-2)
    .join(' ') || 'people';
const describe = (words: string, sentence: string) =>
  `${words.replace(/\s+(?:in|on|at|live|living|under)\b.*$/i, '')}${/\bcamp\b/i.test(sentence) ? ' in the camp' : ''}`;
