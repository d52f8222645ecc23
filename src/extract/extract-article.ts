/**
 * From an article's text to draft records of the dataset's own kinds, each with the article's
 * sentences that support it. Pure: the dataset comes in as ExtractionData, nothing is read or written.
 */
import type { Gazetteer } from '../core/gazetteer.ts';
import type { Actor, DateSpec, DraftIncident, DraftPlace, Incident, Quote, Source, Statistic } from '../schema/index.ts';
import { type DayMention, findDays, startArticle } from './dates.ts';
import type { EventContext } from './events.ts';
import { findIncidents, type IncidentDraft } from './incidents.ts';
import { findPlaces, provinceOf, resolveName } from './places.ts';
import { findQuotes } from './quotes.ts';
import { type Sentence, splitSentences } from './sentences.ts';
import { slug, uniqueId } from './slug.ts';
import type { SpeakerMemory } from './speakers.ts';
import { findStatistics } from './statistics.ts';

export interface ExtractionData {
  gazetteer: Gazetteer;
  actors: ReadonlyMap<string, Actor>;
  sourceIds: ReadonlySet<string>;
  /** Ids of existing incidents that may be the same event. */
  related: (incident: Incident) => string[];
}

export interface ArticleInput {
  text: string;
  /** YYYY-MM-DD: anchors "on Sunday" and dates without a year. */
  published: string;
  title?: string | null;
  url?: string | null;
  publisher?: string | null;
}

export interface Extraction {
  source: Source;
  incidents: DraftIncident[];
  quotes: Quote[];
  statistics: Statistic[];
  places: DraftPlace[];
  actors: Actor[];
}

