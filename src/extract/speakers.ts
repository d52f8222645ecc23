/**
 * Who said it: a phrase next to a speech verb ("Glenn Fine, the principal deputy inspector general",
 * "a senior US defence official", "the interior ministry", "he") resolved to an existing actor, the
 * speaker just quoted (pronouns), or a new draft actor with the role the text gives. Never guessed:
 * a phrase that does not read as a speaker gives null.
 */
import type { Actor } from '../schema/index.ts';
import { actorByName } from './actors.ts';
import { slug } from './slug.ts';

export interface Speaker {
  actorId: string;
  /** A new actor this article introduces (the caller adds it once). */
  draft?: Actor;
}

export interface SpeakerMemory {
  lastPerson: string | null;
  lastOther: string | null;
  /** New actors so far, by normalised name, so "the ministry" quoted twice is one actor. */
  drafts: Map<string, Actor>;
  /** Speakers in the order they were last named, latest last: "the ministry" is the ministry named before. */
  recent: string[];
  sourceId: string;
  /** Who last spoke "in a statement": "the statement said" is their words. */
  lastStatement?: string | null;
}

const ORGANISATION =
  /\b(?:ministry|command|council|observatory|agency|office|organi[sz]ation|committee|forces|army|police|coalition|government|monitor|directorate|department|authority|administration|cell|center|centre|unit|mission|nations|commission|group|military|media|network|crescent|cross|amnesty|watch|service|security)\b/i;
const REPORT = /\b(?:report|study|assessment|survey|review|statement|bulletin)$/i;
const PERSON_NOUN =
  /\b(?:official|officer|source|spokesman|spokeswoman|spokesperson|commander|general|colonel|captain|lieutenant|major|sergeant|minister|governor|mayor|lawmaker|MP|resident|witness|doctor|medic|analyst|researcher|expert|leader|chief|head|director|member|elder|sheikh|mukhtar|activist|diplomat|envoy|adviser|advisor|survivor|farmer|shepherd|father|mother|man|woman|representative|negotiator|relative|neighbou?r|friend|brother|sister|son|daughter|cousin|uncle|wife|husband|shopkeeper|owner|driver|worker|teacher|student|villager|survivor|eyewitness|journalist|reporter|observer|tribesman|nurse|paramedic)s?\b/i;
const TITLE =
  /^(?:Minister|President|Prime|General|Gen\.?|Colonel|Col\.?|Brigadier|Brig\.?|Major|Maj\.?|Lieutenant|Lt\.?|Captain|Capt\.?|Secretary|Governor|Gov\.?|Spokesman|Spokeswoman|Commander|Sheikh|Mayor|Director|Chief|Envoy|Ambassador|Representative|Iraqi|Syrian|Kurdish|US|American|British|UN)$/;
const PRONOUN = /^(?:he|she|they|it)$/i;
const NAME_WORD = /^(?:\p{Lu}[\p{L}'’.-]*|al-\p{Lu}[\p{L}'’-]*|al|bin|ibn|abu|el)$/u;

