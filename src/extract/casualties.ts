/**
 * Killed and injured per group from a clause: "killed two Kurdish soldiers and injured two others",
 * "leaving two Iraqi policemen dead and three others injured", "Six Syrian troops were killed",
 * "at least 11" (11, with the words kept in the note). "dozens", "several" and "a number of" give no
 * figure, only the note; a figure the text does not give stays null, never 0.
 */
import type { Actor, CasualtyGroup } from '../schema/index.ts';
import { findActors } from './actors.ts';
import { NUMBER_SOURCE, parseNumber, QUALIFIER_SOURCE, qualifierOf, VAGUE_SOURCE } from './numbers.ts';

export interface CasualtyFigure {
  group: CasualtyGroup;
  actorId: string | null;
  label: string;
  killed: number | null;
  injured: number | null;
  /** The source's words for a qualified or vague figure ("at least 11 killed"). */
  note: string | null;
}

const SECURITY =
  'soldiers?|troops|policem[ae]n|police\\s+officers?|officers?|guards?|border\\s+guards|personnel|servicem[ae]n|service\\s+members|peshmerga|conscripts|recruits|commandos|security\\s+forces|members\\s+of\\s+the\\s+security\\s+forces|army\\s+troops|police';
const MILITANT = 'militants?|jihadists?|insurgents?|attackers?|gunm[ae]n|(?:suicide\\s+)?bombers?|terrorists?|extremists?';
const CIVILIAN =
  'civilians?|villagers?|shepherds?|farmers?|children|child|women|woman|workers?|residents?|pilgrims?|worshippers?|passengers?|(?:truffle\\s+)?hunters?|drivers?|students?|tribesm[ae]n|elders?|employees?|engineers?|family\\s+members|relatives|herders?|fishermen|teachers?|doctors?|nurses?|journalists?|mukhtars?|officials?';
const FIGHTER = 'fighters?|members?|commanders?|leaders?|volunteers?|combatants?';
const UNKNOWN = 'people|persons?|m[ae]n|others?|more|individuals|victims|bodies';
const NOUN = `(?:${SECURITY}|${MILITANT}|${CIVILIAN}|${FIGHTER}|${UNKNOWN})`;
/** Up to four modifiers before the noun ("Syrian army", "pro-Iran", "senior IS"). */
const STOP =
  '(?:and|or|but|in|on|at|with|by|for|from|to|were|was|while|when|who|which|including|killed|killing|wounded|wounding|injured|injuring|dead|his|her|their)';
const MODS = `(?:(?!${STOP}\\b)(?:[\\p{L}'’-]+|\\d+)\\s+){0,4}?`;
const NUM = `(?:(${QUALIFIER_SOURCE})\\s+)?(${NUMBER_SOURCE}|an?|one)(?![\\p{L}\\p{N}])`;
const NP = `(${MODS}${NOUN})\\b`;

type Outcome = 'killed' | 'injured';
interface Rule {
  re: RegExp;
  /** Which groups hold qualifier, number, noun phrase, and which outcome the match gives. */
  read: (m: RegExpMatchArray) => { q?: string; n: string; np?: string; outcome: Outcome; add?: boolean }[];
}

