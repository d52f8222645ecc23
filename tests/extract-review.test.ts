/** The terminal layout a reviewer reads (`npm run extract` without --json): each draft with the sentences behind it. */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReview } from '../src/cli/extract-review.ts';
import type { Dataset } from '../src/core/dataset.ts';
import { extractArticle } from '../src/extract/extract-article.ts';
import { extractionData } from '../src/extract/link.ts';
import { shippedDataset } from '../testkit/shipped-dataset.ts';

let ds: Dataset;
beforeAll(() => {
  ds = shippedDataset();
});

const ARTICLE = [
  'Mortar fire wounds villagers in Nineveh',
  '',
  'MOSUL, Iraq – Islamic State militants fired mortar rounds at the village of Tal Rumman in Nineveh province on Friday night, wounding six villagers, a local official said.',
  '',
  '“The shells fell on houses while families were asleep,” said Khalid Hamad, a farmer in the village.',
  '',
  'A United Nations report published in September estimated that the group still had about 2,500 fighters in Syria and Iraq.',
].join('\n');

describe('the review layout', () => {
  it('shows every draft with its fields and its evidence sentences, new places without coordinates, and unstated figures as "not stated"', () => {
    const x = extractArticle({ text: ARTICLE, published: '2025-09-17' }, extractionData(ds));
    const out = renderReview(x, { place: (id) => ds.gazetteer.get(id)?.name ?? id, actor: (id) => ds.actorName(id) });
    const lines = out.split('\n');
    expect(lines[0]).toBe('Source: Mortar fire wounds villagers in Nineveh (2025-09-17), dateline Mosul');

    const inc = x.incidents[0]!;
    expect(out).toContain(`INCIDENT ${inc.id}  confidence 1`);
    expect(out).toContain('  day:         2025-09-12');
    expect(out).toContain('  place:       Tal Rumman [near]  NEW PLACE, no coordinates');
    expect(out).toContain('  perpetrator: Islamic State');
    expect(out).toContain('killed not stated, injured 6');
    expect(out).toContain('NEW PLACE Tal Rumman (city) in Nineveh: no coordinates yet');
    expect(out).toMatch(/QUOTE Khalid Hamad\n {2}“The shells fell on houses while families were asleep”\n {2}evidence:\n {4}> “The shells fell/);
    expect(out).toMatch(/PARAPHRASE Local official\n/);
    expect(out).toMatch(/STATISTIC approximately 2500 fighters 2025-09-01 to 2025-09-17, reported by United Nations/);

    // Every record's evidence sentences are printed under it, word for word.
    for (const r of [...x.incidents, ...x.quotes, ...x.statistics]) {
      expect(r.evidence.length).toBeGreaterThan(0);
      for (const e of r.evidence) expect(lines).toContain(`    > ${e}`);
    }
  });

  it('says "No incidents found." when there are none', () => {
    const x = extractArticle({ text: 'Analysts say the group is weaker than it was.', published: '2025-09-17' }, extractionData(ds));
    expect(renderReview(x, { place: (id) => id, actor: (id) => id })).toContain('No incidents found.');
  });
});
