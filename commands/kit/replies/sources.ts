import type { APIEmbed } from 'discord-api-types/v10';
import type { Dataset } from '../../../src/core/dataset.ts';
import { day, formatDateSpec, plural, truncate } from '../../../src/core/format.ts';
import { coverageSpans } from '../../../src/core/coverage.ts';
import { DISCORD_LIMITS } from '../discord-limits.ts';
import { makeReply, type ReplyPayload } from '../payload.ts';

/** How much of the dataset one source backs, and the span of dates and countries it covers. */
export interface SourceCoverage {
  incidents: number;
  statistics: number;
  quotes: number;
  first: string | null;
  last: string | null;
  countries: Set<string>;
}

/** /sources: a header with the dataset's counts, then one embed per source with its coverage and attribution. */
export function sourcesReply(ds: Dataset, cov: ReadonlyMap<string, SourceCoverage>): ReplyPayload {
  const counts = ds.counts();
  const embeds: APIEmbed[] = [...ds.sources.values()].slice(0, DISCORD_LIMITS.embedsPerMessage - 1).map((s) => {
    const c = cov.get(s.id);
    const lines = [
      `**Kind:** ${s.kind}${s.publisher ? ` · **Publisher:** ${s.publisher}` : ''}${s.dateline ? ` · **Dateline:** ${s.dateline}` : ''}`,
      `**Published:** ${s.published ? formatDateSpec(s.published) : 'not known'}`,
      c
        ? `**Backs:** ${plural(c.incidents, 'incident')}, ${plural(c.statistics, 'statistic')}, ${plural(c.quotes, 'statement')}` +
          (c.first ? `\n${coverageLine(ds, s.id)}` : '')
        : '**Backs:** no records yet',
      `**Licence:** ${s.licence ?? 'not stated (quoted for reference)'}`,
      `**Cite as:** ${s.attribution}`,
      ...s.notes.map((n) => `• ${n}`),
    ];
    return { title: truncate(s.title, DISCORD_LIMITS.embedTitle), url: s.url ?? undefined, description: truncate(lines.join('\n'), 1500) };
  });
  const header: APIEmbed = {
    title: 'Where the answers come from',
    description:
      `The dataset holds ${plural(counts.incidents, 'incident')}, ${plural(counts.statistics, 'statistic')}, ${plural(counts.quotes, 'statement')} ` +
      `(direct quotations kept word for word, paraphrases marked as such), ${plural(counts.places, 'place')} and ${plural(counts.actors, 'actor')}, ` +
      `from ${plural(counts.sources, 'source')}. Every record cites its source and the sentence that supports it: use /incident to see them.` +
      (ds.focus
        ? `\nIt is about ${ds.focus.name}: /attacks, /stats, /map, /chart and the digest count incidents involving it unless asked \`actor:any\` (all recorded violence) or another actor.`
        : ''),
  };
  return makeReply({ embeds: [header, ...embeds] });
}

/**
 * "**Covers** Iraq 1 Jan 1989 – 25 Dec 2018; Syria 1 Jan 2016 – 30 Nov 2019 (systematic: …)" for a
 * dataset; "**Reports incidents in** …" for an article, which covers no period.
 */
function coverageLine(ds: Dataset, sourceId: string): string {
  const spans = coverageSpans(ds).filter((sp) => sp.sourceId === sourceId);
  const list = spans.map((sp) => `${ds.gazetteer.get(sp.countryId)?.name ?? sp.countryId} ${day(sp.from)} – ${day(sp.to)}`).join('; ');
  return spans.some((sp) => sp.systematic)
    ? `**Covers** ${list} (systematic: inside these periods a day without incidents is a true zero; outside them there is no data)`
    : `**Reports incidents in** ${list} (a few incidents, not a count: it covers no period)`;
}
