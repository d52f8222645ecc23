import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { reviewStoreOn } from '../src/review/open-review-store.ts';
import { PgReviewStore } from '../src/review/pg-review-store.ts';
import type { ReviewStore } from '../src/review/review-store.ts';
import { SqliteReviewStore } from '../src/review/sqlite-review-store.ts';
import { openDatabase } from '../src/storage/db.ts';
import { PG_MIGRATIONS } from '../src/storage/pg-schema/index.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import { BACKEND_KINDS, testBackends } from '../testkit/state-backends.ts';
import { INCIDENT, PLACE, SOURCE } from './fixtures/review-draft.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
// One PostgreSQL server for this file; a fresh database for each test.
const backends = testBackends();
afterAll(() => backends.close(), 60_000);

const newStore = async (kind: (typeof BACKEND_KINDS)[number]): Promise<ReviewStore> => reviewStoreOn(await backends.open(kind));

/** n pending drafts, each its own incident, all from one source. */
async function addDrafts(store: ReviewStore, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++)
    ids.push(
      (
        await store.addDraft({
          articleId: i,
          kind: 'incident',
          record: { ...INCIDENT, id: `baqubah-market-2026-12-01-${i}` },
          bundle: { source: SOURCE, places: [], actors: [] },
          now: 1,
        })
      ).id,
    );
  return ids;
}

describe.each(BACKEND_KINDS)('the review queue (%s)', (kind) => {
  it('refuses a draft that is not a valid record, naming the field, and queues nothing', async () => {
    const store = await newStore(kind);
    await expect(
      store.addDraft({
        articleId: null,
        kind: 'incident',
        record: { ...INCIDENT, date: { date: '2026-02-30', precision: 'exact' } },
        bundle: { source: SOURCE, places: [], actors: [] },
        now: 1,
      }),
    ).rejects.toThrow(/draft incident: date.date is not a real calendar date/);
    expect(await store.pending()).toEqual([]);
  });

  it('publishes an approved draft with its source, once; a second decision is refused and names the first', async () => {
    const store = await newStore(kind);
    await store.addDraft({
      articleId: 7,
      kind: 'incident',
      record: INCIDENT,
      bundle: { source: SOURCE, places: [PLACE], actors: [] },
      duplicateOf: null,
      now: 1000,
    });
    const [draft] = await store.pending();
    expect(draft).toMatchObject({ articleId: 7, kind: 'incident', status: 'pending', createdAt: 1000, edited: false, decidedAt: null });
    const approved = await store.decide(draft!.id, { decision: 'approve' }, 'reviewer-a', 2000);
    expect(approved).toMatchObject({ ok: true, draft: { status: 'approved', decidedBy: 'reviewer-a', decidedAt: 2000, edited: false } });
    const again = await store.decide(draft!.id, { decision: 'reject' }, 'reviewer-b', 2001);
    expect(again).toMatchObject({ ok: false, why: 'already-decided', draft: { status: 'approved', decidedBy: 'reviewer-a' } });
    const published = await store.publishedDataset();
    expect(published.incidents).toEqual([INCIDENT]);
    expect(published.sources).toEqual([SOURCE]);
    expect(published.places).toEqual([PLACE]);
    expect(await store.pending()).toEqual([]);
    expect(await store.published()).toEqual([
      { kind: 'incident', id: INCIDENT.id, record: INCIDENT, draftId: draft!.id, reviewedBy: 'reviewer-a', reviewedAt: 2000, publishedAt: 2000 },
      { kind: 'place', id: PLACE.id, record: PLACE, draftId: draft!.id, reviewedBy: 'reviewer-a', reviewedAt: 2000, publishedAt: 2000 },
      { kind: 'source', id: SOURCE.id, record: SOURCE, draftId: draft!.id, reviewedBy: 'reviewer-a', reviewedAt: 2000, publishedAt: 2000 },
    ]);
    expect(await store.published(2001)).toEqual([]);
    expect(await store.decide(9999, { decision: 'approve' }, 'r', 3000)).toEqual({ ok: false, why: 'not-found' });
  });

  it('takes an edit only when the edited record is valid; a bad edit changes nothing', async () => {
    const store = await newStore(kind);
    const d = await store.addDraft({ articleId: null, kind: 'incident', record: INCIDENT, bundle: { source: SOURCE, places: [], actors: [] }, now: 1 });
    const bad = await store.decide(
      d.id,
      { decision: 'approve', editedRecord: { ...INCIDENT, casualties: [{ ...INCIDENT.casualties[0], killed: -1 }] } },
      'r',
      2,
    );
    expect(bad).toMatchObject({ ok: false, why: 'invalid-edit' });
    expect(bad.ok === false && bad.why === 'invalid-edit' && bad.problem).toMatch(/^edited incident: casualties\.0\.killed/);
    expect((await store.draft(d.id))!.status).toBe('pending');
    const edited = { ...INCIDENT, casualties: [{ ...INCIDENT.casualties[0]!, killed: 4 }] };
    expect(await store.decide(d.id, { decision: 'approve', editedRecord: edited }, 'r', 3)).toMatchObject({ ok: true, draft: { edited: true } });
    expect((await store.publishedDataset()).incidents[0]!.casualties[0]!.killed).toBe(4);
    expect((await store.draft(d.id))!.record).toEqual(edited);
  });

  it('a rejected draft publishes nothing', async () => {
    const store = await newStore(kind);
    const d = await store.addDraft({ articleId: null, kind: 'incident', record: INCIDENT, bundle: { source: SOURCE, places: [], actors: [] }, now: 1 });
    expect(await store.decide(d.id, { decision: 'reject' }, 'r', 2)).toMatchObject({ ok: true, draft: { status: 'rejected' } });
    expect(await store.published()).toEqual([]);
  });

  it('keeps a source shared by two drafts as first published, and remembers where each draft was posted', async () => {
    const store = await newStore(kind);
    const [a, b] = await addDrafts(store, 2);
    await store.markPosted(a!, '111', '222');
    expect((await store.unposted()).map((d) => d.id)).toEqual([b]);
    expect(await store.draft(a!)).toMatchObject({ reviewChannelId: '111', reviewMessageId: '222' });
    await store.decide(a!, { decision: 'approve' }, 'first', 10);
    await store.decide(b!, { decision: 'approve' }, 'second', 20);
    const sources = (await store.published()).filter((r) => r.kind === 'source');
    expect(sources).toEqual([expect.objectContaining({ id: SOURCE.id, draftId: a, reviewedBy: 'first', publishedAt: 10 })]);
    expect((await store.publishedDataset()).incidents.map((i) => i.id)).toEqual([`${INCIDENT.id}-0`, `${INCIDENT.id}-1`]);
  });
});

