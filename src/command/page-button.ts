import type { APIActionRowComponent, APIButtonComponent } from 'discord-api-types/v10';
import { DISCORD_LIMITS } from '../replies/discord-limits.ts';
import type { RawOptions } from './command-module.ts';

/**
 * Page buttons carry the whole query in their custom id ("pg:attacks?place=syria&from=2019-07-01&page=2"),
 * so a page still works after a restart or on another shard: no server-side session to lose.
 */
const PREFIX = 'pg:';

export function pageButtonId(command: string, options: RawOptions, page: number): string | null {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(options)) if (v !== undefined && v !== '' && k !== 'page') params.set(k, String(v));
  params.set('page', String(page));
  const id = `${PREFIX}${command}?${params.toString()}`;
  return id.length <= DISCORD_LIMITS.customId ? id : null;
}

export function isPageButtonId(customId: string): boolean {
  return customId.startsWith(PREFIX);
}

/** The command and options a page button stands for; numbers come back as numbers. */
export function parsePageButtonId(customId: string): { command: string; options: RawOptions } | null {
  if (!isPageButtonId(customId)) return null;
  const q = customId.indexOf('?');
  if (q < 0) return null;
  const command = customId.slice(PREFIX.length, q);
  const options: RawOptions = {};
  for (const [k, v] of new URLSearchParams(customId.slice(q + 1))) options[k] = /^\d+$/.test(v) && (k === 'page' || k === 'limit' || k === 'min_casualties') ? Number(v) : v;
  return { command, options };
}

/** Previous/next buttons for page `page` of `pages`; null when everything fits on one page. */
export function pageButtons(command: string, options: RawOptions, page: number, pages: number): APIActionRowComponent<APIButtonComponent> | null {
  if (pages <= 1) return null;
  const prev = pageButtonId(command, options, page - 1);
  const next = pageButtonId(command, options, page + 1);
  if (!prev || !next) return null;
  return {
    type: 1,
    components: [
      { type: 2, style: 2, custom_id: prev, label: '◀ Previous', disabled: page <= 1 },
      // The label is not clickable information, so it gets an id that cannot collide with a real page.
      { type: 2, style: 2, custom_id: `noop:${command}:${page}`, label: `Page ${page} of ${pages}`, disabled: true },
      { type: 2, style: 2, custom_id: next, label: 'Next ▶', disabled: page >= pages },
    ],
  };
}
