import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PgReviewStore } from '../src/review/pg-review-store.ts';
import type { ReviewStore } from '../src/review/review-store.ts';
import { SqliteReviewStore } from '../src/review/sqlite-review-store.ts';
import { openDatabase } from '../src/storage/db.ts';
import { PG_MIGRATIONS } from '../src/storage/pg-schema/index.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import { BACKEND_KINDS, testBackends } from '../testkit/state-backends.ts';
import { INCIDENT, SOURCE } from './fixtures/review-draft.ts';

const dirs: string[] = [];
const backends = testBackends();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
  await backends.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}, 60_000);

function run(env: Record<string, string>, script: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env } },
      (err, out, errOut) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out, err: errOut }),
    );
  });
}

/** The state the CLIs are pointed at: a state folder (SQLite), or DATABASE_URL (PostgreSQL); and the same store, opened by the test. */
async function stateFor(kind: (typeof BACKEND_KINDS)[number]): Promise<{ env: Record<string, string>; store: ReviewStore; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'review-cli-'));
  dirs.push(dir);
  if (kind === 'sqlite') {
    const db = openDatabase({ stateDir: dir });
    closers.push(async () => void db.close());
    return { env: { DATA_DIR: dir, STATE_DIR: dir }, store: new SqliteReviewStore(db), dir };
  }
  const url = await backends.postgresUrl();
  const pool = await openPostgres(url, PG_MIGRATIONS);
  closers.push(() => pool.end());
  // The state folder stays empty: everything is in PostgreSQL.
  return { env: { STATE_DIR: join(dir, 'unused'), DATABASE_URL: url }, store: new PgReviewStore(pool), dir };
}

describe.each(BACKEND_KINDS)('npm run review and npm run export (%s)', (kind) => {
  it('lists, approves with an edit, refuses a second decision and bad edits, and exports what was published', { timeout: 120_000 }, async () => {
    const { env, store, dir } = await stateFor(kind);
    const d = await store.addDraft({
      articleId: null,
      kind: 'incident',
      record: INCIDENT,
      bundle: { source: SOURCE, places: [], actors: [] },
      duplicateOf: 'ged-1',
      now: 1,
    });
    const list = await run(env, 'src/cli/review.ts', 'list');
    expect(list.out).toContain(`#${d.id} incident baqubah-market-2026-12-01 (2026-12-01)`);
    expect(list.out).toContain('[possible duplicate of ged-1]');

    const bad = await run(env, 'src/cli/review.ts', 'approve', String(d.id), '--set', 'casualties.0.killed=-2');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Not approved: edited incident: casualties\.0\.killed/);
    expect((await store.draft(d.id))!.status).toBe('pending');

    const ok = await run(env, 'src/cli/review.ts', 'approve', String(d.id), '--set', 'casualties.0.killed=4', '--as', 'tester');
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toContain(`#${d.id} approved (edited) by tester.`);
    expect(await store.draft(d.id)).toMatchObject({ status: 'approved', decidedBy: 'tester', edited: true });
    const twice = await run(env, 'src/cli/review.ts', 'reject', String(d.id));
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/was already approved by tester/);
    expect((await run(env, 'src/cli/review.ts', 'show', '999')).code).toBe(2);

    const out = join(dir, 'export');
    expect((await run(env, 'src/cli/export.ts', '--out', out)).code).toBe(0);
    const incidents = JSON.parse(readFileSync(join(out, 'incidents', 'published.json'), 'utf8')) as { casualties: { killed: number }[] }[];
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.casualties[0]!.killed).toBe(4);
    expect(JSON.parse(readFileSync(join(out, 'sources', 'published.json'), 'utf8'))).toEqual([SOURCE]);
    // Written as the store keeps it: the same text from either backend (keys in the record's order).
    expect(readFileSync(join(out, 'sources', 'published.json'), 'utf8')).toBe(`${JSON.stringify([SOURCE], null, 2)}\n`);
    if (kind === 'postgres') expect(existsSync(env.STATE_DIR!)).toBe(false);
  });
});

describe('npm run review with a database it cannot reach', () => {
  it('exits 2 naming DATABASE_URL without its password, and writes nothing', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-cli-'));
    dirs.push(dir);
    const r = await run({ STATE_DIR: dir, DATABASE_URL: 'postgres://bot:s3cret@127.0.0.1:1/incident_bot' }, 'src/cli/review.ts', 'list');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^could not connect to the database at DATABASE_URL=postgres:\/\/bot:\*\*\*@127\.0\.0\.1:1\/incident_bot: ECONNREFUSED/);
    expect(r.err).not.toContain('s3cret');
    expect(r.out).toBe('');
  });
});

describe('npm run review -- approve --same-event', () => {
  it('links the incident to an existing record, refusing a missing or linked one', { timeout: 120_000 }, async () => {
    const { env, store } = await stateFor('sqlite');
    const add = async (id: string, duplicateOf: string | null) =>
      await store.addDraft({
        articleId: null,
        kind: 'incident',
        record: { ...INCIDENT, id },
        bundle: { source: SOURCE, places: [], actors: [] },
        duplicateOf,
        now: 2,
      });
    const missing = await add('baqubah-market-2026-12-02', 'ged-999999999');
    const refused = await run(env, 'src/cli/review.ts', 'approve', String(missing.id), '--same-event', 'duplicate');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('Not approved: there is no incident "ged-999999999".');
    expect((await store.draft(missing.id))!.status).toBe('pending');
    // a shipped GED record (its id from data/incidents/ucdp-ged-iraq.ndjson)
    const linked = await add('baqubah-market-2026-12-03', 'ged-176092');
    const ok = await run(env, 'src/cli/review.ts', 'approve', String(linked.id), '--same-event', 'duplicate', '--as', 'tester');
    expect(ok).toMatchObject({ code: 0 });
    expect((await store.publishedDataset()).incidents.find((i) => i.id === 'baqubah-market-2026-12-03')!.sameEventAs).toBe('ged-176092');
    // a chain is refused: name the primary instead
    const chained = await add('baqubah-market-2026-12-04', null);
    const chain = await run(env, 'src/cli/review.ts', 'approve', String(chained.id), '--same-event', 'baqubah-market-2026-12-03');
    expect(chain.err).toContain('is itself linked to "ged-176092": link to "ged-176092" instead');
  });
});
