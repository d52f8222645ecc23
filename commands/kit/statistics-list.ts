import type { Dataset } from '../../src/core/dataset.ts';
import type { PlacedStatistic } from '../../src/core/query-statistics.ts';
import { DISCORD_LIMITS } from './discord-limits.ts';
import { formatStatistic, truncate } from '../../src/core/format.ts';

/** Reported figures as a list, each sub-count ("including two Russian soldiers") under its total. */
export function statisticsList(ds: Dataset, stats: PlacedStatistic[]): string {
  const ids = new Set(stats.map((s) => s.statistic.id));
  const lines: string[] = [];
  for (const s of stats) {
    if (s.statistic.parentId && ids.has(s.statistic.parentId)) continue;
    lines.push(`• ${formatStatistic(s.statistic, ds)}${s.relation === 'wider' ? ' — covers a wider area' : ''}`);
    for (const child of stats) if (child.statistic.parentId === s.statistic.id) lines.push(`   – including ${formatStatistic(child.statistic, ds)}`);
  }
  return truncate(lines.join('\n'), DISCORD_LIMITS.embedFieldValue);
}
