import type { CommandModule } from '../command.ts';
import { makeReply, type ReplyPayload } from '../payload.ts';

/** /help: every command with its description and examples. */
export function helpReply(commands: readonly CommandModule[]): ReplyPayload {
  const fields = commands.map((c) => ({
    name: `/${c.definition.name}`,
    value: [c.definition.description, ...(c.examples ?? []).map((e) => `\`${e}\``)].join('\n'),
  }));
  return makeReply({
    embeds: [
      {
        title: 'incident-bot: sourced answers about IS attacks in Iraq and Syria',
        description:
          'Every figure comes from a source you can check with /incident and /sources. Places accept names, aliases and common spellings (Saladin, Salah ad-Din, Salahuddin); options with a list offer suggestions as you type. ' +
          'Dates: an incident known only to a span of days (22–23 Aug 2019) is counted by the first day of its span in every date filter, total and digest; a statistic over a period is shown when its period overlaps the dates asked.',
        fields,
      },
    ],
  });
}
