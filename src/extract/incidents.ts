/**
 * One incident per event: clauses with an attack and a day or place of their own start an incident;
 * clauses that only add detail (figures, weapons, a claim, "the blast") join the incident told just
 * before; a restatement on the same day in the same province joins it too, unless the text says
 * "another" or "separate". The headline never starts one (the body tells the same attack).
 * Statistic sentences and background ("since 2017", days months before publication) never do.
 */
import { BODIES_FOUND, type CasualtyFigure, findAbducted } from './casualties.ts';
import { addDays, type DayMention } from './dates.ts';
import { analyseClause, bestPlace, type ClauseFacts, type EventContext, splitClauses } from './events.ts';
import { type PlaceMention, provinceOf, SPECIFICITY } from './places.ts';
import { maskQuotes } from './quotes.ts';
import type { Sentence } from './sentences.ts';

export interface DayDraft {
  date: string;
  end?: string;
  precision: 'exact' | 'derived' | 'range';
  derivedFrom?: { incident: number; offsetDays: number; phrase: string };
  note?: string;
}

export interface IncidentDraft {
  day: DayDraft;
  place: PlaceMention | null;
  perpetratorId: string | null;
  claimed: boolean | null;
  target: string | null;
  weapons: string[];
  casualties: CasualtyFigure[];
  notes: string[];
  context: string | null;
  sentences: Sentence[];
  /** Lower when the day was inherited or the place is vague. */
  confidence: number;
  /** "Two shepherds were abducted": counted as killed once the text says their bodies were found. */
  abducted?: CasualtyFigure | null;
}

