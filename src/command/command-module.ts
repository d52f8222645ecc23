import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { Dataset } from '../core/dataset.ts';
import type { ReplyPayload } from '../replies/payload.ts';

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
  /** Services a command needs beyond the dataset (the digest store, a permission check); keyed by name. */
  services?: Record<string, unknown>;
}

export interface AutocompleteChoice {
  name: string;
  value: string;
}

export interface CommandModule {
  /** The slash command as registered with Discord. */
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Real command lines a user can type, shown by /help and the README ("/attacks place:syria"). */
  examples?: string[];
  /**
   * Discord gives an interaction 3 seconds before it must be answered. A command that may take longer
   * (rendering, storage, network checks) is deferred first and its reply edited in.
   */
  defer?: boolean;
  /** Answers the command. Throws UserError for a problem with what was asked. */
  handle(options: RawOptions, ctx: CommandContext): ReplyPayload | Promise<ReplyPayload>;
  /** Suggestions while the user types the option named `focused`. At most 25, fast. */
  autocomplete?(focused: { name: string; value: string }, options: RawOptions, ctx: CommandContext): AutocompleteChoice[] | Promise<AutocompleteChoice[]>;
}
