/**
 * What one clause says about an attack: its trigger, day, places, perpetrator, casualties, weapons,
 * target and claim. Background after "since" ("for the first time since the army took Mosul in
 * 2017") is cut off first, so its places and figures never describe the attack.
 */
import type { Gazetteer } from '../core/gazetteer.ts';
import type { Actor } from '../schema/index.ts';
import { findActors } from './actors.ts';
import { type CasualtyFigure, findCasualties } from './casualties.ts';
import { type DayMention, findDays, findRelativeDay, type RelativeDay } from './dates.ts';
import { findDraftPlaces, findPlaces, type PlaceMention, SPECIFICITY } from './places.ts';

export interface ClauseFacts {
  text: string;
  trigger: boolean;
  days: DayMention[];
  background: boolean;
  relative: RelativeDay | null;
  places: PlaceMention[];
  figures: CasualtyFigure[];
  notes: string[];
  perpetratorId: string | null;
  claimed: boolean | null;
  weapons: string[];
  target: string | null;
  /** "In a separate attack", "another bomb", "meanwhile": a new incident even on the same day and place. */
  separate: boolean;
  /** Refers back to an incident already told ("the attack", "the blast"). */
  refersBack: boolean;
}

export interface EventContext {
  gazetteer: Gazetteer;
  actors: ReadonlyMap<string, Actor>;
  published: string;
  /** The article is about IS: "the group", "the jihadists" then mean IS. */
  aboutIs: boolean;
  /** Parent for towns the gazetteer lacks when the sentence names no district or province. */
  fallbackParent: string | null;
  /** The dateline ("BAGHDAD –") opening this sentence: where it was filed, not where it happened. */
  dateline: { sentence: number; length: number } | null;
}

const TRIGGER =
  /\b(?:attacked|attacking|pounded|bombarded|attack\s+(?:on|against)|(?:an?|the|another|second|third)\s+(?:[\p{L}\d-]+\s+){0,3}?(?:attack|ambush|bombing|blast|explosion|raid|assault|airstrike|air\s+strike|strike|suicide\s+bombing|shooting)|ambushed|killed|killing|wounded|wounding|injured|injuring|exploded|detonated|stormed|struck|shot\s+dead|executed|beheaded|blew\s+up|bombed|shelled|opened\s+fire|abducted|kidnapped|clashed|clashes\s+(?:with|between)|died)\b/iu;
const BACKGROUND_TAIL =
  /,?\s+(?:for\s+the\s+first\s+time\s+since|ever\s+since|since|(?:months|weeks|years|a\s+year|a\s+month)\s+after|in\s+the\s+wake\s+of|more\s+than\s+\w+\s+years\s+after)\b/i;
const WEAPONS =
  /\b(?:light\s+arms|small\s+arms|(?:car|truck|roadside|motorcycle|suicide|sticky)\s+bombs?|improvised\s+explosive\s+devices?|IEDs?|explosive\s+belts?|suicide\s+vests?|mortars?|rocket-propelled\s+grenades?|rockets?|RPGs?|hand\s+grenades?|grenades?|machine\s+guns?|sniper\s+fire|landmines?|land\s+mines?|drones?|artillery|airstrikes?|air\s+strikes?|assault\s+rifles?|rifles?|knives|explosives?)\b/gi;
const ACTIVE =
  /\b(?:attacked|ambushed|killed|stormed|struck|detonated|set\s+off|shot|targeted|raided|executed|beheaded|staged|launched|carried\s+out|opened\s+fire|blew\s+up|bombed|shelled|pounded|bombarded|abducted|kidnapped|succeeded\s+in|fired)\b/i;
const ACTIVE_ALL = new RegExp(ACTIVE.source, 'gi');
/** "... were killed when IS militants attacked": a subordinate clause starts a new subject. */
const clauseStart = (clause: string, at: number) => {
  let start = 0;
  for (const m of clause.slice(0, at).matchAll(/\b(?:when|after|as|while|because)\s+/gi)) start = m.index! + m[0].length;
  return start;
};
const NOT_SAID =
  /\b(?:(?:no\s+(?:group|one|organi[sz]ation)|nobody)\s+(?:has\s+|immediately\s+|yet\s+)*claimed|did\s+not\s+(?:immediately\s+)?claim|has\s+not\s+(?:yet\s+)?claimed|similar\s+(?:attacks|bombings)|in\s+the\s+past|hallmarks)\b/i;
