import { findQuotes } from '../src/core/query-quotes.ts';
import { speakerChoices } from './kit/choices.ts';
import { defineCommand } from './kit/command.ts';
import { option, pageOption } from './kit/options.ts';
import { quoteReply, QUOTES_PER_PAGE } from './kit/replies/quote.ts';
import { resolveSpeakerOption } from './kit/resolve-option.ts';

export const quote = defineCommand({
  name: 'quote',
  description: 'What a person (or report) said, word for word, with when and where',
  examples: ['/quote person:pompeo', '/quote person:"Secretary of State" topic:caliphate'],
  paginated: true,
  options: {
    person: option.text({
      description: 'Name, surname or role, e.g. pompeo, "Secretary of State"',
      required: true,
      autocomplete: true,
      page: { short: 'w', id: 'person' },
    }),
    topic: option.text({ description: 'A word the statement is about, e.g. caliphate, camp, risk', page: { short: 'q' } }),
    page: pageOption(),
  },
  handle(o, ctx, { pageButtons }) {
    const ds = ctx.dataset();
    const speakerId = resolveSpeakerOption(ds, o.person);
    const found = findQuotes(ds, speakerId, o.topic);
    const pages = Math.ceil((found.direct.length + found.paraphrases.length) / QUOTES_PER_PAGE);
    const page = Math.min(o.page ?? 1, pages);
    return quoteReply(ds, { speakerId, topic: o.topic, ...found, page, pages, buttons: pageButtons({ person: speakerId, topic: o.topic }, page, pages) });
  },
  autocomplete(focused, _o, ctx) {
    return speakerChoices(ctx.dataset(), focused.value);
  },
});
