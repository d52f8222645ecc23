import { defineCommand, type CommandModule } from './kit/command.ts';
import { helpReply } from './kit/replies/help.ts';

/** /help, listing `list()`: the registry builds it with its own list, so this file needs no registry. */
export function helpCommand(list: () => readonly CommandModule[]): CommandModule {
  return defineCommand({
    name: 'help',
    description: 'The commands, with examples',
    examples: ['/help'],
    options: {},
    handle: () => helpReply(list()),
  });
}