const DATELINE = /^([A-Z][A-Za-z'’ .-]{1,40}?)(?:,\s*([A-Z][A-Za-z ]{1,30}?))?\s*(?:\([^)]{1,40}\))?\s*[–—-]{1,2}\s+/;

export function extractArticle(input: ArticleInput, data: ExtractionData): Extraction {
  const { published } = input;
  startArticle();
  const sentences = splitSentences(input.text);
  const g = data.gazetteer;
  const headline = sentences.find((s) => s.headline)?.text ?? null;
  const title = input.title?.trim() || headline || `${sentences[0]?.text.slice(0, 80) ?? 'Untitled article'}`;
  const firstBody = sentences.find((s) => !s.headline);
  const dl = firstBody ? DATELINE.exec(firstBody.text) : null;
  const dateline = dl ? titleCase(dl[1]!.trim()) : null;
  const datelinePlace = dateline ? (resolveName(g, dateline)?.id ?? null) : null;

  const sourceId = uniqueId(`${slug(title, 48)}-${published}`, new Set(data.sourceIds));
  const aboutIs = data.actors.has('islamic-state') && /\b(?:IS|ISIS|ISIL|Islamic State|Daesh)\b/.test(input.text);
  const ctx: EventContext = {
    gazetteer: g,
    actors: data.actors,
    published,
    aboutIs,
    fallbackParent: datelinePlace ? (provinceOf(g, datelinePlace) ?? datelinePlace) : null,
    dateline: dl && firstBody ? { sentence: firstBody.index, length: dl[0].length } : null,
  };

  const stats = findStatistics(sentences, published, data.actors, aboutIs);
  const drafts = findIncidents(sentences, stats.sentenceIds, ctx);
  const memory: SpeakerMemory = { lastPerson: null, lastOther: null, drafts: new Map(), recent: [], sourceId };
  const quoteDrafts = findQuotes(sentences, data.actors, memory);

  const newPlaces: DraftPlace[] = [];
  const placeIds = new Set<string>();
  const incidentIds = new Set<string>();
  const incidents: DraftIncident[] = [];
  const countryOfText = (ss: Sentence[]) =>
    /\bSyria/.test(ss.map((s) => s.text).join(' ')) ? 'syria' : /\bIraq/.test(ss.map((s) => s.text).join(' ')) ? 'iraq' : null;
  for (const d of drafts) {
    let placeId: string | null = null;
    let kind = d.place?.kind ?? null;
    if (d.place?.draft) {
      const spec = d.place.draft;
      let np = newPlaces.find((p) => p.name === spec.name);
      if (!np && spec.parentId) {
        const id = uniqueId(g.get(slug(spec.name)) ? `${spec.name} ${spec.parentId}` : spec.name, placeIds);
        np = { id, name: spec.name, kind: spec.kind, parentId: spec.parentId, aliases: [], coordinates: null };
        newPlaces.push(np);
      }
      placeId = np?.id ?? null;
      if (!np) kind = null;
    } else if (d.place) placeId = d.place.placeId;
    if (!placeId) {
      placeId = datelinePlace ?? countryOfText(d.sentences);
      kind = placeId ? (g.get(placeId)?.kind ?? null) : null;
      d.confidence -= 0.3;
    }
    if (!placeId || !kind) continue;
    const placeName = newPlaces.find((p) => p.id === placeId)?.name ?? g.get(placeId)?.name ?? placeId;
    const id = uniqueId(`${slug(placeName, 40)}-${d.day.date}`, incidentIds);
    const date: DateSpec = d.day.derivedFrom
      ? {
          date: d.day.date,
          precision: 'derived',
          derivedFrom: { ref: incidents[d.day.derivedFrom.incident]?.id ?? id, offsetDays: d.day.derivedFrom.offsetDays, phrase: d.day.derivedFrom.phrase },
        }
      : { date: d.day.date, precision: d.day.precision, ...(d.day.end ? { end: d.day.end } : {}), ...(d.day.note ? { note: d.day.note } : {}) };
    if (date.precision === 'derived' && !incidents[d.day.derivedFrom!.incident]) continue;
    const precision =
      kind === 'country' ? 'country' : kind === 'region' ? 'feature' : kind === 'province' ? 'province' : kind === 'district' ? 'district' : 'near';
    const inc: Incident = {
      id,
      sourceId,
      date,
      placeId,
      location: { precision, coordinates: null, description: d.place?.text ?? null },
      perpetratorId: d.perpetratorId,
      target: d.target,
      weapons: d.weapons.length ? d.weapons : null,
      casualties: d.casualties
        .filter((c) => c.killed !== null || c.injured !== null)
        .map((c) => ({ group: c.group, actorId: c.actorId, label: c.label, killed: c.killed, injured: c.injured, note: c.note })),
      casualtyNote: [...d.notes, ...d.casualties.filter((c) => c.killed === null && c.injured === null && c.note).map((c) => c.note!)].join(' ') || null,
      fatalityEstimate: null,
      claimed: d.claimed,
      summary: summary(d, placeName, data.actors),
      context: d.context,
      evidence: d.sentences.map((s) => s.text),
      citation: null,
    };
    const confidence = Math.max(
      0.1,
      Math.min(1, d.confidence - (d.perpetratorId ? 0 : 0.1) - (inc.casualties.length ? 0 : 0.1) - (precision === 'country' ? 0.2 : 0)),
    );
    // A new town is not in the gazetteer yet: look for the same event in the area it lies in.
    const linkPlace = newPlaces.find((p) => p.id === placeId)?.parentId ?? placeId;
    incidents.push({ ...inc, confidence: Math.round(confidence * 100) / 100, matches: data.related({ ...inc, placeId: linkPlace }) });
  }

  const quoteIds = new Set<string>();
  const quotes: Quote[] = quoteDrafts.map((q) => {
    const evidenceText = q.sentences.map((s) => s.text).join(' ');
    const day = firstDay(q.sentences, published);
    const placeIdsQ = [...new Set(q.sentences.flatMap((s) => findPlaces(s.text, g).map((p) => p.placeId)))];
    return {
      id: uniqueId(`${q.speakerId.slice(0, 30)}-${q.text.split(/\s+/).slice(0, 5).join(' ')}`, quoteIds),
      sourceId,
      kind: q.kind,
      speakerId: q.speakerId,
      viaId: q.viaId,
      text: q.text,
      // A paraphrase says whether its text is the article's words exactly or a rewording (trimmed, joined, "[…]").
      ...(q.kind === 'paraphrase' ? { wording: q.sentences.some((s) => s.text.includes(q.text)) ? ('verbatim' as const) : ('ours' as const) } : {}),
      date: day,
      venue: q.venue,
      context: q.venue ? `Said in or on ${q.venue}, as the article reports.` : 'As the article reports it.',
      attributionNote: null,
      topics: [],
      placeIds: placeIdsQ,
      evidence: q.kind === 'direct' ? [evidenceText] : q.sentences.map((s) => s.text),
    };
  });

  const statIds = new Set<string>();
  const statistics: Statistic[] = [];
  const statIdByDraft: string[] = [];
  for (const [i, st] of stats.drafts.entries()) {
    const parent = st.parent !== null ? statistics.find((s) => s.id === statIdByDraft[st.parent!]) : undefined;
    let places = findPlaces(st.sentence.text, g).map((p) => p.placeId);
    if (!places.length) places = parent?.placeIds ?? recentPlaces(sentences, st.sentence.index, g);
    if (!places.length) continue;
    const id = uniqueId(`${st.reporterId ?? 'article'}-${st.unit}-${st.outcome ?? 'count'}-${st.value}`, statIds);
    statIdByDraft[i] = id;
    statistics.push({
      id,
      sourceId,
      kind: st.kind,
      reporterId: st.reporterId,
      description: st.description,
      value: st.value,
      qualifier: st.qualifier,
      unit: st.unit,
      outcome: st.outcome,
      group: st.group,
      perpetratorId: st.perpetratorId,
      period: st.period
        ? { from: daySpec(st.period.from), to: st.period.to ? daySpec(st.period.to) : { date: published, precision: 'exact', note: 'As of publication.' } }
        : null,
      placeIds: places,
      parentId: parent?.id ?? null,
      evidence: [st.sentence.text],
    });
  }

  const source: Source = {
    id: sourceId,
    kind: 'article',
    title,
    publisher: input.publisher ?? null,
    published: { date: published, precision: 'exact' },
    dateline,
    url: input.url ?? null,
    attribution: `“${title}” (${input.publisher ? `${input.publisher}, ` : ''}${published})`,
    licence: null,
    notes: ['Draft records extracted automatically; a person reviews them before they are published.'],
  };
  const actorsUsed = new Set([...quotes.map((q) => q.speakerId), ...quotes.map((q) => q.viaId)]);
  const actors = [...memory.drafts.values()].filter((a) => actorsUsed.has(a.id));
  return { source, incidents, quotes, statistics, places: newPlaces.filter((p) => incidents.some((i) => i.placeId === p.id)), actors };
}

function daySpec(d: DayMention): DateSpec {
  if (d.kind === 'month' && d.end) return { date: d.date, end: d.end, precision: 'range' };
  return { date: d.date, precision: 'exact' };
}

function firstDay(ss: Sentence[], published: string): DateSpec | null {
  for (const s of ss) {
    const d = findDays(s.text.replace(/“[^”]*”/g, ''), published).find((x) => x.kind === 'day' || x.kind === 'weekday');
    if (d) return { date: d.date, precision: 'exact' };
  }
  return null;
}

/** Places of the two sentences before: "the camp" in a sentence after one naming the al Hol camp. */
function recentPlaces(sentences: readonly Sentence[], index: number, g: Gazetteer): string[] {
  for (let i = index - 1; i >= Math.max(0, index - 2); i--) {
    const found = findPlaces(sentences[i]!.text, g);
    if (found.length) {
      found.sort((a, b) => rank(a.kind) - rank(b.kind));
      return [found[0]!.placeId];
    }
  }
  return [];
}
const rank = (k: string) => ['site', 'city', 'district', 'province', 'region', 'country'].indexOf(k);

function summary(d: IncidentDraft, placeName: string, actors: ReadonlyMap<string, Actor>): string {
  const perp = d.perpetratorId ? (actors.get(d.perpetratorId)?.name ?? d.perpetratorId) : null;
  const op = d.perpetratorId && actors.get(d.perpetratorId)?.kind === 'state-forces';
  const head = op ? `Operation by ${perp} in ${placeName}` : `${perp ? `${perp} attack` : 'Attack'}${d.target ? ` on ${d.target}` : ''} in ${placeName}`;
  const figs = d.casualties
    .filter((c) => c.killed !== null || c.injured !== null)
    .map((c) =>
      [
        c.killed !== null ? `${c.killed} ${c.label} killed` : null,
        c.injured !== null ? `${c.injured} ${c.label === 'people' ? '' : `${c.label} `}injured` : null,
      ]
        .filter(Boolean)
        .join(', '),
    );
  const text = `${head}: ${figs.length ? figs.join('; ') : 'no casualty figure given'}.`;
  return text.length <= 200 ? text : `${text.slice(0, 197)}...`;
}

const titleCase = (s: string) => (s === s.toUpperCase() ? s.charAt(0) + s.slice(1).toLowerCase() : s);
