/**
 * Parties named in a sentence, matched against the dataset's actors (names and aliases), plus the
 * genre's usual names for the same parties ("Iraqi forces", "Peshmerga", "the jihadist group"),
 * which count only for actors the dataset has.
 */
import { normalizeName } from '../core/normalize-name.ts';
import type { Actor } from '../schema/index.ts';

export interface ActorMention {
  actorId: string;
  text: string;
  index: number;
  end: number;
  /** A generic reference ("the terrorist organization") rather than a name. */
  generic: boolean;
}

/** Wire-report names for parties the dataset already holds under other names. */
const GENRE_NAMES: Record<string, string[]> = {
  'islamic-state': [
    'Islamic State',
    'IS militants',
    'IS fighters',
    'IS cell',
    'IS cells',
    'IS sleeper cells',
    'IS members',
    'IS jihadists',
    'IS gunmen',
    'IS remnants',
    'Daesh',
    'Amaq',
    'Amaq news agency',
    'Amaq agency',
    'Aamaq',
  ],
  'iraqi-security-forces': [
    'Iraqi forces',
    'Iraqi troops',
    'Iraqi soldiers',
    'Iraqi soldier',
    'Iraqi military',
    'Iraqi security forces',
    'Iraqi Counter-Terrorism Service',
    'Counter-Terrorism Service',
    'federal police',
    'Iraqi federal police',
    'Iraqi warplanes',
    'Iraqi air force',
    'Iraqi police officers',
    'Iraqi officers',
    'Iraqi policeman',
    'Iraqi police officer',
    'Iraqi border guards',
    'Iraqi army troops',
    'Iraqi army soldiers',
    'Iraqi army aviation',
    'Iraqi F-16 jets',
    'Iraqi F-16s',
    'Iraqi jets',
    'Iraqi aircraft',
    'Iraqi helicopters',
    'Iraqi helicopter gunships',
  ],
  'syrian-army': [
    'Syrian government forces',
    'Syrian forces',
    'Syrian soldiers',
    'Syrian soldier',
    'Syrian regime forces',
    'regime forces',
    'Syrian government troops',
    'Syrian army soldiers',
  ],
  'kurdish-security-forces': ['Peshmerga', 'Kurdish Peshmerga', 'Peshmerga fighters', 'Kurdish security forces', 'Asayish', 'Kurdish soldier'],
  sdf: ['Syrian Democratic Forces', 'SDF fighters', 'Kurdish-led forces', 'Kurdish-led SDF'],
  'us-forces': ['US-led coalition', 'coalition forces', 'coalition warplanes', 'coalition aircraft', 'American forces', 'US soldiers', 'US service members'],
  'russian-forces': ['Russian warplanes', 'Russian jets', 'Russian aircraft'],
  sohr: ['Syrian Observatory for Human Rights', 'Britain-based Syrian Observatory', 'war monitor'],
};

/**
 * "Iraqi special forces", "Iraqi counter-terrorism troops", "Kurdish Peshmerga units": a nationality, up to
 * two words of kind or branch, and a noun for armed forces name that state's forces, whatever the branch.
 */
const NATIONAL_FORCES: [RegExp, string][] = [
  [/\bIraqi\s+(?:(?:[\p{L}-]+\s+){1,2})(?:forces|troops|soldiers|units|commandos|police|policemen|personnel)\b/giu, 'iraqi-security-forces'],
  [/\bKurdish\s+(?:(?:[\p{L}-]+\s+){1,2})(?:forces|troops|soldiers|units|commandos|police|policemen|personnel)\b/giu, 'kurdish-security-forces'],
  [/\b(?:US|U\.S\.|American)\s+(?:(?:[\p{L}-]+\s+){1,2})(?:forces|troops|soldiers|units|commandos|personnel)\b/gu, 'us-forces'],
  [/\bRussian\s+(?:(?:[\p{L}-]+\s+){1,2})(?:forces|troops|soldiers|units|commandos|personnel)\b/giu, 'russian-forces'],
];
/** Words between the nationality and the noun that make it someone else's ("Iraqi Kurdish forces", "US-backed"). */
const NOT_OWN_FORCES = /\b(?:backed|led|trained|allied|Kurdish|Shiite|Shia|Sunni|tribal|militia|paramilitary|Syrian|Arab|and|or|of|the|with)\b/i;

