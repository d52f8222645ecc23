import type { APIEmbedField } from 'discord-api-types/v10';
import type { Dataset } from '../../../src/core/dataset.ts';
import { day, formatCasualty, formatDateSpec, shortDate, truncate } from '../../../src/core/format.ts';
import type { Incident, LocationPrecision } from '../../../src/schema/index.ts';
import { DISCORD_LIMITS } from '../discord-limits.ts';
import { makeReply, type ReplyPayload } from '../payload.ts';
import { attributionFor, sourceName } from '../source-line.ts';

const PRECISION_NOTE: Record<LocationPrecision, string> = {
  exact: 'an exact location',
  near: 'near the named place (within about 25 km; the exact spot is not given)',
  district: 'the district only',
  province: 'the province only (the source names no town)',
  feature: 'somewhere along or within the named road, river, border or area (no single spot)',
  country: 'the country only',
  water: 'on the named body of water or in the air (no single spot)',
};

/**
 * The records of one event (`sameEventAs`): the primary this record is counted under (when it is a
 * linked report), or the reports linked to this record (when it is the primary).
 */
export interface SameEvent {
  primary: Incident | null;
  also: readonly Incident[];
}

/**
 * /incident: one incident in full, its source sentences, the other records of the same event (linked,
 * counted once) and records of possibly the same event in other sources (not linked).
 */
export function incidentReply(ds: Dataset, inc: Incident, related: readonly Incident[], sameEvent: SameEvent = { primary: null, also: [] }): ReplyPayload {
  const place = ds.gazetteer.label(inc.placeId);
  const fields: APIEmbedField[] = [
    { name: 'Date', value: formatDateSpec(inc.date, ds) + (inc.date.note && inc.date.precision !== 'inferred' ? `\n${inc.date.note}` : ''), inline: true },
    {
      name: 'Place',
      value: `${place}\n${inc.location.description ?? ''}\nLocation known to: ${PRECISION_NOTE[inc.location.precision]}`.replace(/\n\n/, '\n'),
      inline: true,
    },
    { name: 'Perpetrator', value: inc.perpetratorId ? ds.actorName(inc.perpetratorId) : 'Not stated', inline: true },
    { name: 'Target', value: inc.target ?? 'Not stated', inline: true },
    { name: 'Weapons', value: inc.weapons?.join(', ') ?? 'Not stated', inline: true },
    { name: 'Claimed', value: inc.claimed === true ? 'Yes, the perpetrator claimed it' : inc.claimed === false ? 'No' : 'Not stated', inline: true },
    {
      name: 'Killed and injured',
      value:
        [inc.casualties.map((c) => `• ${formatCasualty(c)}${c.note ? ` — ${c.note}` : ''}`).join('\n'), inc.casualtyNote].filter(Boolean).join('\n') ||
        'The source gives no casualty figures.',
    },
  ];
  if (inc.severalEvents)
    fields.push({
      name: 'Several events',
      value: 'This record reports several events together (UCDP aggregates them here): its date span, place and figures cover all of them.',
    });
  if (inc.fatalityEstimate) {
    const f = inc.fatalityEstimate;
    fields.push({ name: 'Fatality estimate', value: `best ${f.best} (low ${f.low}, high ${f.high})`, inline: true });
  }
  if (inc.context) fields.push({ name: 'Context', value: inc.context });
  fields.push({
    name: inc.evidence.length > 1 ? 'Source sentences' : 'Source sentence',
    value: truncate(inc.evidence.map((e) => `> ${e}`).join('\n'), DISCORD_LIMITS.embedFieldValue),
  });
  fields.push({ name: 'Source', value: truncate(sourceText(ds, inc), DISCORD_LIMITS.embedFieldValue) });
  const line = (r: Incident) => `\`${r.id}\` · ${shortDate(r.date)} · ${ds.gazetteer.label(r.placeId)} · ${sourceName(ds, r.sourceId)}`;
  if (sameEvent.primary)
    fields.push({
      name: 'Same event as',
      value: truncate(
        `${line(sameEvent.primary)}\nOne event, counted once in every total, with that record's figures; this record's figures are not added.`,
        DISCORD_LIMITS.embedFieldValue,
      ),
    });
  if (sameEvent.also.length)
    fields.push({
      name: 'Also reported by',
      value: truncate(
        `${sameEvent.also.map(line).join('\n')}\nOne event, counted once in every total, with this record's figures.`,
        DISCORD_LIMITS.embedFieldValue,
      ),
    });
  // Two sources can describe one event; both records are kept, each with its own source, and linked here.
  if (related.length)
    fields.push({
      name: 'Possibly the same event, in another source',
      value: truncate(related.map(line).join('\n'), DISCORD_LIMITS.embedFieldValue),
    });
  return makeReply({
    embeds: [
      {
        title: truncate(inc.summary, DISCORD_LIMITS.embedTitle),
        description: `\`${inc.id}\``,
        fields,
        // Every source shown: this record's and those of the other records of the event.
        footer: {
          text: attributionFor(ds, [inc.sourceId, ...(sameEvent.primary ? [sameEvent.primary.sourceId] : []), ...sameEvent.also.map((r) => r.sourceId)]),
        },
      },
    ],
  });
}

/**
 * The source as a reader finds it: title (linked when it has an address), publisher, publication date;
 * for a record that came through the review queue, who approved it and when.
 */
function sourceText(ds: Dataset, inc: Incident): string {
  const source = ds.sources.get(inc.sourceId);
  if (!source) return inc.sourceId;
  const title = source.url ? `[${source.title.replace(/[[\]]/g, '')}](${source.url})` : source.title;
  const parts = [title, source.publisher ?? null, source.published ? formatDateSpec(source.published) : null].filter(Boolean);
  const review = ds.review('incident', inc.id);
  const reviewed = review ? `\nReviewed by ${review.reviewedBy} on ${day(review.reviewedAt.slice(0, 10))} (${review.reviewedAt.slice(11, 16)} UTC)` : '';
  return `${parts.join(' — ')}${reviewed}`;
}