export function findIncidents(sentences: readonly Sentence[], skip: ReadonlySet<number>, ctx: EventContext): IncidentDraft[] {
  const out: IncidentDraft[] = [];
  let cur: IncidentDraft | null = null;
  for (const s of sentences) {
    if (s.headline || skip.has(s.index)) continue;
    let masked = maskQuotes(s.text);
    if (ctx.dateline?.sentence === s.index) masked = ' '.repeat(ctx.dateline.length) + masked.slice(ctx.dateline.length);
    if (masked.replace(/[^\p{L}]+/gu, '').length < 12) continue;
    const sentenceFacts = analyseClause(masked, ctx);
    for (const clause of splitClauses(masked)) {
      const f = clause === masked ? sentenceFacts : analyseClause(clause, ctx);
      if (!f.days.length && sentenceFacts.days.length) f.days = sentenceFacts.days;
      if (!f.relative) f.relative = sentenceFacts.relative;
      const place = bestPlace(f.places);
      const near = cur && s.paragraph - cur.sentences.at(-1)!.paragraph <= 1;
      if (!f.trigger) {
        // "Their bodies were found on Sunday": the day the bodies were found is not the day of the abduction.
        if (cur && near && cur.abducted && BODIES_FOUND.test(clause)) {
          if (!cur.casualties.some((c) => c.killed !== null)) cur.casualties.push(cur.abducted);
          cur.abducted = null;
          if (!cur.sentences.includes(s)) cur.sentences.push(s);
          continue;
        }
        // "By Wednesday morning the death toll had risen to eight": the day is when the toll was counted, not another attack.
        const tollUpdate = /\btoll\b/i.test(clause) && f.figures.length > 0;
        if (cur && near && (f.figures.length || f.notes.length || f.refersBack) && !place && (!f.days.length || tollUpdate)) attach(cur, f, s, ctx);
        continue;
      }
      // "The group claimed the bombing in a statement on Saturday": the claim of the attack told before, on the day it
      // was made, never an attack of its own.
      if (cur && f.claimed && f.refersBack && !f.figures.length && !f.separate) {
        const named = place?.placeId && cur.place?.placeId !== place.placeId ? out.find((o) => o.place?.placeId === place.placeId) : undefined;
        attach(named ?? cur, { ...f, days: [], places: named ? f.places : [] }, s, ctx);
        continue;
      }
      // "Russian jets then pounded hideouts in the same area, killing a dozen militants": another party striking
      // afterwards, or from the air, is another event; defenders firing back ("Iraqi policemen also succeeded in
      // killing four IS militants") are part of the attack, as is a clause referring back to it.
      const otherDoer =
        !!cur?.perpetratorId && !!f.perpetratorId && f.perpetratorId !== cur.perpetratorId && !f.claimed && !f.refersBack && COUNTER_STRIKE.test(clause);
      let day = dayOf(f, cur, out.length - 1);
      // "a bombing that wounded two guards near Qaim last month": an earlier event, not this one.
      if (!day && f.background) continue;
      if (!day && !place && !otherDoer) {
        // "IS claimed the attack through Amaq" often closes the story, after the quotes: it is still this attack's claim.
        const lateClaim = !!cur && !!f.claimed && f.refersBack;
        if (cur && (near || lateClaim) && !f.background) attach(cur, f, s, ctx);
        continue;
      }
      if (cur && !f.separate && !otherDoer && (!day || day.date === cur.day.date) && (!place || !cur.place || sameArea(place, cur.place, ctx))) {
        // "IS claimed the Hajin attack" after attacks in Hajin and Al-Busayrah: the one in the town it names.
        const named =
          !f.days.length && place?.placeId && cur.place?.placeId !== place.placeId ? out.find((o) => o.place?.placeId === place.placeId) : undefined;
        attach(named ?? cur, f, s, ctx);
        continue;
      }
      if (!day) {
        // A further attack told without a day of its own ("In a separate attack in Kirkuk, ..."): it shares the day of the one before.
        if (!cur || f.background || (!f.separate && !f.figures.length)) continue;
        day = {
          date: cur.day.date,
          precision: cur.day.precision === 'range' ? 'range' : 'exact',
          ...(cur.day.end ? { end: cur.day.end } : {}),
          note: 'The article gives no day of its own for this attack; dated as the attack it reports just before.',
        };
        if (cur.day.precision === 'derived') day.precision = 'exact';
      }
      // "in the same area": where the attack told before happened.
      const samePlace: PlaceMention | null =
        !place && cur && /\b(?:in|near|around|at)\s+the\s+same\s+(?:area|village|town|city|district|province|region|place|neighbou?rhood|spot)\b/i.test(clause)
          ? cur.place
          : null;
      cur = {
        day,
        place: place ?? samePlace,
        perpetratorId: null,
        claimed: null,
        target: null,
        weapons: [],
        casualties: [],
        notes: [],
        context: null,
        sentences: [],
        confidence: day.note ? 0.6 : 1,
      };
      out.push(cur);
      attach(cur, f, s, ctx);
      cur.abducted = findAbducted(clause, ctx.actors, ctx.aboutIs);
    }
  }
  return out;
}

function dayOf(f: ClauseFacts, cur: IncidentDraft | null, curIndex: number): DayDraft | null {
  // "The service said on Tuesday it had killed four militants the previous day": counted from the day it spoke.
  const spoke = f.days.find(
    (x) =>
      (x.kind === 'day' || x.kind === 'weekday') && (SPEECH_BEFORE.test(f.text.slice(0, x.index)) || SPEECH_AFTER.test(f.text.slice(x.index + x.text.length))),
  );
  // "said on Tuesday ... the previous day" counts from the statement; "said on Tuesday ..., a day after the cell
  // attacked" counts from that other event, not from the statement.
  if (f.relative && spoke && !/\b(?:after|before)\s+(?:the|that|this|its|their)\b/i.test(f.relative.phrase))
    return {
      date: addDays(spoke.date, f.relative.offsetDays),
      precision: 'exact',
      note: `The article says "${f.relative.phrase}", counted from the day of the statement ("${spoke.text}").`,
    };
  if (f.relative && cur)
    return {
      date: addDays(cur.day.date, f.relative.offsetDays),
      precision: 'derived',
      derivedFrom: { incident: curIndex, offsetDays: f.relative.offsetDays, phrase: f.relative.phrase },
    };
  const d: DayMention | undefined = f.days.find((x) => x.kind === 'day' || x.kind === 'weekday') ?? f.days.find((x) => x.kind === 'month');
  if (!d) return null;
  if (d.kind === 'month') return { date: d.date, end: d.end!, precision: 'range', note: `The article says only "${d.text}".` };
  return { date: d.date, precision: 'exact' };
}