/** Resolves a speaker phrase; null when the phrase does not name or describe anyone. */
export function resolveSpeaker(phrase: string, actors: ReadonlyMap<string, Actor>, memory: SpeakerMemory): Speaker | null {
  let p = phrase.trim().replace(/^[,;:\s]+|[,;:\s]+$/g, '');
  if (!p || p.split(/\s+/).length > 14 || /[“”"]/.test(p)) return null;
  if (PRONOUN.test(p)) {
    const id = /^it$/i.test(p) ? memory.lastOther : /^they$/i.test(p) ? (memory.lastOther ?? memory.lastPerson) : memory.lastPerson;
    return id ? { actorId: id } : null;
  }
  // "Glenn Fine, the principal deputy inspector general" -> name and role
  let role: string | null = null;
  const appositive = /^([^,]+),\s+(?:the\s+|a\s+|an\s+)?(.+)$/.exec(p);
  if (appositive) {
    p = appositive[1]!.trim();
    role = appositive[2]!.trim();
    // "A spokesman for the SDF, Farhad Shami": the name comes second.
    const second = role.split(/\s+/);
    if (/^(?:an?|the)\s/i.test(p) && second.length >= 2 && second.length <= 4 && second.every((w) => NAME_WORD.test(w) && !TITLE.test(w)))
      [p, role] = [role, p.replace(/^(?:an?|the)\s+/i, '')];
  }
  // "IS said in a statement posted online ... “…,” the statement said": the group speaks through it.
  if (/^the\s+(?:statement|message|post)$/i.test(p) && memory.lastStatement) return { actorId: memory.lastStatement };
  const bare = p.replace(/^(?:the|a|an|one)\s+/i, '');
  // "the report", "the ministry": a common noun refers back to one this article named; a dataset alias
  // ("the report" of the seed's Pentagon report) counts only when this article has named that actor.
  const commonNoun = /^the\s+\p{Ll}+$/u.test(p);
  const named = (id: string | null) => (id && (!commonNoun || memory.recent.includes(id)) ? id : null);
  const known = commonNoun
    ? (backReference(bare, actors, memory) ?? named(actorByName(p, actors) ?? actorByName(bare, actors)))
    : (actorByName(p, actors) ??
      actorByName(bare, actors) ??
      knownSuffix(bare, actors) ??
      (/^the\s+\p{L}+$/iu.test(p) ? backReference(bare, actors, memory) : null));
  if (known) return remember({ actorId: known }, actors.get(known)?.kind === 'person', memory);
  const words = bare.split(/\s+/);
  // A named person: capitalised words at the end, a title or role before them ("Iraqi army spokesman Yahya Rasool").
  let n = 0;
  while (n < words.length && NAME_WORD.test(words[words.length - 1 - n]!) && !TITLE.test(words[words.length - 1 - n]!)) n++;
  const unnamed =
    /^(?:a|an|one|two|three|several|some)\s/i.test(p) ||
    /^(?:the\s+)?(?:police|officials|sources|witnesses|residents|security sources|medics|doctors)$/i.test(p);
  if (!unnamed && n >= 2 && !ORGANISATION.test(bare)) {
    const name = words.slice(-n).join(' ');
    const title = words.slice(0, -n).join(' ') || null;
    return remember(draft(name, 'person', role ?? title, memory), true, memory);
  }
  if (!/^\p{L}/u.test(bare) || /\b(?:that|which|who|when|after|before|because|if)\b/i.test(bare)) return null;
  if (REPORT.test(bare)) return remember(draft(capitalise(bare), 'report', role, memory), false, memory);
  // "the mayor of the nearby district", "a spokesman for the governor": the head noun is before "of"/"for".
  const head = bare.split(/\s+(?:of|for|in|at|from)\s+/)[0]!.split(/\s+/);
  if (PERSON_NOUN.test(words[words.length - 1]!) || PERSON_NOUN.test(head[head.length - 1]!) || (unnamed && PERSON_NOUN.test(bare))) {
    const name = capitalise(bare);
    return remember(draft(name, 'person', role ?? name, memory, 'Not named by the source.'), true, memory);
  }
  if (ORGANISATION.test(bare) || /^\p{Lu}{2,}$/u.test(bare)) return remember(draft(capitalise(bare), 'organisation', role, memory), false, memory);
  return null;
}

function knownSuffix(bare: string, actors: ReadonlyMap<string, Actor>): string | null {
  const words = bare.split(/\s+/);
  for (let i = 1; i < words.length; i++) {
    const id = actorByName(words.slice(i).join(' '), actors);
    // "US Secretary of State Mike Pompeo" -> a known person; "a recent Inspector General report" -> a known report.
    if (id && (actors.get(id)?.kind === 'person' || words.length - i >= 2)) return id;
  }
  return null;
}

/** "the observatory", "the ministry": the speaker named before whose name has that word. */
function backReference(noun: string, actors: ReadonlyMap<string, Actor>, memory: SpeakerMemory): string | null {
  const word = new RegExp(`\\b${noun.replace(/[^\p{L}]/gu, '')}\\b`, 'iu');
  for (let i = memory.recent.length - 1; i >= 0; i--) {
    const id = memory.recent[i]!;
    const a = actors.get(id) ?? [...memory.drafts.values()].find((d) => d.id === id);
    if (a && [a.name, ...a.aliases].some((n) => word.test(n))) return id;
  }
  // "the monitor" after the Syrian Observatory: the organisation quoted last.
  return /^(?:monitor|watchdog|group|organi[sz]ation|agency|body|office)$/i.test(noun) ? memory.lastOther : null;
}

/** Actors named in the text count as earlier mentions for back-references. */
export function noteMention(actorId: string, memory: SpeakerMemory): void {
  memory.recent = memory.recent.filter((x) => x !== actorId);
  memory.recent.push(actorId);
}

function remember(s: Speaker, person: boolean, memory: SpeakerMemory): Speaker {
  noteMention(s.actorId, memory);
  if (person) memory.lastPerson = s.actorId;
  else memory.lastOther = s.actorId;
  return s;
}

function draft(name: string, kind: Actor['kind'], role: string | null, memory: SpeakerMemory, description: string | null = null): Speaker {
  const key = name.toLowerCase();
  const seen = memory.drafts.get(key);
  if (seen) return { actorId: seen.id };
  // Unnamed speakers are different people in different articles: their ids carry the source's.
  const id = kind === 'person' && description ? `${slug(name, 50)}-${shortHash(memory.sourceId)}` : slug(name);
  const actor: Actor = { id, name, kind, aliases: [], role: role ? role.replace(/[,.]$/, '') : null, organisationId: null, description };
  memory.drafts.set(key, actor);
  return { actorId: id, draft: actor };
}

/** Six base-36 characters from the source id (FNV-1a), to keep unnamed speakers of different articles apart. */
function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36).padStart(6, '0').slice(-6);
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
