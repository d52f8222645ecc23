import type { Dataset } from '../../src/core/dataset.ts';
import type { Services } from './services.ts';

/**
 * Options as they arrive from Discord, the console or a test: option name -> value. For a command
 * with subcommands, `subcommand` holds the chosen one's name and its options sit beside it.
 */
export type RawOptions = Record<string, string | number | boolean | undefined>;

/** Who asked, where: filled by the Discord runtime; the console and tests may leave it out. */
export interface Invocation {
  guildId: string | null;
  channelId: string | null;
  userId: string | null;
  locale?: string;
  /**
   * The invoking member's permissions in the channel (Discord's bitfield string, from the interaction's
   * `member.permissions`); null or absent: not known, so nothing that changes server state is allowed.
   */
  memberPermissions?: string | null;
}

/**
 * Everything a handler may use. Handlers never touch the network: Discord, the console and the tests
 * all call the same handler with the same kind of context.
 */
export interface CommandContext {
  /** The current dataset (a getter, so a hot reload swaps it without restarting anything). */
  dataset: () => Dataset;
  /** The clock; tests and `ask --now` set it. */
  now: () => Date;
  invocation?: Invocation;
  /** Services a command needs beyond the dataset (the digest's store and channel check). */
  services?: Services;
}

export interface AutocompleteChoice {
  name: string;
  value: string;
}

export type Autocomplete = (
  focused: { name: string; value: string },
  options: RawOptions,
  ctx: CommandContext,
) => AutocompleteChoice[] | Promise<AutocompleteChoice[]>;
