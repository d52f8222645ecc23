import { ChannelType, PermissionFlagsBits, type Client, type GuildBasedChannel } from 'discord.js';

/**
 * Whether the bot may post in a channel outside an interaction (the daily digest): the one check,
 * used by /digest set (src/digest/discord-plugin.ts). Each caller passes the permissions its messages
 * need: the digest posts embeds without files, so View Channel, Send Messages and Embed Links.
 */

export type ChannelCheck =
  | { ok: true; channel: GuildBasedChannel }
  | {
      ok: false;
      reason: 'unknown-channel' | 'other-guild' | 'not-text' | 'missing-permissions';
      /** Plain words for the user ("the bot lacks Embed Links there"). */
      detail: string;
      /** With missing-permissions: the permissions lacking, as Discord's client names them ("Embed Links"). */
      missing?: string[];
    };

export interface ChannelNeeds {
  /** What the bot must be allowed there (PermissionFlagsBits values). */
  permissions: readonly bigint[];
  /** The channel must belong to this server (a /digest set in one server cannot name another's channel). */
  guildId?: string;
}

/** "EmbedLinks" -> "Embed Links", the name Discord shows in its permission settings. */
function permissionName(bit: bigint): string {
  const key = Object.entries(PermissionFlagsBits).find(([, v]) => v === bit)?.[0] ?? String(bit);
  return key.replace(/([a-z])([A-Z])/g, '$1 $2');
}

/** Channels a digest or an alert may go to: text and announcement channels, threads, and forums (a new post each time). */
const POSTABLE = new Set<ChannelType>([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.GuildForum,
]);

const isThread = (t: ChannelType) => t === ChannelType.AnnouncementThread || t === ChannelType.PublicThread || t === ChannelType.PrivateThread;

/**
 * Whether the bot can post in a channel: it exists, is a postable channel (of the server, if given), and
 * the bot has the permissions. In a thread, Send Messages in Threads stands for Send Messages (Discord
 * checks that one there); in a forum, Send Messages is what creates posts.
 */
export async function checkChannel(client: Client, channelId: string, needs: ChannelNeeds): Promise<ChannelCheck> {
  const channel = await client.channels.fetch(channelId).catch(() => null);
  if (!channel) return { ok: false, reason: 'unknown-channel', detail: 'the channel does not exist or the bot cannot see it (it needs View Channel)' };
  if (channel.isDMBased() || !('guild' in channel) || (needs.guildId !== undefined && channel.guild.id !== needs.guildId)) {
    return { ok: false, reason: 'other-guild', detail: 'that channel is not in this server' };
  }
  if (!POSTABLE.has(channel.type)) {
    return { ok: false, reason: 'not-text', detail: 'it is not a text, announcement, thread or forum channel' };
  }
  const me = channel.guild.members.me ?? (await channel.guild.members.fetchMe().catch(() => null));
  const perms = me ? channel.permissionsFor(me) : null;
  const needed = isThread(channel.type)
    ? needs.permissions.map((bit) => (bit === PermissionFlagsBits.SendMessages ? PermissionFlagsBits.SendMessagesInThreads : bit))
    : needs.permissions;
  const missing = needed.filter((bit) => !perms?.has(bit)).map(permissionName);
  if (missing.length) return { ok: false, reason: 'missing-permissions', detail: `the bot lacks ${missing.join(', ')} there`, missing };
  return { ok: true, channel };
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

/** Whether the channel is a forum, where each digest or alert becomes a post of its own (from the cache the Guilds intent fills). */
export async function isForumChannel(client: Client, channelId: string): Promise<boolean> {
  const channel = await client.channels.fetch(channelId).catch(() => null);
  return channel?.type === ChannelType.GuildForum;
}

/** The server a channel belongs to (null for a DM or an unknown channel): a forum's posts are listed per server. */
export async function guildOfChannel(client: Client, channelId: string): Promise<string | null> {
  const channel = await client.channels.fetch(channelId).catch(() => null);
  return channel && 'guildId' in channel ? channel.guildId : null;
}
