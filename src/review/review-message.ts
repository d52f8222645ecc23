/**
 * What the review channel shows: a draft as a Discord message (an embed within Discord's limits and the
 * Approve / Edit / Reject buttons), and the same message once decided (who, when, no buttons). Plain API
 * JSON, no discord.js: the plugin sends it, tests read it.
 */
import { DISCORD_LIMITS } from '../../commands/kit/discord-limits.ts';
import type { Dataset } from '../core/dataset.ts';
import type { DateSpec, Incident, Quote, Statistic } from '../schema/index.ts';
import type { Draft } from './review-store.ts';

/** Custom ids: `rv:<action>:<draft id>:<tag>`; the tag (the draft's creation time) ties a button to this queue's draft, not a reused number. */
export const REVIEW_PREFIX = 'rv:';
export type ReviewAction = 'approve' | 'edit' | 'reject' | 'modal';
const ACTION_CODES: Record<ReviewAction, string> = { approve: 'a', edit: 'e', reject: 'r', modal: 'm' };
const CODE_ACTIONS = Object.fromEntries(Object.entries(ACTION_CODES).map(([a, c]) => [c, a])) as Record<string, ReviewAction>;

export const draftTag = (d: Pick<Draft, 'createdAt'>): string => Math.max(0, Math.floor(d.createdAt)).toString(36);

export function reviewCustomId(action: ReviewAction, d: Pick<Draft, 'id' | 'createdAt'>): string {
  return `${REVIEW_PREFIX}${ACTION_CODES[action]}:${d.id}:${draftTag(d)}`;
}

export function parseReviewCustomId(customId: string): { action: ReviewAction; draftId: number; tag: string } | null {
  const m = /^rv:([aerm]):(\d{1,12}):([0-9a-z]{1,12})$/.exec(customId);
  if (!m) return null;
  return { action: CODE_ACTIONS[m[1]!]!, draftId: Number(m[2]), tag: m[3]! };
}

/** Discord's nonce is at most 25 characters; the same for every attempt to post one draft, so Discord posts it once. */
export const reviewNonce = (d: Pick<Draft, 'id' | 'createdAt'>): string => `rv${d.id}-${draftTag(d)}`.slice(0, 25);

export interface ReviewEmbed {
  title: string;
  url?: string;
  description: string;
  color: number;
  fields: { name: string; value: string; inline?: boolean }[];
  footer: { text: string };
}

export interface ReviewMessageBody {
  embeds: ReviewEmbed[];
  components: { type: 1; components: { type: 2; style: number; label: string; custom_id: string }[] }[];
  allowed_mentions: { parse: [] };
}

const COLOR = { pending: 0xf1c40f, approved: 0x2ecc71, rejected: 0x95a5a6 } as const;
const NOT_STATED = 'not stated';

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

const field = (name: string, value: string | null | undefined, inline = false) => ({
  name: clip(name, DISCORD_LIMITS.embedFieldName),
  value: clip(value?.trim() ? value : NOT_STATED, DISCORD_LIMITS.embedFieldValue),
  inline,
});

/** "2026-12-03 09:00 UTC": the same for every reader, unlike a locale's format. */
export const utcMinute = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function day(d: DateSpec | null): string {
  if (!d) return NOT_STATED;
  if (d.precision === 'range') return `between ${d.date} and ${d.end}`;
  if (d.precision === 'derived') return `${d.date} (derived: “${d.derivedFrom?.phrase}”)`;
  if (d.precision === 'inferred') return `${d.date} (inferred: ${d.note})`;
  return d.date;
}

/** Names for ids: the dataset's, or the draft's new places and actors. */
function namer(draft: Draft, ds: Dataset | null) {
  const place = (id: string) => {
    const fresh = draft.bundle.places.find((p) => p.id === id);
    if (fresh) return `${fresh.name} (new place)`;
    return ds?.gazetteer.get(id) ? ds.gazetteer.label(id) : id;
  };
  const actor = (id: string | null) => {
    if (!id) return NOT_STATED;
    const fresh = draft.bundle.actors.find((a) => a.id === id);
    if (fresh) return `${fresh.name} (new actor)`;
    return ds?.actors.get(id)?.name ?? id;
  };
  return { place, actor };
}

function incidentFields(r: Incident, names: ReturnType<typeof namer>) {
  const casualties = r.casualties.length
    ? r.casualties
        .map((c) => `${c.label} [${c.group}]: killed ${c.killed ?? NOT_STATED}, injured ${c.injured ?? NOT_STATED}${c.note ? ` (${c.note})` : ''}`)
        .join('\n')
    : 'no figures stated';
  return [
    field('Day', day(r.date), true),
    field('Place', `${names.place(r.placeId)} [${r.location.precision}]${r.location.description ? ` — ${r.location.description}` : ''}`, true),
    field('Perpetrator', `${names.actor(r.perpetratorId)}${r.claimed ? ' (claimed)' : ''}`, true),
    field('Target', r.target, true),
    field('Weapons', r.weapons?.join(', '), true),
    field('Killed / injured per group', `${casualties}${r.casualtyNote ? `\n${r.casualtyNote}` : ''}`),
    field('Summary', r.summary),
  ];
}