/** Words that refer back to the group the article is about, when that group is IS. */
const IS_REFERENCES =
  /\b(?:the\s+(?:jihadist|extremist|militant|terrorist|terror|Sunni\s+extremist)\s+(?:group|organi[sz]ation|network)|the\s+(?:jihadists|militants|extremists|insurgents)|the\s+group)\b/gi;

interface ActorMatcher {
  exactCase: RegExp | null;
  anyCase: RegExp | null;
  byName: Map<string, string>;
}
const cache = new WeakMap<ReadonlyMap<string, Actor>, ActorMatcher>();

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function matcher(actors: ReadonlyMap<string, Actor>): ActorMatcher {
  let m = cache.get(actors);
  if (m) return m;
  const byName = new Map<string, string>();
  const add = (name: string, id: string) => {
    const k = normalizeName(name);
    if (k && !byName.has(k)) byName.set(k, id);
  };
  for (const [id, names] of Object.entries(GENRE_NAMES)) if (actors.has(id)) for (const n of names) add(n, id);
  for (const a of actors.values()) for (const n of [a.name, ...a.aliases]) add(n, a.id);
  // Acronyms ("IS", "UN") only in capitals, so the verb "is" never reads as the group.
  const names = [...actors.values()]
    .flatMap((a) => [a.name, ...a.aliases])
    .concat(
      Object.entries(GENRE_NAMES)
        .filter(([id]) => actors.has(id))
        .flatMap(([, n]) => n),
    );
  const acronyms = names.filter((n) => /^[A-Z.]{2,6}$/.test(n));
  const words = names.filter((n) => !/^[A-Z.]{2,6}$/.test(n) && n.length >= 3 && !/^(?:the report|the observatory|Fine|Trump|Pompeo)$/i.test(n));
  const alt = (xs: string[]) =>
    [...new Set(xs)]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|');
  m = {
    byName,
    exactCase: acronyms.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${alt(acronyms)})(?![\\p{L}\\p{N}])`, 'gu') : null,
    anyCase: words.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${alt(words)})(?![\\p{L}\\p{N}])`, 'giu') : null,
  };
  // Person names are found by the quote speaker rules (surname alone is too loose elsewhere).
  cache.set(actors, m);
  return m;
}

/** Actors named in `text`, longest name first, in text order; `isArticle`: the article is about IS. */
export function findActors(text: string, actors: ReadonlyMap<string, Actor>, isArticle = false): ActorMention[] {
  const { exactCase, anyCase, byName } = matcher(actors);
  const out: ActorMention[] = [];
  const take = (re: RegExp | null) => {
    if (!re) return;
    for (const m of text.matchAll(re)) {
      const index = m.index!;
      const end = index + m[0].length;
      if (out.some((o) => index < o.end && end > o.index)) continue;
      const id = byName.get(normalizeName(m[0]));
      if (id) out.push({ actorId: id, text: m[0], index, end, generic: false });
    }
  };
  // Longest first: "US special forces" is the forces, not "US" the government.
  for (const [re, id] of NATIONAL_FORCES) {
    if (!actors.has(id)) continue;
    for (const m of text.matchAll(re)) {
      const index = m.index!;
      const end = index + m[0].length;
      if (out.some((o) => index < o.end && end > o.index) || NOT_OWN_FORCES.test(m[0].replace(/^\S+\s+/, ''))) continue;
      out.push({ actorId: id, text: m[0], index, end, generic: false });
    }
  }
  take(anyCase);
  take(exactCase);
  if (isArticle && actors.has('islamic-state'))
    for (const m of text.matchAll(IS_REFERENCES)) {
      const index = m.index!;
      if (!out.some((o) => index < o.end && index + m[0].length > o.index))
        out.push({ actorId: 'islamic-state', text: m[0], index, end: index + m[0].length, generic: true });
    }
  return out.sort((a, b) => a.index - b.index);
}

/** Looks a name up among the dataset's actors (and the genre names above); null when unknown. */
export function actorByName(name: string, actors: ReadonlyMap<string, Actor>): string | null {
  const { byName } = matcher(actors);
  return byName.get(normalizeName(name)) ?? byName.get(normalizeName(name.replace(/^the\s+/i, ''))) ?? null;
}
