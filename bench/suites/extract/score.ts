/**
 * Scores extracted drafts against expected records: incidents by day and province (then per field),
 * direct quotes verbatim with their speaker, paraphrases by speaker and sentence, statistics by value
 * and period. Expected records come from the hand-curated data/ (seed article) or the corpus fixtures.
 */
import type { Dataset } from '../../../src/core/dataset.ts';
import { normalizeName } from '../../../src/core/normalize-name.ts';
import type { Extraction } from '../../../src/extract/extract-article.ts';
import { quoteSpans } from '../../../src/extract/quotes.ts';
import type { Incident } from '../../../src/schema/index.ts';

export interface ExpectedIncident {
  date: string;
  province: string | null;
  placeId?: string;
  perpetrator: string | null;
  killed: number | null;
  injured: number | null;
  claimed: boolean | null;
}
export interface ExpectedQuote {
  kind: 'direct' | 'paraphrase';
  text?: string;
  speaker: string;
  /** A paraphrase: words its evidence or text contains. */
  contains?: string;
}
export interface ExpectedStatistic {
  value: number;
  from?: string;
  to?: string;
}
export interface Expected {
  published: string;
  incidents: ExpectedIncident[];
  quotes: ExpectedQuote[];
  statistics: ExpectedStatistic[];
}

/** Counts that add up over articles; ratios are taken at the end. */
export interface Tally {
  articles: number;
  expectedIncidents: number;
  extractedIncidents: number;
  dayAndProvince: number;
  place: number;
  placeExpected: number;
  perpetrator: number;
  killed: number;
  injured: number;
  claimed: number;
  directExpected: number;
  directExtracted: number;
  directFound: number;
  directNotVerbatim: number;
  paraphraseExpected: number;
  paraphraseFound: number;
  paraphraseMarkedDirect: number;
  statisticsExpected: number;
  statisticsExtracted: number;
  statisticsFound: number;
  statisticPeriod: number;
}

export const emptyTally = (): Tally => ({
  articles: 0,
  expectedIncidents: 0,
  extractedIncidents: 0,
  dayAndProvince: 0,
  place: 0,
  placeExpected: 0,
  perpetrator: 0,
  killed: 0,
  injured: 0,
  claimed: 0,
  directExpected: 0,
  directExtracted: 0,
  directFound: 0,
  directNotVerbatim: 0,
  paraphraseExpected: 0,
  paraphraseFound: 0,
  paraphraseMarkedDirect: 0,
  statisticsExpected: 0,
  statisticsExtracted: 0,
  statisticsFound: 0,
  statisticPeriod: 0,
});

export function addTally(a: Tally, b: Tally): Tally {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof Tally)[]) out[k] += b[k];
  return out;
}

const total = (inc: { casualties: Incident['casualties'] }, k: 'killed' | 'injured') => {
  const xs = inc.casualties.map((c) => c[k]).filter((v): v is number => v !== null);
  return xs.length ? xs.reduce((s, v) => s + v, 0) : null;
};

/** The expected records of the seed article, from the hand-curated data/. */
export function expectedFromDataset(ds: Dataset, sourceId: string, published: string): Expected {
  const g = ds.gazetteer;
  return {
    published,
    incidents: ds.incidents.incidents
      .filter((i) => i.sourceId === sourceId)
      .map((i) => ({
        date: i.date.date,
        province: g.ancestorOfKind(i.placeId, 'province')?.id ?? null,
        placeId: i.placeId,
        perpetrator: i.perpetratorId,
        killed: total(i, 'killed'),
        injured: total(i, 'injured'),
        claimed: i.claimed,
      })),
    quotes: ds.quotes
      .filter((q) => q.sourceId === sourceId)
      .map((q) =>
        q.kind === 'direct'
          ? { kind: 'direct', text: q.text, speaker: q.speakerId }
          : { kind: 'paraphrase', speaker: q.speakerId, contains: q.evidence.join(' ') },
      ),
    statistics: ds.statistics
      .filter((s) => s.sourceId === sourceId)
      .map((s) => ({ value: s.value, ...(s.period ? { from: s.period.from.date, to: s.period.to.date } : {}) })),
  };
}

