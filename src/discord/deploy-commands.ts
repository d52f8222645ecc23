/**
 * What `npm run deploy-commands` does (src/app.ts passes the command list): registers the slash command
 * definitions with Discord, to one server when DISCORD_GUILD_ID is set (instant, for development) or
 * globally (every server, may take a while to show). A PUT replaces the whole set, so commands removed
 * from the code disappear from Discord too.
 */
import { REST, Routes } from 'discord.js';
import type { RESTPutAPIApplicationCommandsResult } from 'discord-api-types/v10';
import type { CommandModule } from '../../commands/kit/command.ts';
import type { BotConfig } from '../config.ts';

export interface DeployResult {
  scope: 'guild' | 'global';
  guildId?: string;
  registered: RESTPutAPIApplicationCommandsResult;
}

export async function deployCommands(config: BotConfig, commands: readonly CommandModule[], rest?: REST): Promise<DeployResult> {
  const client = rest ?? new REST(config.apiUrl ? { api: config.apiUrl } : {}).setToken(config.token);
  const body = commands.map((c) => c.definition);
  const route = config.guildId ? Routes.applicationGuildCommands(config.applicationId, config.guildId) : Routes.applicationCommands(config.applicationId);
  const registered = (await client.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
  return { scope: config.guildId ? 'guild' : 'global', ...(config.guildId ? { guildId: config.guildId } : {}), registered };
}

export function describeDeploy(r: DeployResult): string {
  const where = r.scope === 'guild' ? `to server ${r.guildId} (available now)` : 'globally (Discord may take up to an hour to show changes everywhere)';
  const lines = r.registered.map((c) => `  /${c.name}  id ${c.id}  — ${c.description}`);
  return `Registered ${r.registered.length} command${r.registered.length === 1 ? '' : 's'} ${where}:\n${lines.join('\n')}`;
}
