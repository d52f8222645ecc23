import type { APIActionRowComponent, APIButtonComponent } from 'discord-api-types/v10';
import { DISCORD_LIMITS } from '../replies/discord-limits.ts';
import type { RawOptions } from './command-module.ts';

/**
 * Page buttons carry the whole query in their custom id ("pg:attacks?p=syria&f=20190701&n=2"),
 * so a page still works after a restart or on another shard: no server-side session to lose.
 */
const PREFIX = 'pg:';

/**
 * Discord allows 100 characters in a custom id and GED place ids run to 60, so option names travel as
 * one letter and days without dashes ("f=20170101"); anything else is kept as it is.
 */
const SHORT: Record<string, string> = { place: 'p', from: 'f', to: 't', actor: 'a', limit: 'l', min_casualties: 'm', person: 'w', topic: 'q', page: 'n', by: 'b' };
const LONG = Object.fromEntries(Object.entries(SHORT).map(([k, v]) => [v, k]));
const NUMERIC = new Set(['page', 'limit', 'min_casualties']);
const DATES = new Set(['from', 'to']);

export function pageButtonId(command: string, options: RawOptions, page: number): string | null {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || v === '' || k === 'page') continue;
    const value = DATES.has(k) && /^\d{4}-\d{2}-\d{2}$/.test(String(v)) ? String(v).replaceAll('-', '') : String(v);
    params.set(SHORT[k] ?? k, value);
  }
  params.set(SHORT.page!, String(page));
  const id = `${PREFIX}${command}?${params.toString()}`;
  return id.length <= DISCORD_LIMITS.customId ? id : null;
}

export function isPageButtonId(customId: string): boolean {
  return customId.startsWith(PREFIX);
}

/** The command and options a page button stands for; numbers come back as numbers, days as ISO days. */
export function parsePageButtonId(customId: string): { command: string; options: RawOptions } | null {
  if (!isPageButtonId(customId)) return null;
  const q = customId.indexOf('?');
  if (q < 0) return null;
  const command = customId.slice(PREFIX.length, q);
  const options: RawOptions = {};
  for (const [short, v] of new URLSearchParams(customId.slice(q + 1))) {
    const k = LONG[short] ?? short;
    if (NUMERIC.has(k) && /^\d+$/.test(v)) options[k] = Number(v);
    else if (DATES.has(k) && /^\d{8}$/.test(v)) options[k] = `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6)}`;
    else options[k] = v;
  }
  return { command, options };
}

/** Previous/next buttons for page `page` of `pages`; null when everything fits on one page. */
export function pageButtons(command: string, options: RawOptions, page: number, pages: number): APIActionRowComponent<APIButtonComponent> | null {
  if (pages <= 1) return null;
  // Past the last page (page:99 of 3), Previous goes to the last page, not to 98.
  const prev = pageButtonId(command, options, Math.min(page - 1, pages));
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
