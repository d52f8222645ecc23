import type { AttachmentPayload, InteractionReplyOptions, InteractionUpdateOptions } from 'discord.js';
import { EPHEMERAL } from '../../commands/kit/discord-limits.ts';
import type { ReplyPayload } from '../../commands/kit/payload.ts';

/**
 * A handler's ReplyPayload as discord.js options. discord.js reads camelCase options (it ignores an
 * `allowed_mentions` key), so mentions are set here, always to none, whatever the payload says.
 */
interface Common {
  content?: string;
  embeds: NonNullable<ReplyPayload['embeds']>;
  components: NonNullable<ReplyPayload['components']>;
  allowedMentions: { parse: [] };
  files: AttachmentPayload[];
}

/**
 * Handlers already produce Discord's JSON (snake_case). Wrapped as JSON-encodable, discord.js sends it as it
 * is instead of walking it through its camelCase-to-snake_case transformer, which costs time on every reply.
 */
function asJson<T extends object>(value: T): T {
  return { toJSON: () => value } as unknown as T;
}

function common(p: ReplyPayload): Common {
  return {
    ...(p.content !== undefined ? { content: p.content } : {}),
    embeds: (p.embeds ?? []).map(asJson),
    components: (p.components ?? []).map(asJson),
    allowedMentions: { parse: [] },
    files: (p.files ?? []).map((f) => ({ attachment: f.data, name: f.name, ...(f.description ? { description: f.description } : {}) })),
  };
}

export function isEphemeral(p: ReplyPayload): boolean {
  return ((p.flags ?? 0) & EPHEMERAL) !== 0;
}

/** For interaction.reply / followUp (a new message). */
export function toReplyOptions(p: ReplyPayload): InteractionReplyOptions {
  return { ...common(p), ...(p.flags ? { flags: p.flags as InteractionReplyOptions['flags'] } : {}) } as InteractionReplyOptions;
}

/** For interaction.update / editReply (the message already exists; its flags cannot change). */
export function toUpdateOptions(p: ReplyPayload): InteractionUpdateOptions {
  // content: '' clears the previous page's text when the new payload has none.
  return { ...common(p), content: p.content ?? '' } as InteractionUpdateOptions;
}
