import { z } from 'zod';
import type { APIEmbedField } from 'discord-api-types/v10';
import type { CommandModule } from './kit/command.ts';
import { opt, parseOptions } from './kit/options.ts';
import { incidentChoices } from './kit/choices.ts';
import { findRelatedIncidents } from '../src/core/related-incidents.ts';
import { formatCasualty, formatDateSpec, shortDate, truncate } from '../src/core/format.ts';
import { sourceName } from './kit/source-line.ts';
import { ephemeralText, makeReply, type ReplyPayload } from './kit/payload.ts';
import { DISCORD_LIMITS } from './kit/discord-limits.ts';

const Options = z.object({ id: opt.text(64) });

const PRECISION_NOTE: Record<string, string> = {
  exact: 'an exact location',
  near: 'the named town or city (the exact spot is not given)',
  district: 'the district only',
  province: 'the province only (the source names no town)',
  country: 'the country only',
};

export const incident: CommandModule = {
  examples: ['/incident id:diyala-police-2019-08-22'],
  definition: {
    name: 'incident',
    description: 'One incident in full, with its source sentences',
    options: [{ type: 3, name: 'id', description: 'Incident id (start typing a date, place or word)', required: true, autocomplete: true }],
  },
  handle(raw, ctx): ReplyPayload {
    const o = parseOptions(Options, raw);
    const ds = ctx.dataset();
    const inc = ds.incident(o.id.trim().toLowerCase());
    if (!inc) {
      const close = incidentChoices(ds, o.id).slice(0, 5);
      return ephemeralText(
        `There is no incident "${o.id}".` + (close.length ? ` Close matches: ${close.map((c) => `\`${c.value}\``).join(', ')}.` : ' Use /attacks to find incident ids.'),
      );
    }
    const source = ds.sources.get(inc.sourceId);
    const place = ds.gazetteer.label(inc.placeId);
    const fields: APIEmbedField[] = [
      { name: 'Date', value: formatDateSpec(inc.date, ds) + (inc.date.note ? `\n${inc.date.note}` : ''), inline: true },
      { name: 'Place', value: `${place}\n${inc.location.description ?? ''}\nLocation known to: ${PRECISION_NOTE[inc.location.precision]}`.replace(/\n\n/, '\n'), inline: true },
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
    if (inc.fatalityEstimate) {
      const f = inc.fatalityEstimate;
      fields.push({ name: 'Fatality estimate', value: `best ${f.best} (low ${f.low}, high ${f.high})`, inline: true });
    }
    if (inc.context) fields.push({ name: 'Context', value: inc.context });
    fields.push({
      name: inc.evidence.length > 1 ? 'Source sentences' : 'Source sentence',
      value: truncate(inc.evidence.map((e) => `> ${e}`).join('\n'), DISCORD_LIMITS.embedFieldValue),
    });
    fields.push({ name: 'Source', value: source ? `${source.title}${source.publisher ? ` — ${source.publisher}` : ''}` : inc.sourceId });
    // Two sources can describe one event; both records are kept, each with its own source, and linked here.
    const related = findRelatedIncidents(ds, inc);
    if (related.length)
      fields.push({
        name: 'Possibly the same event, in another source',
        value: truncate(related.map((r) => `\`${r.id}\` · ${shortDate(r.date)} · ${ds.gazetteer.label(r.placeId)} · ${sourceName(ds, r.sourceId)}`).join('\n'), DISCORD_LIMITS.embedFieldValue),
      });
    return makeReply({
      embeds: [
        {
          title: truncate(inc.summary, DISCORD_LIMITS.embedTitle),
          description: `\`${inc.id}\``,
          fields,
          footer: { text: source?.attribution ?? inc.sourceId },
        },
      ],
    });
  },
  autocomplete(focused, _o, ctx) {
    return incidentChoices(ctx.dataset(), focused.value);
  },
};