const CLAIMED =
  /\bclaimed\s+(?:responsibility|(?:the|an?)\s+(?:\p{Lu}[\p{L}-]+\s+){0,2}(?:attack|bombing|ambush|killing|blast)|it)\b|\b(?:through|via|on|by)\s+its\s+(?:Amaq|A'maq)\b|\bAmaq\s+(?:news\s+)?agency\s+(?:said|reported|claimed)\b|\b(?:said|says|announced)\s+(?:in\s+a\s+statement\s+(?:posted\s+online|on\s+(?:Telegram|social\s+media|its\s+[\p{L}\s]{1,20}channels?)|circulated\s+online)\s+)?(?:that\s+)?(?:its\s+(?:fighters|members|militants|soldiers|men)|it)\s+(?:had\s+)?(?:killed|attacked|ambushed|stormed|targeted|detonated|carried\s+out|blew\s+up|shot)\b/iu;
const SEPARATE =
  /\b(?:(?:hours|minutes)\s+later|later\s+(?:that|the\s+same)\s+day|separate(?:ly)?|another|second\s+(?:attack|bomb|blast)|meanwhile|elsewhere|in\s+a\s+further|in\s+a\s+similar)\b/i;
const REFERS_BACK =
  /\b(?:the|that|this)\s+(?:attack|blast|bombing|explosion|ambush|raid|assault|incident|strike|operation|clash(?:es)?)\b|\b(?:the|this)\s+attackers\b/i;
const TARGET =
  /\b(?:attacked|attack\s+on|attack\s+against|targeting|targeted|stormed|ambushed|raided)\s+((?:an?\s+|the\s+)?[^,.;]+?)(?=\s+(?:in|near|on|at|outside|north|south|east|west|with|using|when|before|after|killing|wounding|leaving|belonging)\b|[,.;]|$)/i;

export function analyseClause(clause: string, ctx: EventContext): ClauseFacts {
  const cut = BACKGROUND_TAIL.exec(clause);
  const own = cut ? clause.slice(0, cut.index) : clause;
  const days = findDays(clause, ctx.published);
  const ownDays = days.filter((d) => d.index < own.length && d.kind !== 'background');
  let known = findPlaces(own, ctx.gazetteer);
  // A town named with a province lies in it: a same-named town elsewhere is not the one meant.
  const provinces = new Set(known.filter((k) => k.kind === 'province').map((k) => k.placeId));
  if (provinces.size)
    known = known.filter(
      (k) => SPECIFICITY[k.kind] >= SPECIFICITY.province || [...provinces].some((p) => ctx.gazetteer.lineage(k.placeId).some((a) => a.id === p)),
    );
  const drafts = findDraftPlaces(own, ctx.gazetteer, known, ctx.fallbackParent);
  const { figures, notes } = findCasualties(own, ctx.actors, ctx.aboutIs);
  const weapons = [...new Set([...own.matchAll(WEAPONS)].map((m) => m[0].toLowerCase()))];
  const target = TARGET.exec(own)?.[1]?.trim() ?? null;
  const { perpetratorId, claimed } = perpetrator(own, ctx);
  return {
    text: clause,
    trigger: TRIGGER.test(own),
    days: ownDays,
    background: days.some((d) => d.kind === 'background') && !ownDays.length,
    relative: findRelativeDay(clause),
    places: [...known, ...drafts].sort((a, b) => a.index - b.index),
    figures,
    notes,
    perpetratorId,
    claimed,
    weapons,
    target:
      target &&
      target.split(/\s+/).length <= 8 &&
      !/\d/.test(target) &&
      !/^(?:Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|January|February|March|April|May|June|July|August|September|October|November|December|the\s+(?:same|previous|next)\s+day)\b/i.test(
        target,
      )
        ? target
        : null,
    // "..., while in Al-Busayrah a mine killed two": another place, another attack.
    separate: SEPARATE.test(own) || (/^\s*(?:while|whereas)\s/i.test(own) && known.length + drafts.length > 0),
    refersBack: REFERS_BACK.test(own),
  };
}

/** Who carried it out, only when the clause says so; an operation against IS names the forces, never IS. */
function perpetrator(clause: string, ctx: EventContext): { perpetratorId: string | null; claimed: boolean | null } {
  // "No group claimed the attack, but IS has carried out similar bombings": a suspicion, not an attribution.
  if (NOT_SAID.test(clause)) return { perpetratorId: null, claimed: null };
  const mentions = findActors(clause, ctx.actors, ctx.aboutIs).filter((m) => ['armed-group', 'state-forces'].includes(ctx.actors.get(m.actorId)?.kind ?? ''));
  const claim = CLAIMED.exec(clause);
  if (claim) {
    const before = mentions.filter((m) => m.end <= claim.index).at(-1);
    if (before) return { perpetratorId: before.actorId, claimed: true };
  }
  const by =
    /\b(?:attack|ambush|bombing|raid|assault|blast|strike|killed|carried\s+out|staged|launched|claimed|planted|laid|left|set|placed|detonated|fired)\s+by\s+/i.exec(
      clause,
    );
  if (by) {
    const after = mentions.find((m) => m.index >= by.index + by[0].length && m.index <= by.index + by[0].length + 6);
    if (after) return { perpetratorId: after.actorId, claimed: claim ? true : null };
  }
  // "in an IS attack", "a coalition airstrike": the party named as the attack's owner.
  for (const m of mentions)
    if (
      /\b(?:an?|the|another)\s+$/i.test(clause.slice(0, m.index)) &&
      /^\s+(?:(?:suicide|car\s+bomb|drone|night|dawn)\s+)?(?:attack|ambush|bombing|raid|assault|strike|airstrike|air\s+strike|drone\s+strike|offensive|operation)\b/i.test(
        clause.slice(m.end),
      )
    )
      return { perpetratorId: m.actorId, claimed: claim ? true : null };
  // "Two soldiers were killed when IS militants attacked their post": the passive verb names no doer; the next active one may.
  for (const verb of clause.matchAll(ACTIVE_ALL)) {
    const at = verb.index!;
    if (/\b(?:were|was|been|being|is|are)\s+(?:also\s+)?$/.test(clause.slice(0, at))) continue;
    const start = Math.max(0, clause.lastIndexOf(', ', at) + 1, clauseStart(clause, at));
    let subject = mentions.filter((m) => m.index >= start && m.end <= at).at(-1);
    // "On July 29, IS militants attacked": the date phrase is not the subject's clause boundary.
    if (!subject)
      subject = mentions
        .filter(
          (m) => m.index >= clauseStart(clause, at) && m.end <= at && !/\b(?:against|on|with|by|of|for|and)\s+(?:the\s+)?$/i.test(clause.slice(0, m.index)),
        )
        .at(-1);
    if (subject && !/\b(?:against|on|targeting)\s+(?:the\s+)?$/i.test(clause.slice(0, subject.index)))
      return { perpetratorId: subject.actorId, claimed: claim ? true : null };
    break;
  }
  // A claim whose claimant the clause does not name says nothing about who it was.
  return { perpetratorId: null, claimed: null };
}

/** The most specific place among the mentions; countries and regions only when nothing smaller is named. */
export function bestPlace(places: readonly PlaceMention[]): PlaceMention | null {
  let best: PlaceMention | null = null;
  for (const p of places) if (!best || SPECIFICITY[p.kind] < SPECIFICITY[best.kind]) best = p;
  return best;
}

/** "X, and Y" / "X; Y" / "X, while Y": one sentence telling two attacks gives two clauses. */
export function splitClauses(sentence: string): string[] {
  const parts = sentence.split(
    /;\s+|,\s+(?=(?:while|whereas)\s)|,?\s+and\s+(?=(?:in|near)\s+(?:the\s+)?\p{Lu}|(?:an?|another)\s+(?:[\p{L}-]+\s+){0,2}(?:bomb|attack|blast|gunmen|militants|ambush)\b)/u,
  );
  return parts.filter((p) => p.trim());
}
