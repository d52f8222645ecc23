import { createHash } from 'node:crypto';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord-api-types/v10';
import type { Dataset } from '../../src/core/dataset.ts';
import { UserError } from '../../src/core/user-error.ts';
import type { RawOptions } from './context.ts';
import { DISCORD_LIMITS } from './discord-limits.ts';
import type { OptionSpec, OptionSpecs } from './options.ts';
import { ANY_ACTOR } from '../../src/core/focus.ts';
import { perDataset } from '../../src/core/per-dataset.ts';

/**
 * Page buttons carry the whole query in their custom id ("pg:attacks?p=syria&f=20190701&n=2"),
 * so a page still works after a restart or on another shard: no server-side session to lose. Each
 * option travels under the short key its spec declares.
 *
 * A dataset id too long to fit (a few GED place ids run to 60 characters) travels as "*" and a hash of
 * it, which the dataset itself resolves back: still nothing stored, still valid after a restart.
 */
const PREFIX = 'pg:';
const HASHED = '*';

/** What page buttons need of a command (a CommandModule has it). */
export interface PagedCommand {
  definition: { name: string };
  options?: OptionSpecs;
  paginated?: boolean;
}

export const idHash = (id: string) => createHash('sha256').update(id).digest('base64url').slice(0, 10);

function encode(command: PagedCommand, options: RawOptions, page: number, hash: boolean): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || v === null || v === '' || k === 'page') continue;
    const spec = command.options?.[k];
    if (!spec?.page) throw new Error(`/${command.definition.name} has no page key for option "${k}"`);
    let value = String(v);
    if (spec.page.day && /^\d{4}-\d{2}-\d{2}$/.test(value)) value = value.replaceAll('-', '');
    else if (hash && spec.page.id) value = `${HASHED}${idHash(value)}`;
    params.set(spec.page.short, value);
  }
  params.set(command.options?.page?.page?.short ?? 'n', String(page));
  return `${PREFIX}${command.definition.name}?${params.toString()}`;
}

/** The custom id of a page of this query; null when it cannot fit in Discord's 100 characters. */
export function pageButtonId(command: PagedCommand, options: RawOptions, page: number): string | null {
  const id = encode(command, options, page, false);
  if (id.length <= DISCORD_LIMITS.customId) return id;
  const hashed = encode(command, options, page, true);
  return hashed.length <= DISCORD_LIMITS.customId ? hashed : null;
}

export function isPageButtonId(customId: string): boolean {
  return customId.startsWith(PREFIX);
}

/**
 * The command and options a page button stands for; numbers come back as numbers, days as ISO days.
 * Null (refused) unless the command paginates and every key is one of its own options, once.
 */
export function parsePageButtonId(customId: string, commands: ReadonlyMap<string, PagedCommand>): { command: string; options: RawOptions } | null {
  if (!isPageButtonId(customId)) return null;
  const q = customId.indexOf('?');
  if (q < 0) return null;
  const name = customId.slice(PREFIX.length, q);
  const command = commands.get(name);
  if (!command?.paginated) return null;
  const byShort = new Map<string, [string, OptionSpec]>();
  for (const [k, spec] of Object.entries(command.options ?? {})) if (spec.page) byShort.set(spec.page.short, [k, spec]);
  const options: RawOptions = {};
  for (const [short, v] of new URLSearchParams(customId.slice(q + 1))) {
    const entry = byShort.get(short);
    if (!entry || entry[0] in options) return null;
    const [k, spec] = entry;
    if (spec.integer && /^\d{1,15}$/.test(v)) options[k] = Number(v);
    else if (spec.page!.day && /^\d{8}$/.test(v)) options[k] = `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6)}`;
    else options[k] = v;
  }
  return { command: name, options };
}

const hashIndexes = perDataset(() => new Map<string, Map<string, string>>());

/** The ids of one kind in a dataset, by hash (built once per dataset and kind, on first use). */
function idsByHash(ds: Dataset, kind: 'place' | 'actor' | 'person'): Map<string, string> {
  const perKind = hashIndexes(ds);
  let m = perKind.get(kind);
  if (!m) {
    const ids =
      kind === 'place'
        ? [...ds.gazetteer.all()].map((p) => p.id)
        : kind === 'actor'
          ? [...ds.actors.keys(), ANY_ACTOR]
          : [...new Set(ds.quotes.map((x) => x.speakerId))];
    perKind.set(kind, (m = new Map(ids.map((id) => [idHash(id), id]))));
  }
  return m;
}

/** Options of a parsed button with hashed ids put back as the dataset's ids. */
export function resolveHashedIds(command: PagedCommand, options: RawOptions, ds: Dataset): RawOptions {
  const out: RawOptions = { ...options };
  for (const [k, v] of Object.entries(options)) {
    const kind = command.options?.[k]?.page?.id;
    if (!kind || typeof v !== 'string' || !v.startsWith(HASHED)) continue;
    const id = idsByHash(ds, kind).get(v.slice(HASHED.length));
    if (!id) throw new UserError(`This button's ${kind} is no longer in the dataset. Run /${command.definition.name} again.`);
    out[k] = id;
  }
  return out;
}

/** Previous/next buttons for page `page` of `pages`; null when everything fits on one page. */
export function pageButtons(command: PagedCommand, options: RawOptions, page: number, pages: number): APIActionRowComponent<APIButtonComponent> | null {
  if (pages <= 1) return null;
  // Past the last page (page:99 of 3), Previous goes to the last page, not to 98.
  const prev = pageButtonId(command, options, Math.min(page - 1, pages));
  const next = pageButtonId(command, options, page + 1);
  if (!prev || !next) return null;
  const name = command.definition.name;
  return {
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: prev, label: '◀ Previous', disabled: page <= 1 },
      // The label is not clickable information, so it gets an id that cannot collide with a real page.
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `noop:${name}:${page}`, label: `Page ${page} of ${pages}`, disabled: true },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: next, label: 'Next ▶', disabled: page >= pages },
    ],
  };
}
