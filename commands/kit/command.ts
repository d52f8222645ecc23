import {
  ApplicationCommandOptionType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { NotFoundError, UserError } from '../../src/core/user-error.ts';
import type { Autocomplete, CommandContext, RawOptions } from './context.ts';

export type { AutocompleteChoice, CommandContext, Invocation, RawOptions } from './context.ts';
import { parseOptions, type OptionSpecs, type OptionsOf } from './options.ts';
import { pageButtons } from './page-button.ts';
import { ephemeralText, type ReplyPayload } from './payload.ts';
import { requireManageServer } from './permissions.ts';

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
  /** The option specs of a command without subcommands (page buttons are encoded and checked with them). */
  options?: OptionSpecs;
  /** Whether the command answers page buttons; only such commands do, and only with their own options. */
  paginated?: boolean;
  /**
   * Answers the command. Throws UserError for a problem with what was asked (NotFoundError for a name
   * it does not know, with the "did you mean" answer as its message).
   */
  handle(options: RawOptions, ctx: CommandContext): ReplyPayload | Promise<ReplyPayload>;
  /** Suggestions while the user types the option named `focused`. At most 25, fast. */
  autocomplete?: Autocomplete;
}

/** What a handler gets besides its options and context. */
export interface HandlerTools<S extends OptionSpecs> {
  /** Previous/next buttons standing for this query (null when everything fits on one page). */
  pageButtons(state: { [K in keyof S]?: OptionsOf<S>[K] | null }, page: number, pages: number): APIActionRowComponent<APIButtonComponent> | null;
}

interface CommonSpec {
  name: string;
  description: string;
  examples?: string[];
  defer?: boolean;
  autocomplete?: Autocomplete;
  /** Extra fields of the registration (default permissions, contexts). */
  registration?: Omit<RESTPostAPIChatInputApplicationCommandsJSONBody, 'name' | 'description' | 'options'>;
}

export interface CommandSpec<S extends OptionSpecs> extends CommonSpec {
  options: S;
  /** Answers page buttons (the options' `page` keys say how each travels). */
  paginated?: boolean;
  handle(options: OptionsOf<S>, ctx: CommandContext, tools: HandlerTools<S>): ReplyPayload | Promise<ReplyPayload>;
}

/** A slash command without subcommands: options declared once, parsed and typed for the handler. */
export function defineCommand<const S extends OptionSpecs>(spec: CommandSpec<S>): CommandModule {
  const mod: CommandModule = {
    definition: {
      name: spec.name,
      description: spec.description,
      ...spec.registration,
      ...(Object.keys(spec.options).length ? { options: Object.entries(spec.options).map(([name, o]) => o.json(name)) } : {}),
    },
    ...(spec.examples ? { examples: spec.examples } : {}),
    ...(spec.defer ? { defer: true } : {}),
    options: spec.options,
    paginated: spec.paginated === true,
    handle: (raw, ctx) => spec.handle(parseOptions(spec.options, raw), ctx, tools),
    ...(spec.autocomplete ? { autocomplete: spec.autocomplete } : {}),
  };
  const tools: HandlerTools<S> = { pageButtons: (state, page, pages) => pageButtons(mod, state as RawOptions, page, pages) };
  return mod;
}

export interface Subcommand {
  name: string;
  description: string;
  options: OptionSpecs;
  /** Changes server state: the member must hold Manage Server, checked on every run (not only Discord's default). */
  configures: boolean;
  handle(raw: RawOptions, ctx: CommandContext): ReplyPayload | Promise<ReplyPayload>;
}

export interface SubcommandSpec<S extends OptionSpecs> {
  name: string;
  description: string;
  options: S;
  configures?: boolean;
  handle(options: OptionsOf<S>, ctx: CommandContext): ReplyPayload | Promise<ReplyPayload>;
}

export function defineSubcommand<const S extends OptionSpecs>(spec: SubcommandSpec<S>): Subcommand {
  return {
    name: spec.name,
    description: spec.description,
    options: spec.options,
    configures: spec.configures === true,
    handle: (raw, ctx) => spec.handle(parseOptions(spec.options, raw), ctx),
  };
}

/** A slash command made of subcommands (/digest set, /digest status…); `raw.subcommand` picks one. */
export function defineCommandGroup(spec: CommonSpec & { subcommands: readonly Subcommand[] }): CommandModule {
  const byName = new Map(spec.subcommands.map((s) => [s.name, s]));
  const list = spec.subcommands.map((s) => `/${spec.name} ${s.name}`);
  return {
    definition: {
      name: spec.name,
      description: spec.description,
      ...spec.registration,
      options: spec.subcommands.map((s) => ({
        type: ApplicationCommandOptionType.Subcommand,
        name: s.name,
        description: s.description,
        ...(Object.keys(s.options).length ? { options: Object.entries(s.options).map(([name, o]) => o.json(name)) } : {}),
      })),
    },
    ...(spec.examples ? { examples: spec.examples } : {}),
    ...(spec.defer ? { defer: true } : {}),
    options: {},
    paginated: false,
    handle(raw, ctx) {
      const { subcommand, ...options } = raw;
      const sub = typeof subcommand === 'string' ? byName.get(subcommand) : undefined;
      if (!sub) throw new UserError(`Use ${list.slice(0, -1).join(', ')} or ${list.at(-1)}.`);
      // Without a server there is no server state to change: the subcommand itself says it needs one.
      if (sub.configures && ctx.invocation?.guildId) requireManageServer(ctx, `/${spec.name} ${sub.name}`);
      return sub.handle(options, ctx);
    },
    ...(spec.autocomplete ? { autocomplete: spec.autocomplete } : {}),
  };
}

/**
 * A command's answer, as the console, `ask` and tests want it: a name the dataset does not know
 * (NotFoundError) is an answer too — the private "did you mean" reply — while other UserErrors propagate.
 */
export async function replyTo(mod: Pick<CommandModule, 'handle'>, raw: RawOptions, ctx: CommandContext): Promise<ReplyPayload> {
  try {
    return await mod.handle(raw, ctx);
  } catch (e) {
    if (e instanceof NotFoundError) return ephemeralText(e.message);
    throw e;
  }
}
