import { z } from 'zod';
import type { APIEmbed } from 'discord-api-types/v10';
import type { CommandModule } from './kit/command.ts';
import { opt, parseOptions } from './kit/options.ts';
import { pageButtons } from './kit/page-button.ts';
import { findQuotes } from '../src/core/query-quotes.ts';
import { speakerChoices } from './kit/choices.ts';
import { formatDateSpec, plural, quotedText } from '../src/core/format.ts';
import { makeReply, type ReplyPayload } from './kit/payload.ts';
import { resolveSpeakerOption } from './kit/resolve-option.ts';
import { attributionFor } from './kit/source-line.ts';
import type { Quote } from '../src/schema/index.ts';
import type { Dataset } from '../src/core/dataset.ts';

const Options = z.object({ person: opt.text(), topic: opt.optionalText(), page: opt.page });
const PER_PAGE = 5;

function when(q: Quote, ds: Dataset): string {
  const parts = [q.date ? formatDateSpec(q.date, ds) : 'date not given', q.venue ?? 'venue not given'];
  if (q.viaId) parts.push(`as cited by the ${ds.actorName(q.viaId)}`);
  return parts.join(' · ');
}

function entry(q: Quote, ds: Dataset): string {
  const note = q.attributionNote ? `\n_${q.attributionNote}_` : '';
  if (q.kind === 'direct') return `> ${quotedText(q.text)}\n— ${when(q, ds)}\n${q.context}${note}`;
  // Paraphrases are never put in quotation marks: they are the article's words, not the speaker's.
  return `**Paraphrase** (the article's words, not a quotation): ${q.text}\n— ${when(q, ds)}\n${q.context}${note}`;
}

export const quote: CommandModule = {
  examples: ['/quote person:pompeo', '/quote person:"Secretary of State" topic:caliphate'],
  definition: {
    name: 'quote',
    description: 'What a person (or report) said, word for word, with when and where',
    options: [
      { type: 3, name: 'person', description: 'Name, surname or role, e.g. pompeo, "Secretary of State"', required: true, autocomplete: true },
      { type: 3, name: 'topic', description: 'A word the statement is about, e.g. caliphate, camp, risk' },
      { type: 4, name: 'page', description: 'Page number (the buttons do this for you)', min_value: 1 },
    ],
  },
  handle(raw, ctx): ReplyPayload {
    const o = parseOptions(Options, raw);
    const ds = ctx.dataset();
    const who = resolveSpeakerOption(ds, o.person);
    if ('reply' in who) return who.reply;
    const speaker = ds.actors.get(who.id)!;
    const { direct, paraphrases } = findQuotes(ds, who.id, o.topic);
    const org = speaker.organisationId ? ds.actorName(speaker.organisationId) : null;
    const title = [speaker.name, speaker.role, speaker.kind === 'report' ? 'report' : null].filter(Boolean).join(' — ');
    const all = [...direct, ...paraphrases];
    const topicText = o.topic ? ` about "${o.topic}"` : '';
    if (!all.length) {
      return makeReply({
        embeds: [{ title, description: `No statements by ${speaker.name}${topicText} in the dataset.` }],
      });
    }
    const page = Math.min(o.page ?? 1, Math.ceil(all.length / PER_PAGE));
    const pages = Math.ceil(all.length / PER_PAGE);
    const shown = all.slice((page - 1) * PER_PAGE, page * PER_PAGE);
    const summary =
      direct.length === 0
        ? `The dataset only paraphrases ${speaker.name}${topicText}: there is no direct quotation, so nothing below is in quotation marks.`
        : `${plural(direct.length, 'direct quotation')}${paraphrases.length ? ` and ${plural(paraphrases.length, 'paraphrase')}` : ''}${topicText}.`;
    const embed: APIEmbed = {
      title,
      description: `${org ? `${org}\n` : ''}${summary}\n\n${shown.map((q) => entry(q, ds)).join('\n\n')}`,
      footer: { text: `${pages > 1 ? `Page ${page} of ${pages} · ` : ''}Source: ${attributionFor(ds, shown.map((q) => q.sourceId))}` },
    };
    const buttons = pageButtons('quote', { person: who.id, topic: o.topic }, page, pages);
    return makeReply({ embeds: [embed], components: buttons ? [buttons] : [] });
  },
  autocomplete(focused, _o, ctx) {
    return speakerChoices(ctx.dataset(), focused.value);
  },
};