const K = '(?:killed|killing|kills?|shot\\s+dead|shooting\\s+dead|executed|executing|beheaded|beheading|massacred|slain)';
const W = '(?:wounded|wounding|wounds?|injured|injuring|injures?|hurt)';
const RULES: Rule[] = [
  // "leaving two Iraqi policemen dead and three others injured"
  {
    re: new RegExp(`\\b(?:leaving|left)\\s+${NUM}\\s+${NP}\\s+dead(?:,?\\s+and\\s+${NUM}(?:\\s+${NP})?\\s+${W})?`, 'giu'),
    read: (m) => [
      { q: m[1], n: m[2]!, np: m[3], outcome: 'killed' },
      ...(m[5] ? [{ q: m[4], n: m[5], np: m[6] ?? 'others', outcome: 'injured' as const }] : []),
    ],
  },
  // "killed two Kurdish soldiers", "killing four IS militants", "killing three"
  { re: new RegExp(`\\b${K}\\s+${NUM}(?:\\s+${NP})?`, 'giu'), read: (m) => [{ q: m[1], n: m[2]!, np: m[3], outcome: 'killed' }] },
  // "injured two others", "wounding 12 people"
  { re: new RegExp(`\\b${W}\\s+${NUM}(?:\\s+${NP})?`, 'giu'), read: (m) => [{ q: m[1], n: m[2]!, np: m[3], outcome: 'injured' }] },
  // "Three soldiers and a civilian were wounded": both groups share the verb.
  {
    re: new RegExp(
      `${NUM}\\s+${NP}\\s+and\\s+${NUM}\\s+${NP}\\s+(?:(?:were|have\\s+been|had\\s+been|are)\\s+)?(?:also\\s+)?(killed|dead|died|slain|shot\\s+dead|wounded|injured|hurt)\\b`,
      'giu',
    ),
    read: (m) => {
      const outcome: Outcome = /wound|injur|hurt/i.test(m[7]!) ? 'injured' : 'killed';
      return [
        { q: m[1], n: m[2]!, np: m[3], outcome },
        { q: m[4], n: m[5]!, np: m[6], outcome },
      ];
    },
  },
  // "Six Syrian troops were killed", "three others injured", "two soldiers died"
  {
    // "Four members of the same family were shot dead": an of-phrase may follow the noun.
    re: new RegExp(
      `${NUM}\\s+${NP}(?:\\s+of\\s+(?:the\\s+|a\\s+|an\\s+)?(?:[\\p{L}'’-]+\\s+){0,3}?(?:family|families|tribe|clan|forces|force|group|unit|brigade|army|police|militia|household))?(?:\\s*,\\s*(?:including|among\\s+them)[^,]+,)?\\s+(?:(?:were|was|have\\s+been|had\\s+been|are|got)\\s+)?(?:also\\s+)?(killed|dead|died|slain|executed|shot\\s+dead|wounded|injured|hurt)\\b`,
      'giu',
    ),
    read: (m) => [{ q: m[1], n: m[2]!, np: m[3], outcome: /wound|injur|hurt/i.test(m[4]!) ? 'injured' : 'killed' }],
  },
  // "Two policemen were killed and a third was wounded", "... and another was wounded": one more of the group just named.
  {
    re: /\b(?:and|while)\s+(?:a\s+(?:second|third|fourth|fifth|sixth)|another)(?:\s+(?:one|man|person))?\s+(?:(?:was|had\s+been|has\s+been)\s+)?(?:also\s+)?(killed|died|slain|wounded|injured|hurt)\b/giu,
    read: (m) => [{ n: '1', np: 'others', outcome: /wound|injur|hurt/i.test(m[1]!) ? 'injured' : 'killed', add: true }],
  },
  // "the bodies of four shepherds ... were found": the dead are counted where they are found.
  {
    re: new RegExp(`\\bbod(?:y|ies)\\s+of\\s+${NUM}\\s+${NP}(?=[^.;]{0,80}?\\b(?:found|recovered|discovered|retrieved|pulled\\s+from)\\b)`, 'giu'),
    read: (m) => [{ q: m[1], n: m[2]!, np: m[3], outcome: 'killed' }],
  },
  // "two killed and five wounded" (no noun)
  {
    re: new RegExp(`${NUM}\\s+(?:were\\s+)?(killed|dead|wounded|injured)\\b`, 'giu'),
    read: (m) => [{ q: m[1], n: m[2]!, outcome: /wound|injur/i.test(m[3]!) ? 'injured' : 'killed' }],
  },
  // "the death toll rose to 14", "the toll had risen to eight"
  {
    re: new RegExp(
      `\\b(?:death\\s+)?toll\\s+(?:[\\p{L}]+\\s+){0,3}?(?:rose|risen|climbed|reached|stood|increased|jumped|grew|grown)\\s+(?:at\\s+|to\\s+)${NUM}`,
      'giu',
    ),
    read: (m) => [{ q: m[1], n: m[2]!, outcome: 'killed' }],
  },
];

