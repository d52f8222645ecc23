import type { APIEmbed } from 'discord-api-types/v10';
import type { CommandModule } from '../src/command/command-module.ts';
import type { Dataset } from '../src/core/dataset.ts';
import { sourceCoverage } from '../src/core/source-coverage.ts';
import { coverageSpans } from '../src/core/coverage.ts';
import { day } from '../src/replies/format.ts';
import { formatDateSpec, plural, truncate } from '../src/replies/format.ts';
import { makeReply, type ReplyPayload } from '../src/replies/payload.ts';
import { DISCORD_LIMITS } from '../src/replies/discord-limits.ts';

interface Coverage {
  incidents: number;
  statistics: number;
  quotes: number;
  first: string | null;
  last: string | null;
  countries: Set<string>;
}

const cache = new WeakMap<Dataset, Map<string, Coverage>>();

/**
 * Per source: how many records it backs and the span of dates and countries they cover (computed once
 * per dataset). The incidents' part comes from the index (sourceCoverage), not from the records, which
 * a large dataset keeps on disk.
 */
function coverage(ds: Dataset): Map<string, Coverage> {
  let m = cache.get(ds);
  if (m) return m;
  m = new Map();
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
  cache.set(ds, m);
  return m;
}

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
        (ds.focus ? `\nIt is about ${ds.focus.name}: /attacks, /stats, /map, /chart and the digest count incidents involving it unless asked \`actor:any\` (all recorded violence) or another actor.` : ''),
    };
    return makeReply({ embeds: [header, ...embeds] });
  },
};

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
