import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReviewStore } from '../src/review/review-store.ts';
import { openDatabase } from '../src/storage/db.ts';
import { INCIDENT, SOURCE } from './fixtures/review-draft.ts';

const dir = mkdtempSync(join(tmpdir(), 'review-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(script: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { encoding: 'utf8', env: { ...process.env, DATA_DIR: dir, STATE_DIR: dir } },
      (err, out, errOut) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out, err: errOut }),
    );
  });
}

describe('npm run review and npm run export', () => {
  it('lists, approves with an edit, refuses a second decision and bad edits, and exports what was published', { timeout: 120_000 }, async () => {
    const store = new ReviewStore(openDatabase({ stateDir: dir }));
    const d = store.addDraft({
      articleId: null,
      kind: 'incident',
      record: INCIDENT,
      bundle: { source: SOURCE, places: [], actors: [] },
      duplicateOf: 'ged-1',
      now: 1,
    });
    const list = await run('src/cli/review.ts', 'list');
    expect(list.out).toContain(`#${d.id} incident baqubah-market-2026-12-01 (2026-12-01)`);
    expect(list.out).toContain('[possible duplicate of ged-1]');

    const bad = await run('src/cli/review.ts', 'approve', String(d.id), '--set', 'casualties.0.killed=-2');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Not approved: edited incident: casualties\.0\.killed/);
    expect(store.draft(d.id)!.status).toBe('pending');

    const ok = await run('src/cli/review.ts', 'approve', String(d.id), '--set', 'casualties.0.killed=4', '--as', 'tester');
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toContain(`#${d.id} approved (edited) by tester.`);
    const twice = await run('src/cli/review.ts', 'reject', String(d.id));
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/was already approved by tester/);
    expect((await run('src/cli/review.ts', 'show', '999')).code).toBe(2);

    const out = join(dir, 'export');
    expect((await run('src/cli/export.ts', '--out', out)).code).toBe(0);
    const incidents = JSON.parse(readFileSync(join(out, 'incidents', 'published.json'), 'utf8')) as { casualties: { killed: number }[] }[];
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.casualties[0]!.killed).toBe(4);
    expect(JSON.parse(readFileSync(join(out, 'sources', 'published.json'), 'utf8'))).toEqual([SOURCE]);
  });

  it('approve --same-event links the incident to an existing record, refusing a missing or linked one', { timeout: 120_000 }, async () => {
    const store = new ReviewStore(openDatabase({ stateDir: dir }));
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
    const refused = await run('src/cli/review.ts', 'approve', String(missing.id), '--same-event', 'duplicate');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('Not approved: there is no incident "ged-999999999".');
    expect((await store.draft(missing.id))!.status).toBe('pending');
    // a shipped GED record (its id from data/incidents/ucdp-ged-iraq.ndjson)
    const linked = await add('baqubah-market-2026-12-03', 'ged-176092');
    const ok = await run('src/cli/review.ts', 'approve', String(linked.id), '--same-event', 'duplicate', '--as', 'tester');
    expect(ok).toMatchObject({ code: 0 });
    expect((await store.publishedDataset()).incidents.find((i) => i.id === 'baqubah-market-2026-12-03')!.sameEventAs).toBe('ged-176092');
    // a chain is refused: name the primary instead
    const chained = await add('baqubah-market-2026-12-04', null);
    const chain = await run('src/cli/review.ts', 'approve', String(chained.id), '--same-event', 'baqubah-market-2026-12-03');
    expect(chain.err).toContain('is itself linked to "ged-176092": link to "ged-176092" instead');
  });
});
