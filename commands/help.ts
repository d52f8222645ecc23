import type { CommandModule } from '../src/command/command-module.ts';
import { makeReply, type ReplyPayload } from '../src/replies/payload.ts';

/** Examples shown by /help; each is a real command a user can type. */
export const EXAMPLES: Record<string, string[]> = {
  attacks: ['/attacks place:syria', '/attacks place:diyala from:2019-08-01', '/attacks place:iraq actor:IS limit:3'],
  incident: ['/incident id:diyala-police-2019-08-22'],
  quote: ['/quote person:pompeo', '/quote person:"Secretary of State" topic:caliphate'],
  stats: ['/stats', '/stats place:syria from:2019-07 to:2019-08'],
  sources: ['/sources'],
  help: ['/help'],
};

export const help: CommandModule = {
  definition: { name: 'help', description: 'The commands, with examples' },
  async handle(): Promise<ReplyPayload> {
    // Imported lazily: the registry imports this file.
    const { commands } = await import('./index.ts');
    const fields = commands.map((c) => ({
      name: `/${c.definition.name}`,
      value: [c.definition.description, ...(EXAMPLES[c.definition.name] ?? []).map((e) => `\`${e}\``)].join('\n'),
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
