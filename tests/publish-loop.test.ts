/**
 * The publish loop's parts: an article's drafts as the review queue takes them, the merge of data/ with
 * published records (swapped in at each publication, the last good one kept when a merge is invalid),
 * and what /incident says about a published record.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { incidentReply } from '../commands/kit/replies/incident.ts';
import type { Dataset } from '../src/core/dataset.ts';
import { livingDataset, mergePublished, type PublishedRecordLike } from '../src/data/living-dataset.ts';
import { Incident, Source } from '../src/schema/index.ts';
import { ArticleDrafter } from '../src/review/article-drafter.ts';
import { SqliteReviewStore } from '../src/review/sqlite-review-store.ts';
import { openDatabase } from '../src/storage/db.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

const seed = seedDataset();
const text = readFileSync(new URL('./fixtures/articles/07-village-and-derived-day.txt', import.meta.url), 'utf8');
const article = (over: Partial<{ text: string; url: string; publishedAt: string | null; feedUrl: string | null }> = {}) => ({
  feedUrl: 'http://127.0.0.1:1/feed.rss',
  guid: 'g1',
  url: 'http://127.0.0.1:1/a.html',
  entryUrl: 'http://127.0.0.1:1/a.html',
  title: 'Massacre in a Saladin village',
  publishedAt: '2024-04-09T08:00:00.000Z',
  textHash: 'h',
  text,
  fetchedAt: 0,
  ...over,
});

function setup(dataset: () => Dataset = () => seed) {
  const db = openDatabase({ memory: true });
  const reviews = new SqliteReviewStore(db);
  const logs: { msg: string; obj: Record<string, unknown> }[] = [];
  const statuses = new Map<number, string>();
  const logger = {
    info: (obj: object, msg?: string) => void logs.push({ msg: msg ?? '', obj: obj as Record<string, unknown> }),
    warn: (obj: object, msg?: string) => void logs.push({ msg: msg ?? '', obj: obj as Record<string, unknown> }),
    error: (obj: object, msg?: string) => void logs.push({ msg: msg ?? '', obj: obj as Record<string, unknown> }),
  };
  const drafter = new ArticleDrafter({
    reviews,
    articles: { setArticleStatus: (id, s) => void statuses.set(id, s) },
    dataset,
    logger,
    now: () => Date.parse('2024-04-09T10:00:00Z'),
    publisherOf: () => 'Test Wire',
  });
  return { reviews, drafter, logs, statuses };
}

describe('an article into the review queue', () => {
  it('queues records valid under the dataset schemas, with the article as source; a town without coordinates stays in its province', async () => {
    const { reviews, drafter, statuses } = setup();
    const out = await drafter.draft(1, article());
    expect(out.reason).toBeNull();
    const drafts = await reviews.pending();
    expect(drafts.map((d) => d.kind).sort()).toEqual(['incident', 'incident', 'quote', 'quote']);
    for (const d of drafts) {
      expect(Source.parse(d.bundle.source)).toMatchObject({
        title: 'Massacre in a Saladin village',
        publisher: 'Test Wire',
        url: 'http://127.0.0.1:1/a.html',
        published: { date: '2024-04-09', precision: 'exact' },
      });
      expect(d.articleId).toBe(1);
    }
    const [village, tikrit] = drafts.filter((d) => d.kind === 'incident').map((d) => Incident.parse(d.record));
    expect(village).not.toHaveProperty('confidence');
    expect(village).not.toHaveProperty('matches');
    // Albu Hardan is not in the gazetteer: no invented coordinates, the province at province precision.
    expect(seed.gazetteer.get('albu-hardan')).toBeUndefined();
    expect(village).toMatchObject({ placeId: 'saladin-province', location: { precision: 'province', coordinates: null } });
    expect(village!.location.description).toMatch(/Albu Hardan/);
    expect(tikrit!.date).toMatchObject({ precision: 'derived', derivedFrom: { ref: village!.id, offsetDays: 2 } });
    expect(statuses.get(1)).toBe('drafted');
  });

  it('never gives a draft an id the dataset, a waiting draft or a published record holds', async () => {
    const { reviews, drafter } = setup();
    await drafter.draft(1, article());
    await drafter.draft(2, article({ url: 'http://127.0.0.1:1/b.html' }));
    const ids = (await reviews.pending()).map((d) => `${d.kind}:${d.record.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    const sources = new Set((await reviews.pending()).map((d) => d.bundle.source.id));
    expect(sources.size).toBe(2);
    // The second article's derived date follows its own incident's new id.
    const second = (await reviews.pending()).filter((d) => d.articleId === 2 && d.kind === 'incident').map((d) => d.record as Incident);
    expect(second[1]!.date.derivedFrom!.ref).toBe(second[0]!.id);
    expect(second[0]!.id).not.toBe('albu-hardan-2024-04-02');
  });

  it('an article that yields nothing queues nothing and says why', async () => {
    const { reviews, drafter, logs, statuses } = setup();
    const calm =
      'Reconstruction talks open in Baghdad\n\nBAGHDAD – Ministers met donors in Baghdad on Monday to plan the rebuilding of schools and bridges in the north.';
    const out = await drafter.draft(3, article({ text: calm }));
    expect(out).toMatchObject({ drafts: [], reason: 'no incident, quote or statistic found in the text' });
    expect(logs.some((l) => l.msg === 'article drafted nothing' && l.obj.reason === out.reason && l.obj.articleId === 3)).toBe(true);
    expect(statuses.get(3)).toBe('drafted');
    const noDate = await drafter.draft(4, article({ text: 'Gunmen attacked a checkpoint in Kirkuk on Sunday.', publishedAt: null }));
    expect(noDate).toMatchObject({ drafts: [], reason: 'no publication date: neither the feed nor the text gives one' });
    expect(statuses.get(4)).toBe('drafted');
    expect((await reviews.pending()).filter((d) => d.articleId === 4)).toEqual([]);
  });
});

const rec = (kind: PublishedRecordLike['kind'], record: { id: string } & Record<string, unknown>, at = 1000): PublishedRecordLike => ({
  kind,
  id: record.id,
  record,
  reviewedBy: 'Dana',
  reviewedAt: at,
  publishedAt: at,
});

describe('data/ with the published records', () => {
  it('publishes an approved draft with its source; a rejected base of a derived date loosens it to inferred', async () => {
    const { reviews, drafter } = setup();
    await drafter.draft(1, article());
    const [village, tikrit] = (await reviews.pending()).filter((d) => d.kind === 'incident');
    await reviews.decide(tikrit!.id, { decision: 'approve' }, 'Dana', Date.parse('2024-04-09T12:00:00Z'));
    await reviews.decide(village!.id, { decision: 'reject' }, 'Dana', Date.parse('2024-04-09T12:00:00Z'));
    const { dataset, notes } = mergePublished(seed, await reviews.published());
    const inc = dataset.incident(tikrit!.record.id)!;
    expect(inc.date).toMatchObject({ date: '2024-04-04', precision: 'inferred' });
    expect(inc.date.note).toContain('Two days after the');
    expect(notes).toHaveLength(1);
    expect(dataset.review('incident', inc.id)).toEqual({ kind: 'incident', id: inc.id, reviewedBy: 'Dana', reviewedAt: '2024-04-09T12:00:00.000Z' });
    expect(dataset.sources.get(inc.sourceId)?.publisher).toBe('Test Wire');
    const reply = JSON.stringify(incidentReply(dataset, inc, []));
    expect(reply).toContain('[Massacre in a Saladin village](http://127.0.0.1:1/a.html) — Test Wire — 9 Apr 2024');
    expect(reply).toContain('Reviewed by Dana on 9 Apr 2024 (12:00 UTC)');
  });

  it('an invalid merge keeps the last good dataset and logs why; data/ wins an id both hold', async () => {
    const published: PublishedRecordLike[] = [];
    const logs: string[] = [];
    const logger = { info: () => undefined, warn: () => undefined, error: (o: object, m?: string) => void logs.push(`${m} ${JSON.stringify(o)}`) };
    const living = livingDataset({ base: { current: () => seed, onSwap: () => undefined }, published: () => published, logger });
    expect((await living.refresh()).ok).toBe(true);
    expect(living.current()).toBe(seed);

    const diyala = seed.incident('diyala-police-2019-08-22')!;
    const source = seed.sources.get(diyala.sourceId)!;
    const copy = { ...diyala, id: 'diyala-police-copy-2019-08-22' };
    published.push(rec('incident', copy));
    const first = await living.refresh();
    expect(first).toMatchObject({ ok: true, newIncidents: [{ id: copy.id }] });
    const good = living.current();
    expect(good.incident(copy.id)).toBeTruthy();

    // data/ already has this id (exported, perhaps curated since): data/'s record is used.
    published.push(rec('incident', { ...diyala, summary: 'changed in the store' }, 2000));
    expect((await living.refresh()).ok).toBe(true);
    expect(living.current().incident(diyala.id)!.summary).toBe(diyala.summary);

    // A record pointing at a place nobody has: rejected, the last good dataset still serves.
    published.push(rec('incident', { ...diyala, id: 'nowhere-2019-08-22', placeId: 'no-such-place' }, 3000));
    const bad = await living.refresh();
    expect(bad.ok).toBe(false);
    expect(living.current().incident(copy.id)).toBeTruthy();
    expect(living.current().incident('nowhere-2019-08-22')).toBeUndefined();
    expect(logs.join('\n')).toContain('no-such-place');
    expect(source).toBeTruthy();
  });

  it('reports each published incident once, and none published before a restart’s mark', async () => {
    const diyala = seed.incident('diyala-police-2019-08-22')!;
    const published = [rec('incident', { ...diyala, id: 'a-2019-08-22' }, 1000), rec('incident', { ...diyala, id: 'b-2019-08-22' }, 2000)];
    const living = livingDataset({ base: { current: () => seed, onSwap: () => undefined }, published: () => published, reportedUntil: () => 1000 });
    const told: string[][] = [];
    living.onPublished((incs) => void told.push(incs.map((i) => i.id)));
    await living.refresh();
    await living.refresh();
    published.push(rec('incident', { ...diyala, id: 'c-2019-08-22' }, 3000));
    await living.refresh();
    expect(told).toEqual([['b-2019-08-22'], ['c-2019-08-22']]);
  });
});
