import { execFile } from 'node:child_process';
import { cpSync, createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDigestWithSummary } from '../commands/kit/digest-message.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import { SqliteDigestStore } from '../src/digest/sqlite-digest-store.ts';
import { fetchRelease, ReleaseFetchError } from '../src/import/fetch-release.ts';
import { refreshGedIncidents, type Revision } from '../src/import/ged-refresh.ts';
import { importGed } from '../src/import/import-ged.ts';
import { GED_REVISIONS_FILE, refreshGedData } from '../src/import/refresh-ged-data.ts';
import { readExisting } from '../src/import/write-ged.ts';
import type { Actor, Place } from '../src/schema/index.ts';
import { openDatabase } from '../src/storage/db.ts';
import { SqliteLeaseStore } from '../src/storage/lease.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'ged');
const RELEASE_A = join(FIXTURES, 'refresh-release-a.csv');
const RELEASE_B = join(FIXTURES, 'refresh-release-b.csv');
const DATA = join(import.meta.dirname, '..', 'data');

/** A copy of data/ without the shipped GED import: the seed article's records, places and actors. */
function seedDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ged-refresh-'));
  cpSync(DATA, dir, { recursive: true });
  for (const name of readdirSync(join(dir, 'incidents'))) if (name.startsWith('ucdp-ged-')) rmSync(join(dir, 'incidents', name));
  rmSync(join(dir, 'places', 'ucdp-ged.json'));
  rmSync(join(dir, 'actors', 'ucdp-ged.json'));
  return dir;
}

let server: Server;
let base: string;
const bigBody = Buffer.alloc(64 * 1024, 'x');
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/release-b.csv') return res.writeHead(200, { 'content-type': 'text/csv' }).end(readFileSync(RELEASE_B));
    if (req.url === '/huge.csv') {
      // No content-length: the cap must be counted while reading.
      res.writeHead(200, { 'content-type': 'text/csv' });
      for (let i = 0; i < 8; i++) res.write(bigBody);
      return res.end();
    }
    if (req.url === '/slow.csv') return void res.writeHead(200, { 'content-type': 'text/csv' }).write('"id"\n'); // never ends
    res.writeHead(404).end('not here');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('refreshGedIncidents (by UCDP id)', () => {
  it('adds, updates with a revision, keeps unchanged, and keeps (never deletes) what the release lacks', async () => {
    const places = readExisting<Place>(DATA, 'places');
    const actors = readExisting<Actor>(DATA, 'actors');
    const a = await importGed(createReadStream(RELEASE_A), { existingPlaces: places, existingActors: actors });
    const b = await importGed(createReadStream(RELEASE_B), { existingPlaces: places, existingActors: actors });
    const r = refreshGedIncidents(a.incidents, b.incidents, { release: 'fixture release B', recordedAt: '2019-12-02T10:00:00.000Z' });
    expect(r.counts).toEqual({ added: 3, updated: 1, unchanged: 1, removedFromRelease: 1 });
    expect(r.addedIds).toEqual(['ged-900004', 'ged-900005', 'ged-900006']);
    expect(r.incidents.map((i) => i.id)).toEqual(['ged-900001', 'ged-900002', 'ged-900003', 'ged-900004', 'ged-900005', 'ged-900006']);
    const updated = r.revisions.find((x) => x.incidentId === 'ged-900002')!;
    expect(updated).toMatchObject({ change: 'updated', release: 'fixture release B', recordedAt: '2019-12-02T10:00:00.000Z' });
    const fatality = updated.fields.find((f) => f.field === 'fatalityEstimate')!;
    expect(fatality).toEqual({ field: 'fatalityEstimate', old: { low: 4, best: 4, high: 4 }, new: { low: 6, best: 6, high: 6 } });
    expect(updated.fields.map((f) => f.field)).toEqual(['casualties', 'fatalityEstimate', 'summary', 'evidence', 'citation']);
    expect(r.revisions.find((x) => x.incidentId === 'ged-900003')).toMatchObject({ change: 'removed-from-release', fields: [] });
    expect(r.revisions).toHaveLength(2);
    // The same release again: nothing changes, and the missing record is not reported a second time.
    const again = refreshGedIncidents(r.incidents, b.incidents, { release: 'fixture release B', recordedAt: '2019-12-03T10:00:00.000Z', earlier: r.revisions });
    expect(again.counts).toEqual({ added: 0, updated: 0, unchanged: 5, removedFromRelease: 1 });
    expect(again.revisions).toEqual([]);
  });
});

describe('a later release format', () => {
  it('takes dates written with a time of day, and leaves out (and counts) rows of other countries', async () => {
    const [header, ...lines] = readFileSync(RELEASE_B, 'utf8').trim().split('\n');
    const withTime = lines.map((l) => l.replaceAll('"2019-11-28","2019-11-28"', '"2019-11-28 00:00:00.000","2019-11-28 00:00:00.000"'));
    const yemen = lines[0]!.replace('"900001"', '"900099"').replaceAll('"Iraq"', '"Yemen (North Yemen)"');
    const csv = [header, ...withTime, yemen].join('\n');
    expect(csv).toContain('"2019-11-28 00:00:00.000"');
    const r = await importGed(Readable.from([csv]), {
      existingPlaces: readExisting<Place>(DATA, 'places'),
      existingActors: readExisting<Actor>(DATA, 'actors'),
    });
    expect(r.summary).toMatchObject({ read: 6, imported: 5, otherCountries: 1, skipped: {} });
    expect(r.incidents.find((i) => i.id === 'ged-900004')!.date).toEqual({ date: '2019-11-28', precision: 'exact' });
  });
});

