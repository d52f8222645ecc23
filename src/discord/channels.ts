import { ChannelType, PermissionFlagsBits, type Client, type GuildTextBasedChannel } from 'discord.js';
import type { ReplyPayload } from '../replies/payload.ts';
import { toMessageOptions } from './reply-options.ts';

/**
 * Posting outside interactions (the daily digest): fetch the channel, check the bot may post there, send a
 * ReplyPayload (files as attachments, never any mentions).
 */

export type ChannelCheck =
  | { ok: true; channel: GuildTextBasedChannel }
  | { ok: false; reason: 'unknown-channel' | 'not-text' | 'missing-permissions'; detail: string };

const NEEDED = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks, PermissionFlagsBits.AttachFiles];

/** Whether the bot can post in the channel: it exists, is a text channel of a guild, and the bot has the permissions. */
export async function checkChannel(client: Client<true>, channelId: string): Promise<ChannelCheck> {
  const channel = await client.channels.fetch(channelId).catch(() => null);
  if (!channel) return { ok: false, reason: 'unknown-channel', detail: `channel ${channelId} does not exist or the bot cannot see it` };
  if (!channel.isTextBased() || channel.isDMBased() || channel.type === ChannelType.GuildVoice) {
    return { ok: false, reason: 'not-text', detail: `channel ${channelId} is not a server text channel` };
  }
  const me = channel.guild.members.me ?? (await channel.guild.members.fetchMe().catch(() => null));
  const perms = me ? channel.permissionsFor(me) : null;
  const missing = perms ? NEEDED.filter((p) => !perms.has(p)) : NEEDED;
  if (missing.length) {
    const names = Object.entries(PermissionFlagsBits).filter(([, v]) => missing.includes(v)).map(([k]) => k);
    return { ok: false, reason: 'missing-permissions', detail: `the bot lacks ${names.join(', ')} in channel ${channelId}` };
  }
  return { ok: true, channel };
}

/** Sends a payload to a channel; resolves with the message id. Errors (DiscordAPIError 50013, 10003...) propagate. */
export async function postToChannel(client: Client<true>, channelId: string, payload: ReplyPayload): Promise<{ messageId: string; channelId: string }> {
  const channel = await client.channels.fetch(channelId);
  if (!channel || !channel.isSendable()) throw new Error(`channel ${channelId} is not one the bot can send to`);
  const msg = await channel.send(toMessageOptions(payload));
  return { messageId: msg.id, channelId: msg.channelId };
}

/** The shard Discord routes a guild to. */
export function shardForGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/**
 * Whether this process's client runs the shard that owns the guild: with several shard processes, a
 * scheduler posts for a guild only from its own shard, so each digest goes out once.
 */
export function ownsGuild(client: Client, guildId: string): boolean {
  const shards = Array.isArray(client.options.shards) ? client.options.shards : [0];
  return shards.includes(shardForGuild(guildId, client.options.shardCount ?? 1));
}
