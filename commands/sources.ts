import type { APIEmbed } from 'discord-api-types/v10';
import type { CommandModule } from '../src/command/command-module.ts';
import type { Dataset } from '../src/core/dataset.ts';
import { sourceCoverage } from '../src/core/source-coverage.ts';
import { formatDateSpec, plural, truncate } from '../src/replies/format.ts';
import { makeReply, type ReplyPayload } from '../src/replies/payload.ts';
import { DISCORD_LIMITS } from '../src/replies/discord-limits.ts';
import { perDataset } from '../src/core/per-dataset.ts';

interface Coverage {
  incidents: number;
  statistics: number;
  quotes: number;
  first: string | null;
  last: string | null;
  countries: Set<string>;
}

/**
 * Per source: how many records it backs and the span of dates and countries they cover (computed once
 * per dataset). The incidents' part comes from the index (sourceCoverage), not from the records, which
 * a large dataset keeps on disk.
 */
const coverage = perDataset(function coverage(ds: Dataset): Map<string, Coverage> {
  const m = new Map<string, Coverage>();
  const get = (id: string) => {
    let c = m!.get(id);
    if (!c) m!.set(id, (c = { incidents: 0, statistics: 0, quotes: 0, first: null, last: null, countries: new Set() }));
    return c;
  };
  for (const [id, s] of sourceCoverage(ds)) {
    const c = get(id);
    c.incidents = s.incidents;
    c.first = s.first;
    c.last = s.last;
    for (const country of s.countries) c.countries.add(ds.gazetteer.get(country)?.name ?? country);
  }
  for (const s of ds.raw.statistics) get(s.sourceId).statistics++;
  for (const q of ds.raw.quotes) get(q.sourceId).quotes++;
  return m;
});

export const sources: CommandModule = {
  examples: ['/sources'],
  definition: { name: 'sources', description: 'What the dataset is built from, its coverage and attribution' },
  handle(_raw, ctx): ReplyPayload {
    const ds = ctx.dataset();
    const cov = coverage(ds);
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
  },
};