const COMPANIONS =
  'sons?|daughters?|brothers?|sisters?|wife|husband|father|mother|cousins?|nephews?|children|guards?|bodyguards?|drivers?|aides?|assistants?|deputies|deputy|companions?|escorts?|associates?|men';
/** "and his two sons", "and two of his aides": the people named with a single victim. */
const RELATIVES = new RegExp(
  `^(?:\\s+of\\s+(?:an?|the)\\s+[\\p{L}\\s-]{0,40}?)?\\s+and\\s+(?:(?:(${NUMBER_SOURCE})\\s+of\\s+)?(?:his|her|their)\\s+(?:(${NUMBER_SOURCE})\\s+)?)(?:[\\p{L}-]+\\s+)?(?:${COMPANIONS})\\b`,
  'iu',
);
const FAMILY = /\b(?:sons?|daughters?|brothers?|sisters?|wife|husband|father|mother|cousins?|nephews?|children)\b/i;
/** "A commander of a tribal force and two of his aides were killed": the verb after both. */
const WITH_COMPANIONS = new RegExp(
  `\\b(?:an?|one)\\s+(${MODS}${NOUN})((?:\\s+of\\s+(?:an?|the)\\s+[\\p{L}\\s-]{0,40}?)?\\s+and\\s+(?:(${NUMBER_SOURCE})\\s+of\\s+)?(?:his|her|their)\\s+(?:(${NUMBER_SOURCE})\\s+)?(?:[\\p{L}-]+\\s+)?(?:${COMPANIONS}))\\s+(?:(?:were|have\\s+been|had\\s+been)\\s+)?(?:also\\s+)?(killed|dead|died|slain|shot\\s+dead|wounded|injured|hurt)\\b`,
  'giu',
);

const VAGUE_RULES = [
  new RegExp(`\\b${VAGUE_SOURCE}\\s+(?:of\\s+)?(?:${MODS}${NOUN}\\s+)?(?:(?:were|was|have\\s+been)\\s+)?(?:killed|dead|died|wounded|injured|hurt)\\b`, 'giu'),
  new RegExp(`\\b(?:${K}|${W})\\s+${VAGUE_SOURCE}(?:\\s+(?:of\\s+)?${MODS}${NOUN})?`, 'giu'),
  new RegExp(`\\b(?:an\\s+)?(?:unknown|undisclosed|unspecified)\\s+number\\s+of\\s+${MODS}${NOUN}`, 'giu'),
];
const NO_CASUALTIES =
  /\b(?:no\s+(?:human\s+)?casualties|did\s+not\s+cause\s+any\s+(?:human\s+)?casualties|(?:no\s+one|nobody)\s+was\s+(?:hurt|killed|injured|wounded)|without\s+(?:causing\s+)?(?:any\s+)?casualties|caused\s+no\s+casualties)\b/i;

/** Casualty figures named in the clause, per group, in text order; `others` means the group just named. */
/** "The attack brings to 14 the number of soldiers killed this month": a running total, not this attack's toll. */
const RUNNING_TOTAL =
  /\b(?:brings?|bringing|raises?|raising|pushes|pushing)\s+(?:to\s+[\p{L}\d,-]+\s+)?(?:the\s+)?(?:number|toll|total|tally|count)\b|\bthe\s+(?:number|total|tally)\s+of\s+[^,.;]{0,60}?\b(?:killed|dead|wounded|injured)\s+(?:this|so\s+far|since|in\s+the\s+(?:past|last))\b/iu;