const verbatim = (s: string) =>
  s
    .replace(/[\s,]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();

export function score(x: Extraction, expected: Expected, article: string, ds: Dataset): { tally: Tally; misses: string[] } {
  const t = emptyTally();
  const misses: string[] = [];
  const g = ds.gazetteer;
  t.articles = 1;
  t.expectedIncidents = expected.incidents.length;
  t.extractedIncidents = x.incidents.length;
  const province = (placeId: string) => {
    const draft = x.places.find((p) => p.id === placeId);
    const id = draft?.parentId ?? placeId;
    return g.ancestorOfKind(id, 'province')?.id ?? null;
  };
  const free = [...x.incidents];
  for (const e of expected.incidents) {
    const i = free.findIndex((d) => d.date.date === e.date && province(d.placeId) === e.province);
    if (i < 0) {
      misses.push(`incident ${e.date} ${e.province}: not found`);
      continue;
    }
    const d = free.splice(i, 1)[0]!;
    t.dayAndProvince++;
    if (e.placeId) {
      t.placeExpected++;
      if (d.placeId === e.placeId) t.place++;
      else misses.push(`incident ${e.date}: place ${d.placeId}, expected ${e.placeId}`);
    }
    const check = (field: 'perpetrator' | 'killed' | 'injured' | 'claimed', got: unknown, want: unknown) => {
      if (got === want) t[field]++;
      else misses.push(`incident ${e.date} ${e.province}: ${field} ${String(got)}, expected ${String(want)}`);
    };
    check('perpetrator', d.perpetratorId, e.perpetrator);
    check('killed', total(d, 'killed'), e.killed);
    check('injured', total(d, 'injured'), e.injured);
    check('claimed', d.claimed, e.claimed);
  }
  for (const d of free) misses.push(`spurious incident ${d.id}`);

  const speakerMatches = (id: string, want: string) => {
    if (id === want) return true;
    const name = x.actors.find((a) => a.id === id)?.name ?? ds.actors.get(id)?.name ?? id;
    const n = normalizeName(name);
    const w = normalizeName(want);
    return n === w || n.includes(w) || ds.actors.get(id)?.aliases.some((a) => normalizeName(a) === w) === true;
  };
  const directs = x.quotes.filter((q) => q.kind === 'direct');
  t.directExtracted = directs.length;
  const inMarks = quoteSpans(article.replace(/\s+/g, ' ')).map((s) => s.inner);
  t.directNotVerbatim = directs.filter((q) => !inMarks.some((m) => m.includes(q.text))).length;
  for (const e of expected.quotes) {
    if (e.kind === 'direct') {
      t.directExpected++;
      const q = directs.find((d) => verbatim(d.text) === verbatim(e.text!));
      if (q && speakerMatches(q.speakerId, e.speaker)) t.directFound++;
      else misses.push(q ? `quote "${e.text!.slice(0, 40)}": speaker ${q.speakerId}, expected ${e.speaker}` : `quote "${e.text!.slice(0, 40)}": not found`);
    } else {
      t.paraphraseExpected++;
      const hit = x.quotes.filter(
        (q) =>
          speakerMatches(q.speakerId, e.speaker) &&
          (q.evidence.some((s) => s.includes(e.contains!) || e.contains!.includes(s)) || q.text.includes(e.contains!)),
      );
      if (hit.some((q) => q.kind === 'paraphrase')) t.paraphraseFound++;
      else misses.push(`paraphrase by ${e.speaker} ("${e.contains!.slice(0, 40)}"): not found`);
      if (hit.some((q) => q.kind === 'direct' && !inMarks.some((m) => m.includes(q.text)))) t.paraphraseMarkedDirect++;
    }
  }
  t.statisticsExpected = expected.statistics.length;
  t.statisticsExtracted = x.statistics.length;
  const freeStats = [...x.statistics];
  for (const e of expected.statistics) {
    const i = freeStats.findIndex((s) => s.value === e.value);
    if (i < 0) {
      misses.push(`statistic ${e.value}: not found`);
      continue;
    }
    const s = freeStats.splice(i, 1)[0]!;
    t.statisticsFound++;
    if (!e.from || (s.period?.from.date === e.from && s.period?.to.date === e.to)) t.statisticPeriod++;
    else misses.push(`statistic ${e.value}: period ${s.period?.from.date}..${s.period?.to.date}, expected ${e.from}..${e.to}`);
  }
  return { tally: t, misses };
}
