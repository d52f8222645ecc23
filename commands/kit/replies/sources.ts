import type { APIEmbed } from 'discord-api-types/v10';
import type { Dataset } from '../../../src/core/dataset.ts';
import { formatDateSpec, plural, truncate } from '../../../src/core/format.ts';
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
          (c.first ? `\n**Incidents from** ${c.first} **to** ${c.last}${c.countries.size ? ` in ${[...c.countries].sort().join(', ')}` : ''}` : '')
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
      `from ${plural(counts.sources, 'source')}. Every record cites its source and the sentence that supports it: use /incident to see them.`,
  };
  return makeReply({ embeds: [header, ...embeds] });
}
