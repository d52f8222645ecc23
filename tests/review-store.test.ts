import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ReviewStore } from '../src/review/review-store.ts';
import { INCIDENT, PLACE, SOURCE } from './fixtures/review-draft.ts';
import { openDatabase } from '../src/storage/db.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the review queue', () => {
  it('refuses a draft that is not a valid record, naming the field, and queues nothing', () => {
    const store = new ReviewStore(openDatabase({ memory: true }));
    expect(() =>
      store.addDraft({
        articleId: null,
        kind: 'incident',
        record: { ...INCIDENT, date: { date: '2026-02-30', precision: 'exact' } },
        bundle: { source: SOURCE, places: [], actors: [] },
        now: 1,
      }),
    ).toThrow(/draft incident: date.date is not a real calendar date/);
    expect(store.pending()).toEqual([]);
  });

  it('publishes an approved draft with its source, once; a second decision is refused and names the first', () => {
    const store = new ReviewStore(openDatabase({ memory: true }));
    store.addDraft({ articleId: 7, kind: 'incident', record: INCIDENT, bundle: { source: SOURCE, places: [PLACE], actors: [] }, duplicateOf: null, now: 1000 });
    const [draft] = store.pending();
    expect(draft).toMatchObject({ articleId: 7, kind: 'incident', status: 'pending' });
    const approved = store.decide(draft!.id, { decision: 'approve' }, 'reviewer-a', 2000);
    expect(approved).toMatchObject({ ok: true, draft: { status: 'approved', decidedBy: 'reviewer-a', decidedAt: 2000, edited: false } });
    const again = store.decide(draft!.id, { decision: 'reject' }, 'reviewer-b', 2001);
    expect(again).toMatchObject({ ok: false, why: 'already-decided', draft: { status: 'approved', decidedBy: 'reviewer-a' } });
    const published = store.publishedDataset();
    expect(published.incidents).toEqual([INCIDENT]);
    expect(published.sources).toEqual([SOURCE]);
    expect(published.places).toEqual([PLACE]);
    expect(store.pending()).toEqual([]);
  });

  it('takes an edit only when the edited record is valid; a bad edit changes nothing', () => {
    const store = new ReviewStore(openDatabase({ memory: true }));
    const d = store.addDraft({ articleId: null, kind: 'incident', record: INCIDENT, bundle: { source: SOURCE, places: [], actors: [] }, now: 1 });
    const bad = store.decide(d.id, { decision: 'approve', editedRecord: { ...INCIDENT, casualties: [{ ...INCIDENT.casualties[0], killed: -1 }] } }, 'r', 2);
    expect(bad).toMatchObject({ ok: false, why: 'invalid-edit' });
    expect(bad.ok === false && bad.why === 'invalid-edit' && bad.problem).toMatch(/^edited incident: casualties\.0\.killed/);
    expect(store.draft(d.id)!.status).toBe('pending');
    const edited = { ...INCIDENT, casualties: [{ ...INCIDENT.casualties[0]!, killed: 4 }] };
    expect(store.decide(d.id, { decision: 'approve', editedRecord: edited }, 'r', 3)).toMatchObject({ ok: true, draft: { edited: true } });
    expect(store.publishedDataset().incidents[0]!.casualties[0]!.killed).toBe(4);
  });

  it('a rejected draft publishes nothing', () => {
    const store = new ReviewStore(openDatabase({ memory: true }));
    const d = store.addDraft({ articleId: null, kind: 'incident', record: INCIDENT, bundle: { source: SOURCE, places: [], actors: [] }, now: 1 });
    expect(store.decide(d.id, { decision: 'reject' }, 'r', 2)).toMatchObject({ ok: true, draft: { status: 'rejected' } });
    expect(store.published()).toEqual([]);
  });

  it('decides each draft once when two processes race to decide the same drafts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-race-'));
    dirs.push(dir);
    const store = new ReviewStore(openDatabase({ stateDir: dir }));
    const ids = Array.from(
      { length: 60 },
      (_, i) =>
        store.addDraft({
          articleId: i,
          kind: 'incident',
          record: { ...INCIDENT, id: `baqubah-market-2026-12-01-${i}` },
          bundle: { source: SOURCE, places: [], actors: [] },
          now: 1,
        }).id,
    );
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      (async () => {
        (await import('tsx/esm/api')).register();
        const { ReviewStore } = await import(workerData.storeUrl);
        const { openDatabase } = await import(workerData.dbUrl);
        const store = new ReviewStore(openDatabase({ stateDir: workerData.dir }));
        const sab = new Int32Array(workerData.start);
        Atomics.add(sab, 0, 1);
        while (Atomics.load(sab, 0) < 2) {}
        const won = [];
        for (const id of workerData.ids) {
          const r = store.decide(id, { decision: workerData.decision }, workerData.reviewer, Date.now());
          if (r.ok) won.push(id);
        }
        parentPort.postMessage(won);
      })().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
    `;
    const start = new SharedArrayBuffer(4);
    const run = (reviewer: string, decision: string) =>
      new Promise<number[]>((resolve, reject) => {
        const w = new Worker(code, {
          eval: true,
          workerData: {
            storeUrl: new URL('../src/review/review-store.ts', import.meta.url).href,
            dbUrl: new URL('../src/storage/db.ts', import.meta.url).href,
            dir,
            ids,
            start,
            reviewer,
            decision,
          },
        });
        w.once('message', (m: number[] | { error: string }) => (Array.isArray(m) ? resolve(m) : reject(new Error(m.error))));
        w.once('error', reject);
      });
    const [a, b] = await Promise.all([run('alice', 'approve'), run('bob', 'reject')]);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(ids);
    for (const id of ids) {
      const d = store.draft(id)!;
      expect(d.decidedBy).toBe(a.includes(id) ? 'alice' : 'bob');
      expect(d.status).toBe(a.includes(id) ? 'approved' : 'rejected');
    }
    expect(store.publishedDataset().incidents).toHaveLength(a.length);
  }, 60_000);
});
