/**
 * Direct quotes (the words inside double quotation marks, verbatim, with the speaker the sentence or
 * the passage gives) and paraphrases (reported speech without quotation marks: never direct).
 * Single quotation marks are quotes within quotes or scare quotes, so they never delimit a quote.
 */
import type { Actor } from '../schema/index.ts';
import type { Sentence } from './sentences.ts';
import { resolveSpeaker, type SpeakerMemory } from './speakers.ts';

export interface QuoteDraft {
  kind: 'direct' | 'paraphrase';
  speakerId: string;
  viaId: string | null;
  text: string;
  venue: string | null;
  /** The sentences the words are in (several when a quote runs over a sentence end). */
  sentences: Sentence[];
}

const VERB =
  '(?:said|says|say|told|tells|reported|added|adds|noted|notes|stated|wrote|writes|warned|warns|acknowledged|explained|confirmed|announced|insisted|stressed|continued|recalled|argued|asserted|urged|cautioned|conceded|admitted)';
const VERB_RE = new RegExp(`\\b${VERB}\\b`, 'i');

interface Span {
  index: number;
  end: number;
  inner: string;
}

/** “…” and "…" spans in a paragraph (an unclosed quote runs to the paragraph's end, as in wire copy). */
export function quoteSpans(text: string): Span[] {
  const out: Span[] = [];
  const re = /“([^”]*)(?:”|$)|"([^"]*)(?:"|$)/g;
  for (const m of text.matchAll(re)) {
    const inner = (m[1] ?? m[2] ?? '').trim();
    if (inner) out.push({ index: m.index!, end: m.index! + m[0].length, inner });
  }
  return out;
}

