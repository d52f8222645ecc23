/**
 * The entry point of every npm script that runs the app (see package.json):
 *   npm start                 -> start(): the bot on Discord with DISCORD_TOKEN set, else the offline console
 *   npm run ask -- "/..."     -> ask(): one command, one answer
 *   npm run deploy-commands   -> deploy(): register the slash commands
 * The wiring itself is in app.ts.
 */
import './cli/exit-on-closed-pipe.ts';
import { ask, deploy, start } from './app.ts';

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'ask') await ask(rest);
else if (mode === 'deploy-commands') await deploy();
else if (mode === undefined) await start();
else {
  process.stderr.write(`unknown mode "${mode}": use no argument (start), ask or deploy-commands\n`);
  process.exit(2);
}
