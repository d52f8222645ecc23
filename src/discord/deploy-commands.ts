/**
 * `npm run deploy-commands`: registers the slash command definitions with Discord, to one server when
 * DISCORD_GUILD_ID is set (instant, for development) or globally (every server, may take a while to show).
 * A PUT replaces the whole set, so commands removed from the code disappear from Discord too.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { REST, Routes } from 'discord.js';
import type { RESTPutAPIApplicationCommandsResult } from 'discord-api-types/v10';
import type { CommandModule } from '../../commands/kit/command.ts';
import { loadConfigOrExit, type BotConfig } from './config.ts';

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

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfigOrExit();
  const { commands } = await import('../../commands/index.ts');
  try {
    console.log(describeDeploy(await deployCommands(config, commands)));
  } catch (e) {
    const err = e as { status?: number; code?: number; message?: string };
    console.error(`Could not register the commands: ${err.message ?? String(e)}${err.status ? ` (HTTP ${err.status}${err.code ? `, Discord code ${err.code}` : ''})` : ''}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
