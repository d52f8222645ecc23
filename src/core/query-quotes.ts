import type { Quote } from '../schema/index.ts';
import type { Dataset } from './dataset.ts';
import { normalizeName } from './normalize-name.ts';

/**
 * A speaker's statements, direct quotations first, each list newest first (undated last). With a
 * topic, only statements whose words, context or topics contain it (case- and accent-insensitive).
 */
export function findQuotes(ds: Dataset, speakerId: string, topic?: string): { direct: Quote[]; paraphrases: Quote[] } {
  const t = topic ? normalizeName(topic) : '';
  const matches = ds.quotes.filter((q) => q.speakerId === speakerId && (!t || normalizeName([q.text, q.context, ...q.topics].join(' ')).includes(t)));
  const byDate = (a: Quote, b: Quote) => (b.date?.date ?? '').localeCompare(a.date?.date ?? '');
  return {
    direct: matches.filter((q) => q.kind === 'direct').sort(byDate),
    paraphrases: matches.filter((q) => q.kind === 'paraphrase').sort(byDate),
  };
}