describe('fetchRelease (a URL, within limits)', () => {
  it('downloads a release to a file', async () => {
    expect(readFileSync(await fetchRelease(`${base}/release-b.csv`))).toEqual(readFileSync(RELEASE_B));
  });
  it('refuses a body over the size limit, a server that never finishes, and an error status, saying which', async () => {
    await expect(fetchRelease(`${base}/huge.csv`, { timeoutMs: 5_000, maxBytes: 100_000 })).rejects.toThrow(
      /passed the limit of 100000 bytes; nothing was imported/,
    );
    await expect(fetchRelease(`${base}/slow.csv`, { timeoutMs: 300, maxBytes: 100_000 })).rejects.toThrow(/no complete answer within 0.3 s/);
    await expect(fetchRelease(`${base}/gone.csv`)).rejects.toThrow(ReleaseFetchError);
    await expect(fetchRelease(`${base}/gone.csv`)).rejects.toThrow(/HTTP 404/);
  });
});

describe('npm run import:ged -- <url> --refresh, then the digest', () => {
  it('updates the data folder, keeps revisions, reports counts, and the digest lists the added past events as late reports', { timeout: 120_000 }, async () => {
    const dir = seedDataDir();
    const first = await refreshGedData(createReadStream(RELEASE_A), { dataDir: dir, release: 'fixture release A', now: new Date('2019-11-26T10:00:00Z') });
    expect(first.counts).toEqual({ added: 3, updated: 0, unchanged: 0, removedFromRelease: 0 });
    const before = loadDataset(dir, { snapshot: false });

    // The digest's first-seen table, filled when the bot first saw the data (a baseline), as it runs.
    const store = new SqliteDigestStore(openDatabase({ memory: true }));
    const t0 = Date.parse('2019-11-27T00:00:00Z');
    await store.recordSeen(before.incidents.ids(), t0);

    // The state store the refresh takes its lease in (the bot's, in STATE_DIR).
    const stateDir = mkdtempSync(join(tmpdir(), 'ged-refresh-state-'));
    const refreshB = () =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', 'src/import/import-ged-cli.ts', `${base}/release-b.csv`, '--refresh', '--release', 'fixture release B', '--out', dir],
          { encoding: 'utf8', env: { ...process.env, STATE_DIR: stateDir, DATABASE_URL: '' } },
          (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    // Another refresh of the same folder holds the lease: this one is refused and changes nothing.
    const leaseDb = openDatabase({ stateDir });
    const leases = new SqliteLeaseStore(leaseDb);
    expect(await leases.acquire(`ged-refresh:${resolve(dir)}`, 'other-machine:42', 60_000)).toBe(true);
    const refused = await refreshB();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^import:ged: another refresh of .* is running \(other-machine:42; its lease runs until \d{4}-.*\); nothing was changed/);
    expect(loadDataset(dir, { snapshot: false }).incidents.ids()).toEqual(before.incidents.ids());
    await leases.release(`ged-refresh:${resolve(dir)}`, 'other-machine:42');

    const out = await refreshB();
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('from fixture release B (5 rows read)');
    expect(out.stdout).toContain('3 added, 1 updated, 1 unchanged, 1 no longer in this release (kept, not deleted).');
    expect(out.stdout).toContain(`2 revisions appended to ${join(dir, GED_REVISIONS_FILE)}`);

    const after = loadDataset(dir, { snapshot: false }); // still valid: every record, place and actor
    // credit follows the figures: the UCDP source names both releases merged into its records
    const ucdp = after.sources.get('ucdp-ged-191')!;
    expect(ucdp.title).toBe('UCDP Georeferenced Event Dataset (GED) 19.1 updated from fixture release A and fixture release B, Iraq and Syria');
    expect(ucdp.attribution).toMatch(/^Data: UCDP Georeferenced Event Dataset \(GED\) 19\.1 updated from fixture release A and fixture release B, CC BY 4\.0;/);
    expect(ucdp.notes.filter((n) => n.startsWith('Refreshed from the release'))).toHaveLength(2);
    expect(after.incident('ged-900003')).toEqual(before.incident('ged-900003')); // kept as it was
    expect(after.incident('ged-900002')!.fatalityEstimate).toEqual({ low: 6, best: 6, high: 6 });
    expect(queryIncidents(after, { placeId: 'diyala-province', from: '2019-11-20', to: '2019-11-30' }).total).toBe(6);
    const revisions = readFileSync(join(dir, GED_REVISIONS_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Revision);
    expect(revisions.map((r) => [r.incidentId, r.change, r.release])).toEqual([
      ['ged-900002', 'updated', 'fixture release B'],
      ['ged-900003', 'removed-from-release', 'fixture release B'],
    ]);

    // The bot sees the new ids (hot reload); the next digest (2 Dec, compiled on the 3rd) lists them as late reports.
    const t1 = Date.parse('2019-12-03T04:00:00Z');
    await store.recordSeen(after.incidents.ids(), t1);
    const recordedIds = (await store.seenLog()).between(t0, t1);
    expect([...recordedIds].sort()).toEqual(['ged-900004', 'ged-900005', 'ged-900006']);
    const window = { day: '2019-12-02', previousDay: '2019-12-01', recordedIds, at: new Date(t1) };
    const { payload, summary } = composeDigestWithSummary(after, window, { placeId: null }, 'UTC');
    const d = payload.embeds![0]!.description!;
    expect(summary.lateCount).toBe(3);
    expect(d).toContain('**Reported late**: 3 incidents from 28–30 Nov 2019 first recorded since the last digest (they occurred earlier).');
    for (const id of ['ged-900004', 'ged-900005', 'ged-900006']) expect(d).toContain(`\`${id}\``);
    expect(d).not.toContain('ged-900002'); // updated, not new: not a late report
    // The refresh gave its lease back when it finished.
    expect(await leases.live('ged-refresh:')).toEqual([]);
    leaseDb.close();
  });
});
