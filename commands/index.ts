import type { CommandModule } from './kit/command.ts';
import { alerts } from './alerts/index.ts';
import { sayingHowPlaceWasRead } from './kit/place-reading.ts';
import { attacks } from './attacks.ts';
import { chart } from './chart.ts';
import { digest } from './digest/index.ts';
import { helpCommand } from './help.ts';
import { incident } from './incident.ts';
import { map } from './map.ts';
import { quote } from './quote.ts';
import { sources } from './sources.ts';
import { stats } from './stats.ts';

/** Every slash command, in the order /help lists them. Each file holds one command's definition and handler. */
export const commands: CommandModule[] = [
  sayingHowPlaceWasRead(attacks),
  incident,
  quote,
  sayingHowPlaceWasRead(stats),
  sources,
  sayingHowPlaceWasRead(map),
  sayingHowPlaceWasRead(chart),
  digest,
  alerts,
  helpCommand(() => commands),
];

export const commandByName = new Map(commands.map((c) => [c.definition.name, c]));