describe('deciding a draft at the same moment in two processes', () => {
  it('SQLite: decides each draft once when two processes race to decide the same drafts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-race-'));
    dirs.push(dir);
    const store = new SqliteReviewStore(openDatabase({ stateDir: dir }));
    const ids = await addDrafts(store, 60);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      (async () => {
        (await import('tsx/esm/api')).register();
        const { SqliteReviewStore } = await import(workerData.storeUrl);
        const { openDatabase } = await import(workerData.dbUrl);
        const store = new SqliteReviewStore(openDatabase({ stateDir: workerData.dir }));
        const sab = new Int32Array(workerData.start);
        Atomics.add(sab, 0, 1);
        while (Atomics.load(sab, 0) < 2) {}
        const won = [];
        for (const id of workerData.ids) {
          const r = await store.decide(id, { decision: workerData.decision }, workerData.reviewer, Date.now());
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
            storeUrl: new URL('../src/review/sqlite-review-store.ts', import.meta.url).href,
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
      const d = (await store.draft(id))!;
      expect(d.decidedBy).toBe(a.includes(id) ? 'alice' : 'bob');
      expect(d.status).toBe(a.includes(id) ? 'approved' : 'rejected');
    }
    expect((await store.publishedDataset()).incidents).toHaveLength(a.length);
  }, 60_000);

  it('PostgreSQL: two deciders whose updates wait on the same row lock get one decision and one "already decided"', async () => {
    const url = await backends.postgresUrl();
    const [poolA, poolB] = [await openPostgres(url, PG_MIGRATIONS), await openPostgres(url, PG_MIGRATIONS)];
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      const alice = new PgReviewStore(poolA);
      const bob = new PgReviewStore(poolB);
      const [id] = await addDrafts(alice, 1);
      // Hold the draft's row lock, so both deciders read it as pending and then both wait at their claim.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM review_drafts WHERE id = $1 FOR UPDATE', [id]);
      const decisions = [alice.decide(id!, { decision: 'approve' }, 'alice', 10), bob.decide(id!, { decision: 'reject' }, 'bob', 11)];
      for (let waiting = 0; waiting < 2; ) {
        await new Promise((r) => setTimeout(r, 20));
        const { rows } = await holder.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE review_drafts%'",
        );
        waiting = rows[0]!.n;
      }
      await holder.query('COMMIT');
      const outcomes = await Promise.all(decisions);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      const lost = outcomes.find((o) => !o.ok)!;
      const won = outcomes.find((o) => o.ok)!;
      expect(lost).toMatchObject({ ok: false, why: 'already-decided', draft: { decidedBy: won.ok && won.draft.decidedBy } });
      const published = await alice.publishedDataset();
      expect(published.incidents).toHaveLength(won.ok && won.draft.status === 'approved' ? 1 : 0);
    } finally {
      await holder.end();
      await poolA.end();
      await poolB.end();
    }
  });

  it('PostgreSQL: a decision whose connection is cut mid-transaction is run again, and decides the draft once', async () => {
    const url = await backends.postgresUrl();
    const pool = await openPostgres(url, PG_MIGRATIONS);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      const store = new PgReviewStore(pool);
      const [id] = await addDrafts(store, 1);
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM review_drafts WHERE id = $1 FOR UPDATE', [id]);
      const decision = store.decide(id!, { decision: 'approve' }, 'alice', 10);
      // The decider waits at its claim: cut its connection there (as a server restart or a network drop would).
      let pid: number | undefined;
      while (pid === undefined) {
        await new Promise((r) => setTimeout(r, 20));
        const { rows } = await holder.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE review_drafts%'",
        );
        pid = rows[0]?.pid;
      }
      await holder.query('SELECT pg_terminate_backend($1)', [pid]);
      await holder.query('COMMIT');
      expect(await decision).toMatchObject({ ok: true, draft: { status: 'approved', decidedBy: 'alice', decidedAt: 10 } });
      expect(await store.decide(id!, { decision: 'reject' }, 'bob', 11)).toMatchObject({ ok: false, why: 'already-decided' });
      expect((await store.publishedDataset()).incidents).toHaveLength(1);
    } finally {
      await holder.end();
      await pool.end();
    }
  });

  it('PostgreSQL: two pools deciding the same 200 drafts at once decide each exactly once', async () => {
    const url = await backends.postgresUrl();
    const [poolA, poolB] = [await openPostgres(url, PG_MIGRATIONS, { max: 8 }), await openPostgres(url, PG_MIGRATIONS, { max: 8 })];
    try {
      const alice = new PgReviewStore(poolA);
      const bob = new PgReviewStore(poolB);
      const ids = await addDrafts(alice, 200);
      // Each decider works through every draft, eight at a time, in the same order, so they collide.
      const decideAll = async (store: ReviewStore, reviewer: string, decision: 'approve' | 'reject') => {
        const won: number[] = [];
        let lost = 0;
        let next = 0;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < ids.length) {
              const id = ids[next++]!;
              const r = await store.decide(id, { decision }, reviewer, Date.now());
              if (r.ok) won.push(id);
              else if (r.why === 'already-decided') lost++;
              else throw new Error(`unexpected outcome ${JSON.stringify(r)}`);
            }
          }),
        );
        return { won, lost };
      };
      const [a, b] = await Promise.all([decideAll(alice, 'alice', 'approve'), decideAll(bob, 'bob', 'reject')]);
      expect([...a.won, ...b.won].sort((x, y) => x - y)).toEqual(ids);
      expect(a.lost).toBe(b.won.length);
      expect(b.lost).toBe(a.won.length);
      expect(await decisionCounts(poolA)).toEqual({ pending: 0, alice: a.won.length, bob: b.won.length });
      for (const id of ids) {
        const d = (await bob.draft(id))!;
        expect(d.decidedBy).toBe(a.won.includes(id) ? 'alice' : 'bob');
        expect(d.status).toBe(a.won.includes(id) ? 'approved' : 'rejected');
      }
      expect((await bob.publishedDataset()).incidents).toHaveLength(a.won.length);
    } finally {
      await poolA.end();
      await poolB.end();
    }
  }, 60_000);
});

/** Counts straight from the table: drafts still pending, and decided by each reviewer. */
async function decisionCounts(pool: pg.Pool) {
  const { rows } = await pool.query<{ pending: number; alice: number; bob: number }>(
    "SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE decided_by = 'alice')::int AS alice, count(*) FILTER (WHERE decided_by = 'bob')::int AS bob FROM review_drafts",
  );
  return rows[0];
}