function quoteFields(r: Quote, names: ReturnType<typeof namer>) {
  return [
    field('Speaker', `${names.actor(r.speakerId)}${r.viaId ? ` (via ${names.actor(r.viaId)})` : ''}`, true),
    field('Kind', r.kind === 'direct' ? 'direct quotation' : `paraphrase (${r.wording === 'verbatim' ? "the source's words" : 'our wording'})`, true),
    field('Day', day(r.date), true),
    field('Venue', r.venue, true),
    // Only a direct quotation is ever shown in quotation marks.
    field(r.kind === 'direct' ? 'Quotation' : 'What was said (paraphrase)', r.kind === 'direct' ? `“${r.text}”` : r.text),
    field('Context', r.context),
  ];
}

function statisticFields(r: Statistic, names: ReturnType<typeof namer>) {
  const qualifier = r.qualifier === 'exact' ? '' : `${r.qualifier.replace('-', ' ')} `;
  return [
    field('Figure', `${qualifier}${r.value} ${r.unit}`, true),
    field('Counts', r.description, true),
    field('Outcome / group', `${r.outcome ?? NOT_STATED} / ${r.group ?? NOT_STATED}`, true),
    field('Period', r.period ? `${day(r.period.from)} to ${day(r.period.to)}` : null, true),
    field('Places', r.placeIds.map(names.place).join(', '), true),
    field('Reported by', names.actor(r.reporterId), true),
  ];
}

function recordSummary(d: Draft): string {
  const r = d.record as { summary?: string; text?: string; description?: string };
  return r.summary ?? r.text ?? r.description ?? '';
}

/** The embed for a draft, pending or decided, within Discord's limits. */
export function reviewEmbed(draft: Draft, ds: Dataset | null): ReviewEmbed {
  const names = namer(draft, ds);
  const src = draft.bundle.source;
  const link = src.url && /^https?:\/\//.test(src.url) ? src.url : null;
  const article = `**Article:** ${link ? `[${src.title.replace(/[[\]]/g, '')}](${link})` : src.title}${src.publisher ? ` — ${src.publisher}` : ''}${src.published ? `, ${src.published.date}` : ''}`;
  const evidence = (draft.record as { evidence: string[] }).evidence;
  const fields =
    draft.kind === 'incident'
      ? incidentFields(draft.record as Incident, names)
      : draft.kind === 'quote'
        ? quoteFields(draft.record as Quote, names)
        : statisticFields(draft.record as Statistic, names);
  const duplicate = draft.duplicateOf
    ? `${draft.duplicateOf}${ds?.incidents.get(draft.duplicateOf) ? ` — ${ds.incidents.get(draft.duplicateOf)!.summary}` : ''}`
    : 'none found';
  fields.push(field('Possible duplicate', duplicate));
  const extra = [...draft.bundle.places.map((p) => `place ${p.name}`), ...draft.bundle.actors.map((a) => `actor ${a.name}`)];
  if (extra.length) fields.push(field('Published with it (new)', extra.join(', ')));
  fields.push(field('Record id', `\`${(draft.record as { id: string }).id}\``, true));
  if (draft.status !== 'pending') {
    const verb = draft.status === 'approved' ? `Approved${draft.edited ? ' (edited)' : ''}` : 'Rejected';
    fields.push(
      field('Decision', `${verb} by ${draft.decidedBy ?? 'someone'} on ${draft.decidedAt !== null ? utcMinute(draft.decidedAt) : 'an unknown date'}`),
    );
  }
  const fixedLength = (e: Omit<ReviewEmbed, 'description'>) =>
    e.title.length + e.footer.text.length + e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const embed: Omit<ReviewEmbed, 'description'> = {
    title: clip(`Draft #${draft.id} · ${draft.kind} · ${recordSummary(draft)}`, DISCORD_LIMITS.embedTitle),
    ...(link ? { url: link } : {}),
    color: COLOR[draft.status],
    fields,
    footer: {
      text:
        draft.status === 'pending'
          ? 'Approve publishes it at once. Edit: day, place, killed, injured, summary (incidents). Reject publishes nothing.'
          : `Decided. \`npm run review -- show ${draft.id}\` prints the whole record.`,
    },
  };
  // The evidence takes what room is left: each sentence whole while it fits, then a count of the rest.
  const room = Math.min(DISCORD_LIMITS.embedDescription, DISCORD_LIMITS.embedTotal - fixedLength(embed)) - 80;
  let description = `${article}\n**Evidence**`;
  let shown = 0;
  for (const sentence of evidence) {
    // A first sentence longer than the room is shown cut rather than not at all.
    const line = shown === 0 ? clip(`\n> ${sentence}`, Math.max(0, room - description.length)) : `\n> ${sentence}`;
    if (description.length + line.length > room || line.length < 4) break;
    description += line;
    shown++;
  }
  if (shown < evidence.length) description += `\n…and ${evidence.length - shown} more (\`npm run review -- show ${draft.id}\`)`;
  return { ...embed, description: clip(description, Math.max(1, room + 80)) };
}

/** The message posted for a pending draft: its embed and the three buttons. */
export function reviewMessage(draft: Draft, ds: Dataset | null): ReviewMessageBody {
  return {
    embeds: [reviewEmbed(draft, ds)],
    components: [
      {
        type: 1,
        components: [
          { type: 2, style: 3, label: 'Approve', custom_id: reviewCustomId('approve', draft) },
          { type: 2, style: 2, label: 'Edit', custom_id: reviewCustomId('edit', draft) },
          { type: 2, style: 4, label: 'Reject', custom_id: reviewCustomId('reject', draft) },
        ],
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

/** The message once decided: who and when, the record as decided, and no buttons. */
export function decidedMessage(draft: Draft, ds: Dataset | null): ReviewMessageBody {
  return { embeds: [reviewEmbed(draft, ds)], components: [], allowed_mentions: { parse: [] } };
}
