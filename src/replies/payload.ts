import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord-api-types/v10';

/** A file sent with a reply (a rendered PNG); embeds refer to it as attachment://<name>. */
export interface ReplyFile {
  name: string;
  data: Buffer;
  description?: string;
}

/**
 * What a handler returns: exactly the message body the bot sends to Discord (minus files, which go as
 * multipart attachments). Mentions are never parsed: nothing the bot says can ping anyone.
 */
export interface ReplyPayload {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  allowed_mentions: { parse: [] };
  /** 64: ephemeral. */
  flags?: number;
  files?: ReplyFile[];
}

export const NO_MENTIONS = { parse: [] as [] };
