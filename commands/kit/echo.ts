import { escapeMarkdown } from '@discordjs/formatters';
import { truncate } from '../../src/core/format.ts';

/** The most of a user's text a reply repeats back. */
export const ECHO_MAX = 100;

/**
 * Text a user typed, as a reply may repeat it: cut to `max` characters and with Markdown escaped, so
 * "[Official notice](https://…)", "**…**" or "# …" show as typed instead of as a link, bold or a heading
 * under the bot's name.
 */
export function echo(typed: string, max = ECHO_MAX): string {
  return escapeMarkdown(truncate(typed, max), { heading: true, bulletedList: true, numberedList: true, maskedLink: true });
}