export function findCasualties(clause: string, actors: ReadonlyMap<string, Actor>, isArticle: boolean): { figures: CasualtyFigure[]; notes: string[] } {
  if (RUNNING_TOTAL.test(clause)) return { figures: [], notes: [] };
  const figures: CasualtyFigure[] = [];
  const taken: [number, number][] = [];
  const hits: { index: number; q?: string; n: string; np?: string; outcome: Outcome; words: string; add?: boolean }[] = [];
  for (const rule of RULES)
    for (const m of clause.matchAll(rule.re)) {
      const a = m.index!;
      const b = a + m[0].length;
      if (taken.some(([x, y]) => a < y && b > x)) continue;
      // "a" and "one" count only before a singular noun ("killed a soldier", not "killed a number of").
      const parts = rule.read(m).filter((p) => !/^(?:an?|one)$/i.test(p.n) || (p.np && !/s$/i.test(p.np.trim())));
      if (!parts.length) continue;
      taken.push([a, b]);
      for (const p of parts) hits.push({ index: a, ...p, words: m[0] });
    }
  for (const m of clause.matchAll(WITH_COMPANIONS)) {
    const a = m.index!;
    if (taken.some(([x, y]) => a < y && a + m[0].length > x)) continue;
    taken.push([a, a + m[0].length]);
    const outcome: Outcome = /wound|injur|hurt/i.test(m[5]!) ? 'injured' : 'killed';
    hits.push({ index: a, n: 'one', np: m[1], outcome, words: m[0] });
    hits.push({ index: a + 1, n: m[3] ?? m[4] ?? 'one', np: 'companions', outcome, words: m[2]!.trim() });
  }
  // "wounded a shepherd and his son", "killing a commander and two of his aides": those named with the victim count too.
  for (const h of [...hits]) {
    const rel = RELATIVES.exec(clause.slice(h.index + h.words.length));
    if (rel && h.np && !/s$/i.test(h.np.trim()))
      hits.push({
        index: h.index + h.words.length,
        n: rel[1] ?? rel[2] ?? 'one',
        np: FAMILY.test(rel[0]) ? 'relatives' : 'companions',
        outcome: h.outcome,
        words: rel[0],
      });
  }
  // "killing three soldiers and a civilian driver": a second group after the same verb.
  for (const h of [...hits]) {
    if (!h.np || !/^(?:killed|killing|kills?|shot|shooting|wounded|wounding|wounds?|injured|injuring|injures?|executed|executing)\b/i.test(h.words)) continue;
    const more = new RegExp(`^\\s*,?\\s+and\\s+${NUM}\\s+${NP}`, 'iu').exec(clause.slice(h.index + h.words.length));
    if (!more || RELATIVES.test(clause.slice(h.index + h.words.length))) continue;
    const after = h.index + h.words.length;
    if (taken.some(([x, y]) => after + more.index! < y && after + more[0].length > x)) continue;
    if (/^(?:an?|one)$/i.test(more[2]!) && /s$/i.test(more[3]!.trim())) continue;
    hits.push({ index: after, q: more[1], n: more[2]!, np: more[3], outcome: h.outcome, words: more[0] });
  }
  hits.sort((x, y) => x.index - y.index);
  let lastGroup: Pick<CasualtyFigure, 'group' | 'actorId' | 'label'> | null = null;
  for (const h of hits) {
    const n = parseNumber(h.n);
    if (n === null) continue;
    const np = (h.np ?? '').trim();
    const others = !np || /^(?:others?|more)$/i.test(np) || /\b(?:others|more)$/i.test(np);
    const who: Pick<CasualtyFigure, 'group' | 'actorId' | 'label'> = others && lastGroup ? lastGroup : classify(np || 'people', actors, isArticle);
    lastGroup = who;
    const qualifier = qualifierOf(h.q);
    const note = qualifier === 'exact' ? null : `The article says "${h.words.trim()}".`;
    // "up to 20" is a maximum, not a count: the note keeps it, the figure stays unknown.
    const value = qualifier === 'up-to' ? null : n;
    let f: CasualtyFigure | undefined = figures.find((x) => x.group === who.group && x.actorId === who.actorId && x.label === who.label);
    if (!f) {
      f = { ...who, killed: null, injured: null, note: null };
      figures.push(f);
    }
    const combine = (a: number | null) => (h.add && value !== null ? (a ?? 0) + value : max(a, value));
    if (h.outcome === 'killed') f.killed = combine(f.killed);
    else f.injured = combine(f.injured);
    if (note) f.note = f.note ? `${f.note} ${note}` : note;
  }
  const notes: string[] = [];
  for (const re of VAGUE_RULES)
    for (const m of clause.matchAll(re))
      if (!taken.some(([x, y]) => m.index! < y && m.index! + m[0].length > x)) notes.push(`The article gives no figure: "${m[0].trim()}".`);
  if (NO_CASUALTIES.test(clause)) notes.push(`The article says: "${clause.match(NO_CASUALTIES)![0]}".`);
  return { figures: figures.filter((f) => f.killed !== null || f.injured !== null || f.note), notes };
}

