import { PermissionFlagsBits } from 'discord-api-types/v10';
import { UserError } from '../../src/core/user-error.ts';
import type { CommandContext } from './context.ts';

/**
 * Refuses an action that changes server state unless the member who asked holds Manage Server, read from
 * the interaction itself on every run. The command's default permission is not enough: an admin may
 * grant a whole command (/digest) to a role that should only read its status.
 */
export function requireManageServer(ctx: CommandContext, action: string): void {
  const bits = ctx.invocation?.memberPermissions;
  let allowed = false;
  try {
    if (bits) {
      const p = BigInt(bits);
      allowed = (p & PermissionFlagsBits.ManageGuild) !== 0n || (p & PermissionFlagsBits.Administrator) !== 0n;
    }
  } catch {
    allowed = false; // not a bitfield: refuse
  }
  if (!allowed) throw new UserError(`${action} changes this server's settings: it needs the Manage Server permission.`);
}