/** The text with quoted words blanked out (same length), so they never count as the article's own claims. */
export function maskQuotes(text: string): string {
  return text.replace(/“[^”]*(?:”|$)|"[^"]*(?:"|$)/g, (q) => ' '.repeat(q.length));
}

const isTitle = (inner: string) => {
  const words = inner.replace(/[.,]$/, '').split(/\s+/);
  return words.length <= 8 && words.every((w) => /^[\p{Lu}\d]/u.test(w) || /^(?:of|the|and|in|on|for|a|to)$/.test(w));
};

export function findQuotes(sentences: readonly Sentence[], actors: ReadonlyMap<string, Actor>, memory: SpeakerMemory): QuoteDraft[] {
  const out: QuoteDraft[] = [];
  let lastDirect: QuoteDraft | null = null;
  const byParagraph = new Map<number, Sentence[]>();
  for (const s of sentences) if (!s.headline) byParagraph.set(s.paragraph, [...(byParagraph.get(s.paragraph) ?? []), s]);

  for (const [paragraph, ss] of byParagraph) {
    const text = ss.map((s) => s.text).join(' ');
    const starts: number[] = [];
    let pos = 0;
    for (const s of ss) {
      starts.push(pos);
      pos += s.text.length + 1;
    }
    const sentenceAt = (i: number) => {
      let k = 0;
      while (k + 1 < starts.length && starts[k + 1]! <= i) k++;
      return k;
    };
    const spans = quoteSpans(text);
    const titles = spans.filter(
      (sp) =>
        isTitle(sp.inner) &&
        /\b(?:on|in|to|of|show|programme|program|newspaper|channel|broadcaster|daily)\s*$/i.test(text.slice(Math.max(0, sp.index - 12), sp.index)),
    );
    const quotes = spans.filter((sp) => !titles.includes(sp));

    for (let k = 0; k < ss.length; k++) {
      const s = ss[k]!;
      const sStart = starts[k]!;
      const sEnd = sStart + s.text.length;
      // Reported speech first: it sets who "he" and "it" are for the quotes of the same sentence.
      const para = paraphrase(s, actors, memory);
      if (para && /\bin\s+a\s+statement\b/i.test(s.text)) memory.lastStatement = para.speakerId;
      if (para) {
        const prev = out[out.length - 1];
        // "He noted that ..." continues the paraphrase just before it.
        if (
          prev &&
          prev.kind === 'paraphrase' &&
          prev.speakerId === para.speakerId &&
          /^(?:He|She|It|They)\b/.test(s.text) &&
          prev.sentences.at(-1)!.index === s.index - 1
        ) {
          prev.text = `${prev.text.replace(/\.$/, '')}; ${para.text}`;
          prev.sentences.push(s);
        } else out.push(para);
      }
      for (const sp of quotes.filter((q) => q.index >= sStart && q.index < sEnd)) {
        const endSentence = sentenceAt(Math.max(sp.index, sp.end - 1));
        const last = ss[endSentence]!;
        const lastEnd = starts[endSentence]! + last.text.length;
        const after = text.slice(sp.end, lastEnd);
        const before = text.slice(sStart, sp.index);
        const venue =
          titles.find((t) => t.index >= sStart && t.index < lastEnd)?.inner.replace(/[.,]$/, '') ??
          /\bin\s+a\s+(statement|message|post|video|televised\s+address|speech|interview)\b/i.exec(after + before)?.[0].replace(/^in\s+/i, '') ??
          null;
        let speaker = attribution(after, before, actors, memory);
        const whole = before.trim() === '' && /^[\s.,!?]*$/.test(after);
        let via: string | null = null;
        if (!speaker && whole && lastDirect && lastDirect.sentences.at(-1)!.paragraph >= paragraph - 1) speaker = lastDirect.speakerId;
        if (!speaker) continue;
        if (para && para.speakerId !== speaker && /according\s+to\s+[^,“"]+,?\s*$/i.test(before)) via = para.speakerId;
        // Two words or fewer in quotation marks is a term, not a statement, unless a speech verb sits beside it.
        if (sp.inner.split(/\s+/).length <= 2 && !VERB_RE.test(after.slice(0, 40))) continue;
        const q: QuoteDraft = {
          kind: 'direct',
          speakerId: speaker,
          viaId: via,
          text: sp.inner.replace(/,$/, ''),
          venue,
          sentences: ss.slice(k, endSentence + 1),
        };
        out.push(q);
        lastDirect = q;
      }
    }
  }
  return out;
}

/** The speaker of a quote from the words after it (“…,” he said) or before it (X said: “…”). */
function attribution(after: string, before: string, actors: ReadonlyMap<string, Actor>, memory: SpeakerMemory): string | null {
  const a = new RegExp(
    `^[\\s,.]*(?:([^“”"]{1,160}?)\\s+${VERB}|${VERB}\\s+([^“”".;]{1,140}?)(?=[.;]|,\\s+(?:who|which|speaking|adding)\\b|\\s+(?:on|in|at|when|after|to)\\s|$))`,
    'i',
  ).exec(after);
  if (a) {
    let phrase = a[1] ?? a[2] ?? '';
    if (a[1]) {
      const segments = phrase.split(/,\s+/);
      // "Glenn Fine, the principal deputy inspector general," is one speaker; "allowing ..., the report" is "the report".
      const lead = segments[0]!;
      if (segments.length > 1 && !(/^(?:\p{Lu}|the\s|a\s|an\s)/u.test(lead) && lead.split(/\s+/).length <= 5)) phrase = segments.at(-1)!;
      phrase = phrase.replace(/,$/, '');
    }
    const s = resolveSpeaker(phrase, actors, memory);
    if (s) return s.actorId;
  }
  // "IS claimed the attack through Amaq, saying its fighters had targeted “…”": the subject of the sentence speaks.
  const saying =
    /^\s*([^,“”"]{1,60}?)\s+(?:claimed|said|says|announced|issued|posted|published|released|warned|denied|confirmed)\b[^“”"]*?,\s+saying\b[^“”"]*$/i.exec(
      before,
    );
  if (saying) {
    const s = resolveSpeaker(saying[1]!, actors, memory);
    if (s) return s.actorId;
  }
  const acc = /according\s+to\s+([^,“"]+),?\s*$/i.exec(before);
  if (acc) return resolveSpeaker(acc[1]!, actors, memory)?.actorId ?? null;
  const b = new RegExp(`(?:^|,\\s+|\\.\\s+)([^,“”"]{1,200}?)\\s+(?:that\\s+)?${VERB}(?:\\s+[^,:“”"]{0,40}?)?[,:]?\\s*(?:that\\s+)?$`, 'i').exec(before);
  if (b) {
    let phrase = b[1]!.replace(/\s+that$/i, '');
    // "the findings of a recent Pentagon Inspector General report (that says)": the noun phrase nearest the verb.
    if (phrase.split(/\s+/).length > 8) phrase = phrase.split(/\s+(?:of|with|by|from|in|on|to|at|for)\s+/i).at(-1)!;
    const id = resolveSpeaker(phrase, actors, memory)?.actorId ?? null;
    if (id) return id;
  }
  // "Farhad Shami, a spokesman for the SDF, said the operation “…”": the subject holds an appositive's commas.
  const subject = new RegExp(`^\\s*([^“”"]{1,120}?),?\\s+${VERB}\\b[^,:“”"]{0,40}$`, 'i').exec(before);
  if (subject) return resolveSpeaker(subject[1]!, actors, memory)?.actorId ?? null;
  return null;
}

/** Reported speech in a sentence: "X said (that) ...", "..., X said.", "..., X said, ...", "according to X". */
function paraphrase(s: Sentence, actors: ReadonlyMap<string, Actor>, memory: SpeakerMemory): QuoteDraft | null {
  const masked = maskQuotes(s.text);
  const verb = new RegExp(`\\b${VERB}\\b`, 'i').exec(masked);
  const acc = /\baccording\s+to\s+([^,]+?)(?:,|\.?$)/i.exec(masked);
  if (!verb && !acc) return null;
  // "“...,” Pompeo said when asked": the verb attributes the quote beside it; that is not reported speech.
  if (verb && quoteSpans(s.text).some((q) => Math.abs(q.end - verb.index) < 40 || Math.abs(verb.index - q.index) < 40) && /[“"]/.test(s.text.slice(0, 2)))
    return null;
  let speakerPhrase: string;
  let reported: string;
  if (acc && (!verb || acc.index < verb.index)) {
    speakerPhrase = acc[1]!;
    reported = (masked.slice(0, acc.index) + masked.slice(acc.index + acc[0].length)).replace(/^\s*,\s*/, '');
  } else {
    // "The Security Media Cell, which speaks for the forces, said": the speaker is before the relative clause.
    const left = masked.slice(0, verb!.index).replace(/,\s+(?:which|who)\s+[^,]+,\s*$/i, ' ');
    // "a relative told reporters." : the audience is not what was said.
    const right = masked
      .slice(verb!.index + verb![0].length)
      .replace(/^\s+(?:reporters|journalists|the\s+press|(?:an?|the)\s+(?:news\s+agency|newspaper|broadcaster|television\s+channel))\b/i, '');
    let cut = left.lastIndexOf(', ');
    // "The governor of Kirkuk, Rakan al-Jubouri, said that ...": the speaker is the whole appositive before the verb.
    if (cut >= 0 && !left.slice(cut + 2).trim() && !/^\s*[,.]/.test(right)) {
      const inner = left.slice(0, cut);
      const c2 = inner.lastIndexOf(', ');
      const c3 = c2 >= 0 ? inner.lastIndexOf(', ', c2 - 1) : -1;
      if (c2 >= 0 && inner.slice(c2 + 2).split(/\s+/).length <= 5) cut = c3;
    }
    if (cut >= 0 && /^\s*(?:[,.]|on\s+\p{Lu}\p{L}+[,.]|$)/u.test(right)) {
      // "..., police said." or "IS militants, an Iraqi official said, used light arms"
      speakerPhrase = left.slice(cut + 2);
      reported = `${left.slice(0, cut)} ${right.replace(/^\s*(?:on\s+\p{Lu}\p{L}+)?\s*,\s*/u, '')}`;
    } else if (/^\s*$/.test(left.slice(0, 1)) || cut < 0 || left.slice(cut + 2).split(/\s+/).length <= 10) {
      // "X said (on Monday) (that) ..." with X after the last comma ("Asked about ..., US Secretary of State Mike Pompeo acknowledged ...")
      speakerPhrase = cut >= 0 ? left.slice(cut + 2) : left;
      reported = right.replace(/^\s*(?:on\s+[\p{Lu}][\p{L}]+(?:\s+\d{1,2})?\s*)?(?:in\s+a\s+statement\s*)?(?:,\s*)?(?:that\s+)?/u, '');
    } else return null;
  }
  reported = reported
    .replace(/^\p{Lu}[\p{L}' .-]{1,40}?(?:,\s*\p{Lu}[\p{L} ]{1,30}?)?\s*(?:\([^)]{1,40}\))?\s*[–—]\s+/u, '')
    .replace(/\s{3,}/g, ' […] ')
    .replace(/,?\s*(?:where,?\s*)?according\s+to\s+[^,]+,?\s*(?:\[…\])?\s*\.?$/i, '')
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.])/g, '$1')
    .trim();
  // Words inside quotation marks are a direct quote, never a paraphrase; too little left means the sentence only attributes a quote.
  if (
    reported
      .replace(/[^\p{L}]+/gu, ' ')
      .trim()
      .split(' ').length < 4
  )
    return null;
  if (speakerPhrase.split(/\s+/).length > 12) return null;
  const speaker = resolveSpeaker(speakerPhrase, actors, memory);
  if (!speaker) return null;
  const text = reported.charAt(0).toUpperCase() + reported.slice(1).replace(/[,;:]?$/, '');
  return { kind: 'paraphrase', speakerId: speaker.actorId, viaId: null, text: /[.!?]$/.test(text) ? text : `${text}.`, venue: null, sentences: [s] };
}
