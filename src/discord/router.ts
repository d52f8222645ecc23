import {
  DiscordAPIError,
  DiscordjsError,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { CommandContext, CommandModule, Invocation, RawOptions } from '../../commands/kit/command.ts';
import { echo } from '../../commands/kit/echo.ts';
import { isPageButtonId, parsePageButtonId, resolveHashedIds } from '../../commands/kit/page-button.ts';
import { UserError } from '../core/user-error.ts';
import { DISCORD_LIMITS, EPHEMERAL } from '../../commands/kit/discord-limits.ts';
import type { ReplyPayload } from '../../commands/kit/payload.ts';
import type { Logger } from './logger.ts';
import { isEphemeral, toReplyOptions, toUpdateOptions } from './reply-options.ts';

/** Discord's answers when an interaction can no longer be answered: not bugs, nothing to crash on. */
export const GONE_INTERACTION_CODES = new Set<number | string>([
  10062, // Unknown interaction (expired: not answered within 3 s, or the token is older than 15 min)
  40060, // Interaction has already been acknowledged (e.g. answered by another process)
  10015, // Unknown webhook (follow-up token expired)
  10008, // Unknown message (the original response was deleted)
]);

export function isGoneInteractionError(err: unknown): boolean {
  if (err instanceof DiscordAPIError) return GONE_INTERACTION_CODES.has(err.code);
  // discord.js's own guard when something already replied in this process.
  return err instanceof DiscordjsError && (err.code === 'InteractionAlreadyReplied' || err.code === 'InteractionNotReplied');
}

export interface RouterOptions {
  commands: readonly CommandModule[];
  /** The context every handler gets; `invocation` is filled per interaction. */
  context: Omit<CommandContext, 'invocation'>;
  logger: Logger;
  /**
   * A handler not marked `defer` that is still running after this long is deferred anyway, so a slow
   * moment (a cold cache, a busy host) never loses the interaction to Discord's 3-second limit. Default 2000.
   */
  autoDeferMs?: number;
  /** Buttons and modal submissions a service answers itself (the review channel's), by custom-id prefix. */
  components?: readonly ComponentHandler[];
}

/** A service's buttons and modals: every button or modal submission whose custom id starts with `prefix`. */
export interface ComponentHandler {
  prefix: string;
  /** Answers the interaction itself; a throw is reported to the user like a handler's. */
  handle(interaction: ButtonInteraction | ModalSubmitInteraction): Promise<void>;
}

type Answerable = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/** Options as a handler expects them: name -> value, a subcommand's name under `subcommand`. */
export function flattenOptions(data: readonly CommandInteractionOption[]): RawOptions {
  const out: RawOptions = {};
  for (const o of data) {
    if (o.type === 1 || o.type === 2) {
      if (o.type === 2) out.subcommand_group = o.name;
      else out.subcommand = o.name;
      Object.assign(out, flattenOptions(o.options ?? []));
    } else if (o.value !== undefined && o.value !== null) {
      out[o.name] = o.value;
    }
  }
  return out;
}

function invocationOf(i: Interaction): Invocation {
  // The member's permissions as Discord sent them with this interaction (member.permissions): what
  // configuration actions check on every run. Null outside a server.
  return {
    guildId: i.guildId,
    channelId: i.channelId,
    userId: i.user.id,
    locale: i.locale,
    memberPermissions: i.memberPermissions?.bitfield.toString() ?? null,
  };
}

function errorPayload(content: string): ReplyPayload {
  return { content, allowed_mentions: { parse: [] }, flags: EPHEMERAL };
}

/** Discord rejects choices with names or values over 100 characters and lists over 25. */
export function sanitizeChoices(choices: readonly { name: string; value: string }[]): { name: string; value: string }[] {
  return choices
    .filter((c) => c.value.length >= 1 && c.value.length <= DISCORD_LIMITS.choiceValue && c.name.length >= 1)
    .slice(0, DISCORD_LIMITS.autocompleteChoices)
    .map((c) => ({ name: c.name.length > DISCORD_LIMITS.choiceName ? `${c.name.slice(0, DISCORD_LIMITS.choiceName - 1)}…` : c.name, value: c.value }));
}

/**
 * Routes interactions to the command handlers: slash commands, autocomplete, page buttons. Returns the
 * function to attach to the client's interactionCreate event; it never throws.
 */
export function createInteractionRouter(options: RouterOptions): (interaction: Interaction) => Promise<void> {
  const byName = new Map(options.commands.map((c) => [c.definition.name, c]));
  const log = options.logger;
  const autoDeferMs = options.autoDeferMs ?? 2_000;
  const ctxFor = (i: Interaction): CommandContext => ({ ...options.context, invocation: invocationOf(i) });

  /** Sends `payload` as the answer to a command interaction, whatever state it is in. */
  async function answer(i: Answerable, payload: ReplyPayload, mode: 'reply' | 'update'): Promise<void> {
    if (i.deferred && !i.replied) {
      // Ephemerality is fixed when deferring: an ephemeral answer (a user error) to a public deferral goes in
      // an ephemeral follow-up; a command's "thinking…" placeholder is removed, a paged message is left as it was.
      if (isEphemeral(payload) && !i.ephemeral) {
        if (i.isChatInputCommand()) await i.deleteReply();
        await i.followUp(toReplyOptions(payload));
      } else {
        await i.editReply(toUpdateOptions(payload));
      }
    } else if (i.replied) {
      await i.followUp(toReplyOptions(payload));
    } else if (mode === 'update' && i.isButton() && !isEphemeral(payload)) {
      await i.update(toUpdateOptions(payload));
    } else {
      await i.reply(toReplyOptions(payload));
    }
  }

  /** Runs the handler; if it is still running after autoDeferMs and nothing was sent yet, defers meanwhile. */
  async function withAutoDefer(i: ChatInputCommandInteraction | ButtonInteraction, run: () => ReplyPayload | Promise<ReplyPayload>): Promise<ReplyPayload> {
    if (i.deferred || i.replied) return run();
    let deferring: Promise<unknown> | null = null;
    const timer = setTimeout(() => {
      log.info({ interactionId: i.id, afterMs: autoDeferMs }, 'handler is slow; deferring');
      deferring = (i.isButton() ? i.deferUpdate() : i.deferReply()).catch((err: unknown) => log.warn({ interactionId: i.id, err }, 'could not defer'));
    }, autoDeferMs);
    try {
      return await run();
    } finally {
      clearTimeout(timer);
      if (deferring) await deferring;
    }
  }

  async function fail(i: Answerable | AutocompleteInteraction, err: unknown, what: string): Promise<void> {
    if (isGoneInteractionError(err)) {
      log.warn({ interactionId: i.id, what, code: (err as { code?: unknown }).code, err }, 'interaction expired or already acknowledged; nothing sent');
      return;
    }
    const userError = err instanceof UserError || (err instanceof Error && err.name === 'UserError');
    if (!userError) log.error({ err, interactionId: i.id, what, guildId: i.guildId, userId: i.user.id }, 'handler failed');
    if (i.isAutocomplete()) {
      if (!i.responded) await i.respond([]).catch((e: unknown) => log.warn({ interactionId: i.id, err: e }, 'could not answer autocomplete'));
      return;
    }
    const payload = userError
      ? errorPayload((err as Error).message)
      : errorPayload(`Something went wrong on our side and it has been logged. If it keeps happening, report this id: \`${i.id}\``);
    try {
      await answer(i, payload, 'reply');
    } catch (e) {
      if (isGoneInteractionError(e)) log.warn({ interactionId: i.id, what }, 'could not report the error: interaction gone');
      else log.error({ err: e, interactionId: i.id, what }, 'could not report the error to the user');
    }
  }

  async function onCommand(i: ChatInputCommandInteraction): Promise<void> {
    const mod = byName.get(i.commandName);
    if (!mod) {
      await answer(i, errorPayload(`/${echo(i.commandName, 32)} is not available any more.`), 'reply');
      return;
    }
    if (mod.defer) await i.deferReply();
    const payload = await withAutoDefer(i, () => mod.handle(flattenOptions(i.options.data), ctxFor(i)));
    await answer(i, payload, 'reply');
  }

  async function onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const mod = byName.get(i.commandName);
    if (!mod?.autocomplete) {
      await i.respond([]);
      return;
    }
    const focused = i.options.getFocused(true);
    const choices = await mod.autocomplete({ name: focused.name, value: String(focused.value) }, flattenOptions(i.options.data), ctxFor(i));
    await i.respond(sanitizeChoices(choices));
  }

  async function onButton(i: ButtonInteraction): Promise<void> {
    if (!isPageButtonId(i.customId)) {
      // A label ("noop:") or a button this version does not know: acknowledge without changing anything.
      await i.deferUpdate();
      return;
    }
    // Only a command that pages answers a page button, and only with options it takes: a forged
    // "pg:digest?subcommand=off" is refused here, never run.
    const parsed = parsePageButtonId(i.customId, byName);
    const mod = parsed ? byName.get(parsed.command) : undefined;
    if (!parsed || !mod) {
      await answer(i, errorPayload('This button is not one this bot can answer (an old or altered button): nothing was done.'), 'reply');
      return;
    }
    if (mod.defer) await i.deferUpdate();
    const ctx = ctxFor(i);
    const payload = await withAutoDefer(i, () => mod.handle(resolveHashedIds(mod, parsed.options, ctx.dataset()), ctx));
    await answer(i, payload, 'update');
  }

  const componentHandler = (customId: string) => options.components?.find((c) => customId.startsWith(c.prefix));

  return async (interaction: Interaction): Promise<void> => {
    const started = performance.now();
    let what = 'interaction';
    try {
      if (interaction.isChatInputCommand()) {
        what = `/${interaction.commandName}`;
        await onCommand(interaction).catch((e: unknown) => fail(interaction, e, what));
      } else if (interaction.isAutocomplete()) {
        what = `autocomplete /${interaction.commandName}`;
        await onAutocomplete(interaction).catch((e: unknown) => fail(interaction, e, what));
      } else if ((interaction.isButton() || interaction.isModalSubmit()) && componentHandler(interaction.customId)) {
        what = `${interaction.isButton() ? 'button' : 'modal'} ${interaction.customId.slice(0, 40)}`;
        await componentHandler(interaction.customId)!
          .handle(interaction)
          .catch((e: unknown) => fail(interaction, e, what));
      } else if (interaction.isButton()) {
        what = `button ${interaction.customId.slice(0, 40)}`;
        await onButton(interaction).catch((e: unknown) => fail(interaction, e, what));
      } else {
        return;
      }
      log.debug({ interactionId: interaction.id, what, ms: Math.round(performance.now() - started) }, 'interaction handled');
    } catch (err) {
      // fail() itself guards its sends; this is the last line so an event handler never rejects.
      log.error({ err, interactionId: interaction.id, what }, 'interaction routing failed');
    }
  };
}
