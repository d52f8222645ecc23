import { PermissionsBitField, type PermissionResolvable } from 'discord.js';

/** What the bot asks for when it is added to a server: a bot user, and its slash commands. */
export const INVITE_SCOPES = ['bot', 'applications.commands'] as const;

/** The permissions integer Discord's invite link carries, for exactly the permissions given. */
export function permissionsInteger(permissions: PermissionResolvable): string {
  return new PermissionsBitField(permissions).bitfield.toString();
}

/**
 * The link a server admin opens to add the bot: the application id, both scopes, and the permissions the
 * bot's features need (no more: a bot asking for Administrator is a bot nobody should add).
 */
export function inviteUrl(applicationId: string, permissions: PermissionResolvable): string {
  const q = new URLSearchParams({ client_id: applicationId, scope: INVITE_SCOPES.join(' '), permissions: permissionsInteger(permissions) });
  return `https://discord.com/oauth2/authorize?${q.toString()}`;
}
