import { ApplicationCommandOptionType, ChannelType, type APIApplicationCommandBasicOption } from 'discord-api-types/v10';
import { z } from 'zod';
import { UserError } from '../../src/core/user-error.ts';
import type { RawOptions } from './context.ts';

/**
 * One option, declared once: its Discord JSON, its zod parser (which gives the handler its type) and how
 * it travels in a page button's custom id.
 */
export interface OptionSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** The option as registered with Discord, under `name`. */
  json(name: string): APIApplicationCommandBasicOption;
  required: boolean;
  /**
   * In a page button: `short` is its key (Discord allows 100 characters in a custom id and GED place ids
   * run to 60); `day` options travel without dashes ("f=20170101"); `id` options may travel as a hash of
   * a dataset id when the whole id would not fit.
   */
  page?: { short: string; day?: boolean; id?: 'place' | 'actor' | 'person' };
  /** Whole numbers: read back as numbers from a button. */
  integer?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;
/** The options a handler receives, inferred from the specs. */
export type OptionsOf<S extends OptionSpecs> = { [K in keyof S]: z.output<S[K]['schema']> };

/** Said for a required option that was not given (zod's own "expected string, received undefined" says nothing to a user). */
const MISSING = 'is required but was not given';

const requiredText = (max: number) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? MISSING : 'must be text') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .max(max, `must be at most ${max} characters`)
    .optional()
    .transform((s) => (s ? s : undefined));

/**
 * A whole number given as a number or as decimal digits only: "0x10", "1e1" or " 16 " are not read as
 * numbers (Number() would read them), so a page button cannot smuggle another value in.
 */
const strictInt = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^[+-]?\d{1,15}$/.test(v) ? Number(v) : v),
    z
      .number({ error: (iss) => (iss.input === undefined ? MISSING : 'must be a whole number') })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );

type Common<R extends boolean> = { description: string; required?: R; page?: OptionSpec['page'] };
type TextSchema<R extends boolean> = R extends true ? ReturnType<typeof requiredText> : ReturnType<typeof optionalText>;
type IntSchema<R extends boolean> = R extends true ? ReturnType<typeof strictInt> : z.ZodOptional<ReturnType<typeof strictInt>>;

export const option = {
  /** Free text (a name, a date word, an id); `max` caps what is accepted. */
  text<const R extends boolean = false>(
    o: Common<R> & { max?: number; minLength?: number; maxLength?: number; autocomplete?: boolean },
  ): OptionSpec<TextSchema<R>> {
    const max = o.max ?? 100;
    const required = o.required === true;
    return {
      schema: (required ? requiredText(max) : optionalText(max)) as TextSchema<R>,
      required,
      ...(o.page ? { page: o.page } : {}),
      json: (name) => ({
        type: ApplicationCommandOptionType.String,
        name,
        description: o.description,
        ...(required ? { required: true } : {}),
        ...(o.autocomplete ? { autocomplete: true } : {}),
        ...(o.minLength !== undefined ? { min_length: o.minLength } : {}),
        ...(o.maxLength !== undefined ? { max_length: o.maxLength } : {}),
      }),
    };
  },

  /** One of a fixed list of words, offered by Discord as choices. */
  choice<const C extends string>(o: Common<false> & { choices: readonly C[]; error: string }): OptionSpec<z.ZodOptional<z.ZodEnum<{ [K in C]: K }>>> {
    return {
      schema: z.enum(o.choices as [C, ...C[]], o.error).optional() as z.ZodOptional<z.ZodEnum<{ [K in C]: K }>>,
      required: false,
      ...(o.page ? { page: o.page } : {}),
      json: (name) => ({ type: ApplicationCommandOptionType.String, name, description: o.description, choices: o.choices.map((c) => ({ name: c, value: c })) }),
    };
  },

  integer<const R extends boolean = false>(o: Common<R> & { min: number; max: number; discordMax?: boolean }): OptionSpec<IntSchema<R>> {
    const required = o.required === true;
    const int = strictInt(o.min, o.max);
    return {
      schema: (required ? int : int.optional()) as IntSchema<R>,
      required,
      integer: true,
      ...(o.page ? { page: o.page } : {}),
      json: (name) => ({
        type: ApplicationCommandOptionType.Integer,
        name,
        description: o.description,
        ...(required ? { required: true } : {}),
        min_value: o.min,
        ...(o.discordMax ? { max_value: o.max } : {}),
      }),
    };
  },

  /** A channel of the server the bot can post in: text, announcement, a thread, or a forum (a post each time). Discord sends its id. */
  channel(o: { description: string }): OptionSpec<ReturnType<typeof requiredText>> {
    return {
      schema: requiredText(32),
      required: true,
      json: (name) => ({
        type: ApplicationCommandOptionType.Channel,
        name,
        description: o.description,
        required: true,
        channel_types: [...POSTABLE_CHANNEL_TYPES],
      }),
    };
  },

  /** A role of the server (Discord sends its id); optional. */
  role(o: { description: string }): OptionSpec<ReturnType<typeof optionalText>> {
    return {
      schema: optionalText(32),
      required: false,
      json: (name) => ({ type: ApplicationCommandOptionType.Role, name, description: o.description }),
    };
  },
};

/** Channels a digest or an alert may go to; a forum gets a new post per message (src/discord/channels.ts checks the same list). */
export const POSTABLE_CHANNEL_TYPES = [
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.GuildForum,
] as const;

/** The page number every paged command takes; the buttons fill it in. */
export const pageOption = () =>
  option.integer({ description: 'Page number (the buttons do this for you)', min: 1, max: Number.MAX_SAFE_INTEGER, page: { short: 'n' } });

/** Validates options against their specs; a bad or missing value becomes a UserError naming the option. */
export function parseOptions<S extends OptionSpecs>(specs: S, raw: RawOptions): OptionsOf<S> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(specs)) shape[name] = spec.schema;
  const r = z.object(shape).safeParse(raw);
  if (r.success) return r.data as OptionsOf<S>;
  const first = r.error.issues[0]!;
  const name = first.path.join('.') || 'options';
  if (first.message === MISSING) throw new UserError(`Option "${name}" is required but was not given.`);
  throw new UserError(`Option "${name}": ${first.message}.`);
}
