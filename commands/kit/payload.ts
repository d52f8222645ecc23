import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord-api-types/v10';
import { DISCORD_LIMITS, EPHEMERAL } from './discord-limits.ts';
import { truncate } from '../../src/core/format.ts';

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

/** Builds a payload with mentions switched off and embeds clamped to Discord's limits. */
export function makeReply(p: Omit<ReplyPayload, 'allowed_mentions' | 'flags'> & { ephemeral?: boolean }): ReplyPayload {
  const { ephemeral, ...rest } = p;
  const out: ReplyPayload = { ...rest, allowed_mentions: NO_MENTIONS };
  if (out.embeds) out.embeds = clampEmbeds(out.embeds);
  if (out.content !== undefined) out.content = truncate(out.content, DISCORD_LIMITS.content);
  if (ephemeral) out.flags = EPHEMERAL;
  return out;
}

/** A plain-language answer only the asker sees (errors, "did you mean"). */
export function ephemeralText(content: string): ReplyPayload {
  return makeReply({ content, ephemeral: true });
}

/** Characters Discord counts towards the 6000 limit for one embed. */
export function embedLength(e: APIEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/**
 * Keeps every embed inside Discord's limits: clips each part, drops fields past 25, and drops whole
 * embeds past 10 or past 6000 characters in all (builders keep pages small so this rarely bites).
 */
export function clampEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const L = DISCORD_LIMITS;
  const out: APIEmbed[] = [];
  let total = 0;
  for (const e0 of embeds.slice(0, L.embedsPerMessage)) {
    const e: APIEmbed = { ...e0 };
    if (e.title) e.title = truncate(e.title, L.embedTitle);
    if (e.description) e.description = truncate(e.description, L.embedDescription);
    if (e.footer) e.footer = { ...e.footer, text: truncate(e.footer.text, L.embedFooterText) };
    if (e.author) e.author = { ...e.author, name: truncate(e.author.name, L.embedAuthorName) };
    if (e.fields)
      e.fields = e.fields
        .slice(0, L.embedFields)
        .map((f) => ({ ...f, name: truncate(f.name, L.embedFieldName), value: truncate(f.value || '—', L.embedFieldValue) }));
    const len = embedLength(e);
    if (total + len > L.embedTotal) {
      // Trim this embed's description to what is left rather than lose it entirely.
      const room = L.embedTotal - total - (len - (e.description?.length ?? 0));
      if (room < 200 || !e.description) break;
      e.description = truncate(e.description, room);
    }
    total += embedLength(e);
    out.push(e);
  }
  return out;
}

/** Every way a payload breaks Discord's limits (empty when it is fine); used by tests on every handler. */
export function limitViolations(p: ReplyPayload): string[] {
  const L = DISCORD_LIMITS;
  const v: string[] = [];
  if ((p.content?.length ?? 0) > L.content) v.push(`content ${p.content!.length} > ${L.content}`);
  const embeds = p.embeds ?? [];
  if (embeds.length > L.embedsPerMessage) v.push(`${embeds.length} embeds > ${L.embedsPerMessage}`);
  let total = 0;
  embeds.forEach((e, i) => {
    if ((e.title?.length ?? 0) > L.embedTitle) v.push(`embed ${i} title > ${L.embedTitle}`);
    if ((e.description?.length ?? 0) > L.embedDescription) v.push(`embed ${i} description > ${L.embedDescription}`);
    if ((e.fields?.length ?? 0) > L.embedFields) v.push(`embed ${i} has > ${L.embedFields} fields`);
    for (const f of e.fields ?? []) {
      if (f.name.length > L.embedFieldName) v.push(`embed ${i} field name > ${L.embedFieldName}`);
      if (f.value.length > L.embedFieldValue) v.push(`embed ${i} field "${f.name}" value > ${L.embedFieldValue}`);
      if (!f.value.length || !f.name.length) v.push(`embed ${i} has an empty field`);
    }
    total += embedLength(e);
  });
  if (total > L.embedTotal) v.push(`embeds total ${total} > ${L.embedTotal}`);
  for (const row of p.components ?? []) {
    for (const c of row.components) {
      if ('custom_id' in c && c.custom_id && c.custom_id.length > L.customId) v.push(`custom_id longer than ${L.customId}`);
    }
  }
  if (p.allowed_mentions?.parse.length !== 0) v.push('allowed_mentions must be { parse: [] }');
  return v;
}
