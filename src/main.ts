/**
 * `npm start`: with DISCORD_TOKEN set (in the environment or .env), runs the bot on Discord;
 * without it, opens the offline console, which answers the same commands in the terminal.
 */
import './cli/exit-on-closed-pipe.ts';
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');

if (process.env.DISCORD_TOKEN) {
  const { runBot } = await import('./discord/run-bot.ts');
  await runBot();
} else {
  const { runConsole } = await import('./cli/console.ts');
  await runConsole();
}
