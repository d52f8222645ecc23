import { UserError } from '../../src/core/user-error.ts';
import type { CommandContext } from './context.ts';

/** The server an /alerts subcommand acts on. */
export function alertGuildOf(ctx: CommandContext): string {
  const g = ctx.invocation?.guildId;
  if (!g) throw new UserError('Alerts belong to a server: run /alerts in a server channel.');
  return g;
}

/** A channel id as Discord sends it, or as typed in the console (`<#id>` or the bare id). */
export function channelIdOrThrow(value: string): string {
  const id = value.replace(/^<#(\d+)>$/, '$1');
  if (!/^\d{15,21}$/.test(id)) throw new UserError('Pick a channel of this server for `channel` (text, announcement, thread or forum).');
  return id;
}

/** A role id as Discord sends it, or typed as `<@&id>`. @everyone (whose id is the server's) is refused: alerts never ping everyone. */
export function roleIdOrThrow(value: string, guildId: string): string {
  const id = value.replace(/^<@&(\d+)>$/, '$1');
  if (!/^\d{15,21}$/.test(id)) throw new UserError('Pick a role of this server for `role`.');
  if (id === guildId) throw new UserError('Alerts never mention @everyone: pick a role whose members asked for them.');
  return id;
}
