import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord-api-types/v10';
import type { Dataset } from '../../../src/core/dataset.ts';
import { formatDateSpec, plural, quotedText } from '../../../src/core/format.ts';
import type { Quote } from '../../../src/schema/index.ts';
import { echo } from '../echo.ts';
import { makeReply, type ReplyPayload } from '../payload.ts';
import { attributionFor } from '../source-line.ts';

export const QUOTES_PER_PAGE = 5;

function when(q: Quote, ds: Dataset): string {
  const parts = [q.date ? formatDateSpec(q.date, ds) : 'date not given', q.venue ?? 'venue not given'];
  if (q.viaId) parts.push(`as cited by the ${ds.actorName(q.viaId)}`);
  return parts.join(' · ');
}

function entry(q: Quote, ds: Dataset): string {
  const note = q.attributionNote ? `\n_${q.attributionNote}_` : '';
  if (q.kind === 'direct') return `> ${quotedText(q.text)}\n— ${when(q, ds)}\n${q.context}${note}`;
  // Paraphrases are never put in quotation marks; only text copied exactly is called the article's words.
  const label = q.wording === 'verbatim' ? "**Paraphrase** (the article's words, not a quotation)" : '**Paraphrase (ours)**, not a quotation';
  return `${label}: ${q.text}\n— ${when(q, ds)}\n${q.context}${note}`;
}

export interface QuoteAnswer {
  speakerId: string;
  topic: string | undefined;
  direct: Quote[];
  paraphrases: Quote[];
  page: number;
  pages: number;
  buttons: APIActionRowComponent<APIButtonComponent> | null;
}

/** /quote: a speaker's direct quotations, then paraphrases (never in quotation marks), a page at a time. */
export function quoteReply(ds: Dataset, a: QuoteAnswer): ReplyPayload {
  const speaker = ds.actors.get(a.speakerId)!;
  const { direct, paraphrases, page, pages } = a;
  const org = speaker.organisationId ? ds.actorName(speaker.organisationId) : null;
  const title = [speaker.name, speaker.role, speaker.kind === 'report' ? 'report' : null].filter(Boolean).join(' — ');
  const all = [...direct, ...paraphrases];
  const topicText = a.topic ? ` about "${echo(a.topic)}"` : '';
  if (!all.length) return makeReply({ embeds: [{ title, description: `No statements by ${speaker.name}${topicText} in the dataset.` }] });
  const shown = all.slice((page - 1) * QUOTES_PER_PAGE, page * QUOTES_PER_PAGE);
  const summary =
    direct.length === 0
      ? `The dataset only paraphrases ${speaker.name}${topicText}: there is no direct quotation, so nothing below is in quotation marks.`
      : `${plural(direct.length, 'direct quotation')}${paraphrases.length ? ` and ${plural(paraphrases.length, 'paraphrase')}` : ''}${topicText}.`;
  const embed: APIEmbed = {
    title,
    description: `${org ? `${org}\n` : ''}${summary}\n\n${shown.map((q) => entry(q, ds)).join('\n\n')}`,
    footer: {
      text: `${pages > 1 ? `Page ${page} of ${pages} · ` : ''}Source: ${attributionFor(
        ds,
        shown.map((q) => q.sourceId),
      )}`,
    },
  };
  return makeReply({ embeds: [embed], components: a.buttons ? [a.buttons] : [] });
}