const COUNTER_STRIKE =
  /\b(?:then|later|afterwards|subsequently|in\s+response|in\s+retaliation|jets|warplanes|aircraft|drones?|helicopters?|air\s*strikes?|air\s+raids?)\b/i;

/** "On Tuesday, the ministry said ...": the day is when it spoke. */
const SPEECH_AFTER = /^\s*,?\s*[^,]{1,60}?\s+(?:said|announced|reported|stated|confirmed)\b/i;
const SPEECH_BEFORE = /\b(?:said|says|announced|reported|stated|added|told\s+[\p{L}]+)\s+$/iu;

/** Same province, or one place inside the other. */
function sameArea(a: PlaceMention, b: PlaceMention, ctx: EventContext): boolean {
  if (a.placeId && a.placeId === b.placeId) return true;
  const pa = a.placeId ? provinceOf(ctx.gazetteer, a.placeId) : a.draft?.parentId ? provinceOf(ctx.gazetteer, a.draft.parentId) : null;
  const pb = b.placeId ? provinceOf(ctx.gazetteer, b.placeId) : b.draft?.parentId ? provinceOf(ctx.gazetteer, b.draft.parentId) : null;
  if (pa && pb) return pa === pb;
  // A country or region and a place inside it.
  const inside = (x: PlaceMention, y: PlaceMention) => !!x.placeId && !!y.placeId && ctx.gazetteer.lineage(x.placeId).some((p) => p.id === y.placeId);
  return inside(a, b) || inside(b, a);
}

function attach(cur: IncidentDraft, f: ClauseFacts, s: Sentence, ctx: EventContext): void {
  if (!cur.sentences.includes(s)) cur.sentences.push(s);
  const place = bestPlace(f.places);
  if (place && (!cur.place || (SPECIFICITY[place.kind] < SPECIFICITY[cur.place.kind] && sameArea(place, cur.place, ctx)))) cur.place = place;
  for (const fig of f.figures) {
    // The same victims told again ("four Iraqi soldiers" ... "two soldiers"), not others of the same group (a shepherd and his son).
    const same = cur.casualties.find(
      (c) => c.group === fig.group && ((c.actorId !== null && c.actorId === fig.actorId) || headNoun(c.label) === headNoun(fig.label)),
    );
    // "a second soldier died of his wounds": one more, not the same one told again.
    const more = /^(?:second|third|fourth|fifth|another|two\s+more|three\s+more)\b/i.test(fig.label);
    if (same && more) {
      same.killed = fig.killed === null ? same.killed : (same.killed ?? 0) + fig.killed;
      same.injured = fig.injured === null ? same.injured : (same.injured ?? 0) + fig.injured;
    } else if (!same) cur.casualties.push({ ...fig });
    else {
      same.killed = max(same.killed, fig.killed);
      same.injured = max(same.injured, fig.injured);
      same.actorId ??= fig.actorId;
      if (fig.note) same.note = same.note ? `${same.note} ${fig.note}` : fig.note;
    }
  }
  for (const n of f.notes) if (!cur.notes.includes(n)) cur.notes.push(n);
  for (const w of f.weapons) if (!cur.weapons.includes(w)) cur.weapons.push(w);
  cur.perpetratorId ??= f.perpetratorId;
  if (f.claimed) cur.claimed = true;
  cur.target ??= f.target;
  const tail = /\b(?:for\s+the\s+first\s+time\s+since|ever\s+since)\b[^.;]*/i.exec(f.text);
  if (tail && !cur.context) cur.context = `${tail[0].charAt(0).toUpperCase()}${tail[0].slice(1)}.`;
}

const headNoun = (label: string) => (label.split(/\s+/).at(-1) ?? '').toLowerCase().replace(/(?:e?s)$/, '');
const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
