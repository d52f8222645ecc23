import type { CommandModule } from './kit/command.ts';
import { makeReply, type ReplyPayload } from './kit/payload.ts';

export const help: CommandModule = {
  examples: ['/help'],
  definition: { name: 'help', description: 'The commands, with examples' },
  async handle(): Promise<ReplyPayload> {
    // Imported lazily: the registry imports this file.
    const { commands } = await import('./index.ts');
    const fields = commands.map((c) => ({
      name: `/${c.definition.name}`,
      value: [c.definition.description, ...(c.examples ?? []).map((e) => `\`${e}\``)].join('\n'),
    }));
    return makeReply({
      embeds: [
        {
          title: 'incident-bot: sourced answers about IS attacks in Iraq and Syria',
          description:
            'Every figure comes from a source you can check with /incident and /sources. Places accept names, aliases and common spellings (Saladin, Salah ad-Din, Salahuddin); options with a list offer suggestions as you type.',
          fields,
        },
      ],
    });
  },
};
