/** A sentence of the article, exactly as written (evidence must be copied word for word). */
export interface Sentence {
  index: number;
  text: string;
  paragraph: number;
  /** The first paragraph when it reads as a headline (no closing punctuation, short). */
  headline: boolean;
}

// ICU splits after these abbreviations although the sentence goes on ("Gen. Ali", "Mr. Smith").
const ABBREVIATION_END = /\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Brig|Cpl|Adm|Gov|Sen|Rep|St|No|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|Lt\.Gen|Maj\.Gen)\.\s*$/;

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Paragraphs are lines or blank-line separated blocks; sentences come from ICU's sentence segmenter. */
export function splitSentences(text: string): Sentence[] {
  const paragraphs = text
    .split(/\r?\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const out: Sentence[] = [];
  paragraphs.forEach((p, pi) => {
    const parts: string[] = [];
    for (const s of segmenter.segment(p)) {
      const t = s.segment.trim();
      if (!t) continue;
      const last = parts.length - 1;
      if (last >= 0 && (ABBREVIATION_END.test(parts[last]!) || /^[a-z]/.test(t))) parts[last] = `${parts[last]} ${t}`;
      else parts.push(t);
    }
    const headline = pi === 0 && paragraphs.length > 1 && parts.length === 1 && !/[.!?”"]$/.test(p) && p.split(' ').length <= 20;
    for (const t of parts) out.push({ index: out.length, text: t, paragraph: pi, headline });
  });
  return out;
}
