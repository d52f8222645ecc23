import type { CommandContext } from '../../commands/kit/command.ts';
import { loadDataset } from '../data/load-dataset.ts';
import { createConsoleServices } from '../digest/console-services.ts';

/** The context the console and `ask` give handlers: the shipped dataset and a clock (fixed with --now). */
export function createCliContext(opts: { now?: Date; dataDir?: string } = {}): CommandContext {
  const dataset = loadDataset(opts.dataDir);
  const fixed = opts.now;
  return {
    dataset: () => dataset,
    now: () => fixed ?? new Date(),
    invocation: { guildId: null, channelId: null, userId: null },
    // The digest's store (in memory) and a permission check that accepts any channel: nothing is posted from here.
    services: createConsoleServices(),
  };
}