const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** Which broad group a noun phrase names, and the party when the phrase names one. */
export function classify(np: string, actors: ReadonlyMap<string, Actor>, isArticle: boolean): Pick<CasualtyFigure, 'group' | 'actorId' | 'label'> {
  const label = np.replace(/^(?:the|other|more|another)\s+/i, '').trim() || 'people';
  const actor = findActors(np, actors, isArticle)[0]?.actorId ?? null;
  const kind = actor ? actors.get(actor)?.kind : undefined;
  const noun = new RegExp(`(?:${NOUN})$`, 'iu').exec(label)?.[0].toLowerCase() ?? '';
  let group: CasualtyGroup;
  if (actor === 'islamic-state' || new RegExp(`^(?:${MILITANT})$`, 'iu').test(noun)) group = 'militants';
  else if (kind === 'state-forces' || new RegExp(`^(?:${SECURITY})$`, 'iu').test(noun)) group = 'security-forces';
  else if (new RegExp(`^(?:${CIVILIAN})$`, 'iu').test(noun) || /\bcivilian\b/i.test(label)) group = 'civilians';
  else if (kind === 'armed-group' || new RegExp(`^(?:${FIGHTER})$`, 'iu').test(noun))
    group = /\b(?:tribal|SDF|Kurdish-led|rebel)\b/i.test(label) || kind === 'armed-group' ? 'armed-groups' : 'unknown';
  else group = 'unknown';
  return { group, actorId: actor && (kind === 'state-forces' || kind === 'armed-group') ? actor : null, label };
}

/** "Two shepherds were abducted", "kidnapped three farmers": how many were taken, for bodies found later. */
const ABDUCTED = [
  new RegExp(`${NUM}\\s+${NP}\\s+(?:(?:were|was|had\\s+been|have\\s+been)\\s+)?(?:abducted|kidnapped|seized|taken)\\b`, 'iu'),
  new RegExp(`\\b(?:abducted|abducting|kidnapped|kidnapping)\\s+${NUM}\\s+${NP}`, 'iu'),
];
export function findAbducted(clause: string, actors: ReadonlyMap<string, Actor>, isArticle: boolean): CasualtyFigure | null {
  for (const re of ABDUCTED) {
    const m = re.exec(clause);
    const n = m ? parseNumber(/^(?:an?|one)$/i.test(m[2]!) ? 'one' : m[2]!) : null;
    if (m && n !== null)
      return {
        ...classify(m[3]!.trim(), actors, isArticle),
        killed: n,
        injured: null,
        note: `The article says "${m[0].trim()}" and that the bodies were found later.`,
      };
  }
  return null;
}
/** "Their bodies were found": the dead are those taken before. */
export const BODIES_FOUND =
  /\b(?:their|the|his|her)\s+bod(?:y|ies)\s+(?:were|was|had\s+been|have\s+been)\s+(?:later\s+)?(?:found|recovered|discovered|retrieved)\b/i;

export function hasNoCasualties(text: string): boolean {
  return NO_CASUALTIES.test(text);
}
