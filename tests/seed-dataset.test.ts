import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR } from '../src/data/load-dataset.ts';
import { seedContext, seedDataset, SEED_SOURCE } from '../testkit/seed-dataset.ts';

const article = readFileSync(join(DEFAULT_DATA_DIR, 'source-texts', 'is-comeback-iraq-syria-2019.txt'), 'utf8');
const ds = seedDataset();

describe('the seed dataset is traceable to the article', () => {
  const records = [...ds.raw.incidents, ...ds.raw.statistics, ...ds.raw.quotes].filter((r) => r.sourceId === SEED_SOURCE);

  it('cites the article for every record, with evidence copied word for word', () => {
    expect(records.length).toBeGreaterThan(20);
    for (const r of records) for (const e of r.evidence) expect(article, `${r.id}`).toContain(e);
  });

  it('keeps every direct quotation exactly as it stands inside quotation marks in the article', () => {
    const direct = ds.quotes.filter((q) => q.kind === 'direct');
    expect(direct.length).toBe(8);
    for (const q of direct) {
      const at = article.indexOf(q.text);
      expect(at, q.id).toBeGreaterThan(0);
      // The character before the quote opens a quotation (“) — a paraphrase would not be preceded by one.
      expect(article[at - 1], q.id).toBe('“');
    }
  });

  it('never stores a paraphrase that the article puts in quotation marks', () => {
    for (const q of ds.quotes.filter((x) => x.kind === 'paraphrase')) expect(article.includes(`“${q.text}`), q.id).toBe(false);
  });

  it('has every casualty figure the article gives, and no others', () => {
    const figures = ds.raw.incidents.filter((i) => i.sourceId === SEED_SOURCE).flatMap((i) => i.casualties.map((c) => [i.id, c.group, c.killed, c.injured]));
    expect(figures).toEqual([
      ['sulaymaniyah-security-post-2019-07-31', 'security-forces', 2, 2],
      ['diyala-police-2019-08-22', 'security-forces', 2, 3],
      ['diyala-police-2019-08-22', 'militants', 4, null],
      ['daraa-security-post-2019-07-28', 'security-forces', 6, null],
      ['homs-army-2019-08-18', 'security-forces', 7, null],
    ]);
  });

  it('dates each attack as the article does, with the Sulaymaniyah attack derived from "two days before"', () => {
    const dates = Object.fromEntries(ds.raw.incidents.map((i) => [i.id, [i.date.date, i.date.precision]]));
    expect(dates).toEqual({
      'saladin-oilfields-2019-07-29': ['2019-07-29', 'exact'],
      'sulaymaniyah-security-post-2019-07-31': ['2019-07-31', 'derived'],
      'diyala-police-2019-08-22': ['2019-08-22', 'exact'],
      'daraa-security-post-2019-07-28': ['2019-07-28', 'exact'],
      'homs-army-2019-08-18': ['2019-08-18', 'exact'],
    });
  });

  it('keeps the observatory figures as a period count with its sub-counts', () => {
    const total = ds.statistics.find((s) => s.id === 'sohr-troops-killed-2019-03-24-06-17')!;
    expect([total.value, total.period?.from.date, total.period?.to.date, ds.actorName(total.reporterId)]).toEqual([
      147,
      '2019-03-24',
      '2019-06-17',
      'Syrian Observatory for Human Rights',
    ]);
    expect(
      ds.statistics
        .filter((s) => s.parentId === total.id)
        .map((s) => s.value)
        .sort(),
    ).toEqual([2, 9]);
  });
});

describe('the article data says only what the article says', () => {
  const quotes = ds.quotes.filter((q) => q.sourceId === SEED_SOURCE);
  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

  it("gives each quotation's venue in the article's own words, and names no report the article does not name", () => {
    for (const q of quotes) if (q.venue) expect(article, q.id).toContain(q.venue);
    const seedRecords = JSON.stringify([
      ds.raw.quotes,
      ds.raw.statistics,
      ds.raw.incidents.filter((i) => i.sourceId === SEED_SOURCE),
      ds.raw.sources.filter((s) => s.id === SEED_SOURCE),
    ]);
    const seedActors = JSON.stringify(readFileSync(join(DEFAULT_DATA_DIR, 'actors', 'actors.json'), 'utf8'));
    for (const phrase of ['Operation Inherent Resolve', 'Lead Inspector General']) {
      expect(article).not.toContain(phrase);
      expect(seedRecords).not.toContain(phrase);
      expect(seedActors).not.toContain(phrase);
    }
  });

  it("labels a paraphrase as the article's words only when it occurs in the article word for word", () => {
    const paraphrases = quotes.filter((q) => q.kind === 'paraphrase');
    expect(paraphrases.length).toBe(6);
    for (const q of paraphrases) {
      expect(q.wording, q.id).toBeDefined();
      expect(article.includes(q.text), q.id).toBe(q.wording === 'verbatim');
    }
    expect(
      paraphrases
        .filter((q) => q.wording === 'ours')
        .map((q) => q.id)
        .sort(),
    ).toEqual(['ig-report-replenish-ranks', 'iraqi-official-saladin-attack', 'pompeo-places-more-powerful']);
  });

  it('calls a date exact only where the evidence states that day, and says where it is inferred', () => {
    for (const q of quotes) {
      if (q.date?.precision !== 'exact') continue;
      const [, m, d] = q.date.date.split('-').map(Number) as [number, number, number];
      expect(
        q.evidence.some((e) => e.includes(`${MONTHS[m - 1]} ${d}`)),
        q.id,
      ).toBe(true);
    }
    const pompeoDirect = quotes.filter((q) => q.speakerId === 'mike-pompeo' && q.kind === 'direct');
    expect(pompeoDirect.length).toBe(4);
    for (const q of pompeoDirect)
      expect(q.date, q.id).toMatchObject({ date: '2019-08-20', precision: 'inferred', note: expect.stringMatching(/acknowledgment/) });
  });

  it('/quote shows which paraphrases are ours and which dates are inferred', async () => {
    const { commandByName } = await import('../commands/index.ts');
    const r = await commandByName.get('quote')!.handle({ person: 'pompeo' }, seedContext());
    const d = r.embeds![0]!.description!;
    expect(d).toContain('**Paraphrase (ours)**, not a quotation: Acknowledged that there are places');
    expect(d).not.toContain("the article's words, not a quotation): Acknowledged");
    expect(d).toContain(
      '> “It’s complicated”\n— 20 Aug 2019 (inferred: the article dates only his acknowledgment to August 20, not these words) · CBS This Morning',
    );
    const ig = await commandByName.get('quote')!.handle({ person: 'IG report' }, seedContext());
    expect(ig.embeds![0]!.description).toContain("**Paraphrase** (the article's words, not a quotation): IS was regaining strength since Trump ordered");
    expect(ig.embeds![0]!.description).toContain('· a recent Pentagon Inspector General report');
  });
});
