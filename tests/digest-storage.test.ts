import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DigestRunner } from '../src/digest/runner.ts';
import { PgDigestStore } from '../src/digest/pg-digest-store.ts';
import { SqliteDigestStore } from '../src/digest/sqlite-digest-store.ts';
import type { DigestStore } from '../src/digest/store.ts';
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate, openDatabase, SchemaTooNewError, type Db } from '../src/storage/db.ts';
import { PG_MIGRATIONS } from '../src/storage/pg-schema/index.ts';
import { openPostgres } from '../src/storage/postgres.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';
import { startTestPostgres, type TestPostgres } from '../testkit/postgres.ts';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'digest-storage-'));
  dirs.push(d);
  return d;
};
const open = (dir: string) => {
  const db = openDatabase({ stateDir: dir });
  dbs.push(db);
  return db;
};

describe('digest storage (SQLite)', () => {
  it('opens in WAL mode with every migration applied once, also from two connections at once', () => {
    const dir = tmp();
    const a = open(dir);
    const b = open(dir);
    expect(a.pragma('journal_mode', { simple: true })).toBe('wal');
    const latest = Math.max(...MIGRATIONS.map((m) => m.version));
    expect(a.pragma('user_version', { simple: true })).toBe(latest);
    expect(migrate(b)).toBe(latest); // nothing left to apply, no error
    const tables = (a.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['digest_deliveries', 'digest_subscriptions', 'incident_first_seen', 'meta'])); // and the feeds' and review's
  });

  it('refuses a database a newer schema version wrote, naming both versions, and leaves it as it was', () => {
    const dir = tmp();
    open(dir).close();
    const latest = Math.max(...MIGRATIONS.map((m) => m.version));
    const file = join(dir, 'incident-bot.sqlite');
    const raw = new Database(file);
    raw.pragma('journal_mode = DELETE');
    raw.pragma(`user_version = ${latest + 3}`);
    raw.close();
    expect(() => openDatabase({ stateDir: dir })).toThrow(SchemaTooNewError);
    expect(() => openDatabase({ stateDir: dir })).toThrow(new RegExp(`schema version ${latest + 3}, newer than this version of the bot knows \\(${latest}\\)`));
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(latest + 3);
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    after.close();
    // migrate() on an already open connection refuses it too
    const mem = openDatabase({ memory: true });
    dbs.push(mem);
    mem.pragma(`user_version = ${latest + 1}`);
    expect(() => migrate(mem)).toThrow(/newer than this version of the bot knows/);
  });

  it('a claim is exclusive across connections (two shard processes sharing the file)', async () => {
    const dir = tmp();
    const s1 = new SqliteDigestStore(open(dir));
    const db2 = open(dir);
    db2.pragma('busy_timeout = 20'); // fail fast instead of waiting 5 s for the other connection's lock
    const s2 = new SqliteDigestStore(db2);
    await s1.setSubscription({ guildId: 'g', channelId: 'c', time: '08:00', timeZone: 'UTC', placeId: null }, 0);
    const compose = () => ({ body: '{}', nonce: 'n', digestDay: '2019-08-22', recordedUntil: 1 });
    const N = 20;
    const results: string[] = [];
    for (let i = 0; i < N; i++) {
      const key = { guildId: 'g', localDate: `2019-09-${String(i + 1).padStart(2, '0')}` };
      // Connection 2 claims the same key while connection 1 is inside its claim: it has read "no row"
      // and composes. Only a claim that holds the write lock from its first read keeps 2 out.
      // (SQLite's store is synchronous behind the async interface: the inner claim has settled when it returns.)
      let inner: Promise<void> = Promise.resolve();
      const first = await s1.claim(key, 'p1', 10, 60_000, () => {
        inner = s2.claim(key, 'p2', 11, 60_000, compose).then(
          (c) => void results.push(`inner:${c?.kind ?? 'none'}`),
          (e: unknown) => void results.push(`inner:${(e as { code?: string }).code}`),
        );
        return compose();
      });
      await inner;
      results.push(`outer:${first?.kind ?? 'none'}`);
      expect(await s2.claim(key, 'p2', 12, 60_000, compose)).toBeNull(); // and afterwards it sees the claim
    }
    expect(results.filter((r) => r === 'outer:first')).toHaveLength(N);
    expect(results.filter((r) => r.endsWith(':first'))).toHaveLength(N); // exactly one first per key
    expect(new Set(results.filter((r) => r.startsWith('inner:')))).toEqual(new Set(['inner:SQLITE_BUSY']));
  });

  it("node-cron's missed-execution warning goes through the logger at debug level, not to the console", async () => {
    const store = new SqliteDigestStore(open(tmp()));
    const ds = seedDataset();
    const lines: { level: string; msg: string | undefined }[] = [];
    const logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => [level, (_o: object, msg?: string) => void lines.push({ level, msg })]),
    ) as unknown as ConstructorParameters<typeof DigestRunner>[0]['logger'];
    const consoleCalls: unknown[][] = [];
    const spies = (['warn', 'info', 'debug', 'error', 'log'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void consoleCalls.push(a)),
    );
    try {
      const runner = new DigestRunner({ store, dataset: () => ds, sender: { send: async () => ({ id: '1' }) }, logger });
      runner.start('* * * * * *');
      await new Promise((r) => setTimeout(r, 50));
      const until = Date.now() + 2600;
      while (Date.now() < until); // the event loop stalls: ticks are missed
      await new Promise((r) => setTimeout(r, 1200));
      await runner.stop();
    } finally {
      for (const s of spies) s.mockRestore();
    }
    expect(consoleCalls.filter((a) => String(a[0]).includes('NODE-CRON'))).toEqual([]);
    expect(lines.filter((l) => l.msg?.includes('missed')).map((l) => l.level)).toContain('debug');
    expect(lines.filter((l) => l.msg?.includes('missed') && l.level !== 'debug')).toEqual([]);
  });
});

// ------------------------------------------------------------------------------ one suite, both backends

/** A store location shared by several "processes" (each opens its own connection to it). */
interface Location {
  open(): Promise<DigestStore>;
  /** Claims each day with `owner`, as another process would (its own connection; SQLite: its own thread). */
  claimAll(days: readonly string[], owner: string, now: number, start: SharedArrayBuffer): Promise<string[]>;
}

let server: TestPostgres | null = null;
let databases = 0;
const pools: pg.Pool[] = [];
beforeAll(async () => {
  server = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  for (const p of pools.splice(0)) await p.end().catch(() => undefined);
  await server?.stop();
});

const backends: { name: string; location(): Promise<Location> }[] = [
  {
    name: 'SQLite',
    async location() {
      const dir = tmp();
      return {
        open: async () => new SqliteDigestStore(open(dir)),
        claimAll: (days, owner, now, start) => claimInWorker(dir, days, owner, now, start),
      };
    },
  },
  {
    name: 'PostgreSQL',
    async location() {
      const url = await server!.createDatabase(`digest_${++databases}`);
      const openOne = async () => {
        const pool = await openPostgres(url, PG_MIGRATIONS);
        pools.push(pool);
        return new PgDigestStore(pool);
      };
      return {
        open: openOne,
        async claimAll(days, owner, now) {
          const store = await openOne();
          const won: string[] = [];
          for (const localDate of days) {
            const c = await store.claim({ guildId: 'g', localDate }, owner, now, 60_000, () => {
              throw new Error('no first claims here');
            });
            if (c) won.push(`${localDate}:${c.kind}`);
          }
          return won;
        },
      };
    },
  },
];

/** SQLite: a worker thread with its own connection to the file, started together with the other through `start`. */
function claimInWorker(dir: string, days: readonly string[], owner: string, now: number, start: SharedArrayBuffer): Promise<string[]> {
  const storeUrl = new URL('../src/digest/sqlite-digest-store.ts', import.meta.url).href;
  const dbUrl = new URL('../src/storage/db.ts', import.meta.url).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      (await import('tsx/esm/api')).register(); // this worker loads the TypeScript sources itself
      const { SqliteDigestStore } = await import(workerData.storeUrl);
      const { openDatabase } = await import(workerData.dbUrl);
      const store = new SqliteDigestStore(openDatabase({ stateDir: workerData.dir }));
      const sab = new Int32Array(workerData.start);
      Atomics.add(sab, 0, 1);
      while (Atomics.load(sab, 0) < 2) {} // both ready: go together
      const won = [];
      for (const localDate of workerData.days) {
        const c = await store.claim({ guildId: 'g', localDate }, workerData.owner, workerData.now, 60_000, () => { throw new Error('no first claims here'); });
        if (c) won.push(localDate + ':' + c.kind);
      }
      store.db.close();
      parentPort.postMessage(won);
    })().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
  `;
  return new Promise<string[]>((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { storeUrl, dbUrl, dir, days, owner, now, start } });
    w.once('message', (m: string[] | { error: string }) => (Array.isArray(m) ? resolve(m) : reject(new Error(m.error))));
    w.once('error', reject);
  });
}

const SUB = { guildId: 'g', channelId: 'c', time: '08:00', timeZone: 'UTC', placeId: null };
const composed = (localDate: string, recordedUntil = 0) => ({ body: '{}', nonce: `n-${localDate}`, digestDay: localDate, recordedUntil });

describe.each(backends)('digest storage: the same rules on $name', (backend) => {
  it('two processes racing for the same retries and stale attempts: each is taken over exactly once', async () => {
    const loc = await backend.location();
    const store = await loc.open();
    await store.setSubscription(SUB, 0);
    const N = 150;
    const days = Array.from({ length: N }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    // Half the rows wait for a retry, half were left 'sending' by a dead process long ago.
    for (const [i, localDate] of days.entries()) {
      await store.claim({ guildId: 'g', localDate }, 'dead', 0, 60_000, () => composed(localDate));
      if (i % 2) await store.markRetry('g', localDate, '500', true, 1, 0);
    }
    const start = new SharedArrayBuffer(4);
    const [a, b] = await Promise.all([loc.claimAll(days, 'p1', 1_000_000, start), loc.claimAll(days, 'p2', 1_000_000, start)]);
    const all = [...a, ...b];
    expect(all).toHaveLength(N); // every row taken over once, by one of the two
    expect(new Set(all.map((x) => x.split(':')[0]))).toEqual(new Set(days));
    expect(all.filter((x) => x.endsWith(':retry'))).toHaveLength(N / 2);
    for (const localDate of days) expect((await store.getDelivery('g', localDate))!.attempts).toBe(2);
  }, 60_000);

  it('a first claim is made once: of two processes claiming the same new (guild, day) together, one composes and sends', async () => {
    const loc = await backend.location();
    const [s1, s2] = [await loc.open(), await loc.open()];
    await s1.setSubscription(SUB, 0);
    const days = Array.from({ length: 40 }, (_, i) => `2021-01-${String(i + 1).padStart(2, '0')}`).slice(0, 31);
    let composedCount = 0;
    const claimAs = (s: DigestStore, owner: string, localDate: string) =>
      s.claim({ guildId: 'g', localDate }, owner, 100, 60_000, () => {
        composedCount++;
        return composed(localDate);
      });
    const results = await Promise.all(days.flatMap((d) => [claimAs(s1, 'p1', d), claimAs(s2, 'p2', d)]));
    const firsts = results.filter((r) => r?.kind === 'first');
    expect(firsts).toHaveLength(days.length);
    expect(results.filter((r) => r === null)).toHaveLength(days.length);
    expect(composedCount).toBeGreaterThanOrEqual(days.length); // a loser may have composed, but never inserted
    for (const d of days) expect(await s2.getDelivery('g', d)).toMatchObject({ status: 'sending', attempts: 1, nonce: `n-${d}` });
  });

  it("claims: another owner's live attempt is left alone, taken over once stale (not by its own owner), a due retry moves to the channel now set", async () => {
    const loc = await backend.location();
    const store = await loc.open();
    await store.setSubscription(SUB, 0);
    const key = { guildId: 'g', localDate: '2019-08-23' };
    const first = await store.claim(key, 'a', 1000, 60_000, (sub, prev) => {
      expect(sub).toMatchObject({ guildId: 'g', channelId: 'c', enabled: true });
      expect(prev).toBeNull();
      return composed(key.localDate, 500);
    });
    expect(first).toMatchObject({ kind: 'first', previousClaimedAt: null, delivery: { status: 'sending', owner: 'a', channelId: 'c', recordedUntil: 500 } });
    expect(await store.claim(key, 'b', 1000 + 59_999, 60_000, () => composed('x'))).toBeNull(); // alive
    expect(await store.claim(key, 'a', 1000 + 600_000, 60_000, () => composed('x'))).toBeNull(); // its own: never "stale"
    await store.bumpAttempt('g', key.localDate, '502', true, 30_000); // renews the lease
    expect(await store.claim(key, 'b', 30_000 + 59_999, 60_000, () => composed('x'))).toBeNull();
    const rec = await store.claim(key, 'b', 30_000 + 60_000, 60_000, () => composed('x'), { at: 12.5, origin: 'boot-b' });
    expect(rec).toMatchObject({ kind: 'recover', previousClaimedAt: 30_000, delivery: { owner: 'b', attempts: 3, maybePosted: true, firstAttemptAt: 1000 } });
    // Left for later; meanwhile /digest set moved the digest: the retry goes to the new channel only if nothing may have posted it.
    await store.markRetry('g', key.localDate, '503', false, 200_000, 100_000);
    await store.setSubscription({ ...SUB, channelId: 'c2' }, 150_000);
    expect(await store.claim(key, 'a', 199_999, 60_000, () => composed('x'))).toBeNull(); // not yet
    const retry = await store.claim(key, 'a', 200_000, 60_000, () => composed('x'), { at: 7, origin: 'boot-a' });
    // maybe_posted was set by the bump: the same channel (only it deduplicates by nonce), the same window
    expect(retry).toMatchObject({ kind: 'retry', delivery: { channelId: 'c', firstAttemptAt: 1000, attempts: 4 } });
    await store.restartWindow('g', key.localDate, 210_000, { at: 9, origin: 'boot-a' });
    expect(await store.getDelivery('g', key.localDate)).toMatchObject({
      maybePosted: false,
      firstAttemptAt: 210_000,
      firstAttemptMono: 9,
      monoOrigin: 'boot-a',
    });
    await store.markRetry('g', key.localDate, '503', false, 220_000, 211_000);
    const moved = await store.claim(key, 'b', 220_000, 60_000, () => composed('x'), { at: 11, origin: 'boot-b' });
    expect(moved).toMatchObject({ kind: 'retry', delivery: { channelId: 'c2', firstAttemptAt: 220_000, firstAttemptMono: 11, monoOrigin: 'boot-b' } });
    await store.markSent('g', key.localDate, 'm1', 221_000);
    await store.markSent('g', key.localDate, 'm2', 222_000); // only 'sending' becomes 'sent'
    await store.markRetry('g', key.localDate, 'late', true, 0, 223_000);
    expect(await store.getDelivery('g', key.localDate)).toMatchObject({ status: 'sent', messageId: 'm1', sentAt: 221_000, lastError: null });
    expect(await store.claim(key, 'c', 10_000_000, 60_000, () => composed('x'))).toBeNull(); // sent: never again
    expect(await store.lastSent('g')).toMatchObject({ localDate: key.localDate, messageId: 'm1' });
    // The next day's first attempt is composed after the last digest sent before it.
    const next = { guildId: 'g', localDate: '2019-08-24' };
    await store.claim(next, 'a', 300_000, 60_000, (_sub, prev) => {
      expect(prev).toMatchObject({ localDate: '2019-08-23', recordedUntil: 500 });
      return composed(next.localDate, 900);
    });
    expect(await store.lastSentBefore('g', '2019-08-24')).toMatchObject({ localDate: '2019-08-23' });
    expect(await store.lastDelivery('g')).toMatchObject({ localDate: '2019-08-24', status: 'sending' });
    expect((await store.deliveriesFrom('2019-08-24')).map((d) => [d.localDate, d.status, d.owner])).toEqual([['2019-08-24', 'sending', 'a']]);
  });

  it('ending: failed turns the subscription off with its reason; /digest set reopens a failed day; a subscription off is never claimed', async () => {
    const loc = await backend.location();
    const store = await loc.open();
    await store.setSubscription(SUB, 0);
    expect(await store.enabledCount()).toBe(1);
    const key = { guildId: 'g', localDate: '2019-08-23' };
    await store.claim(key, 'a', 1000, 60_000, () => composed(key.localDate));
    await store.markEnded('g', key.localDate, 'failed', 'Missing Access', 2000, 'Turned off: no access');
    expect(await store.getDelivery('g', key.localDate)).toMatchObject({ status: 'failed', lastError: 'Missing Access', nextAttemptAt: null });
    expect(await store.getSubscription('g')).toMatchObject({ enabled: false, disabledReason: 'Turned off: no access', disabledAt: 2000 });
    expect(await store.enabledSubscriptions()).toEqual([]);
    expect(await store.claim({ guildId: 'g', localDate: '2019-08-24' }, 'a', 3000, 60_000, () => composed('x'))).toBeNull();
    expect(await store.disable('g', 'again', 3000)).toBe(false); // already off
    const sub = await store.setSubscription({ ...SUB, channelId: 'c3', updatedBy: 'u1' }, 4000);
    expect(sub).toMatchObject({ enabled: true, channelId: 'c3', activeSince: 4000, disabledReason: null, createdAt: 0, updatedAt: 4000 });
    expect(await store.reopenFailed('g', key.localDate, 'c3', 4000)).toBe(true);
    expect(await store.reopenFailed('g', key.localDate, 'c3', 4000)).toBe(false);
    expect(await store.getDelivery('g', key.localDate)).toMatchObject({ status: 'retry', channelId: 'c3', nextAttemptAt: 4000 });
    expect(await store.claim(key, 'b', 4000, 60_000, () => composed('x'))).toMatchObject({ kind: 'retry', delivery: { channelId: 'c3' } });
    await store.markEnded('g', key.localDate, 'unknown', 'may have been posted', 5000);
    expect(await store.getDelivery('g', key.localDate)).toMatchObject({ status: 'unknown' });
    expect(await store.getSubscription('g')).toMatchObject({ enabled: true });
    expect(await store.getSubscription('nobody')).toBeNull();
    expect(await store.getDelivery('nobody', key.localDate)).toBeNull();
  });

  it('first-seen: the first ids are the baseline (once, also for two processes at once); later ones are late reports, in time order', async () => {
    const loc = await backend.location();
    const [s1, s2] = [await loc.open(), await loc.open()];
    const results = await Promise.all([s1.recordSeen(['a', 'b', 'c'], 1), s2.recordSeen(['a', 'b', 'c'], 1)]);
    expect(results.filter((r) => r.baseline)).toHaveLength(1);
    expect(results.map((r) => r.added).sort()).toEqual([0, 3]);
    expect(await s1.recordSeen(['a', 'z', 'y'], 5)).toEqual({ added: 2, baseline: false });
    expect(await s1.recordSeen([], 6)).toEqual({ added: 0, baseline: false });
    expect((await s2.seenLog()).between(0, 10)).toEqual(['y', 'z']);
    expect((await s2.seenLog()).between(5, 10)).toEqual([]);
    expect(await s1.getMeta('seen_baseline_at')).toBe('1');
    await s1.setMeta('k', 'v1');
    await s2.setMeta('k', 'v2');
    expect(await s1.getMeta('k')).toBe('v2');
    expect(await s1.getMeta('none')).toBeNull();
  });

  it('a first-seen snapshot is read again when another process records new incidents, and kept otherwise', async () => {
    const loc = await backend.location();
    const s1 = await loc.open();
    const s2 = await loc.open();
    await s1.recordSeen(['a', 'b'], 1); // the baseline
    await s2.recordSeen(['c'], 5);
    expect((await s1.seenLog()).between(0, 10)).toEqual(['c']);
    await s2.recordSeen(['d'], 7); // another shard process picked up a newer dataset
    expect((await s1.seenLog()).between(0, 10)).toEqual(['c', 'd']);
    const cached = await s1.seenLog();
    await s2.setSubscription({ guildId: 'g', channelId: 'c', time: '08:00', timeZone: 'UTC', placeId: null }, 0); // other writes keep it
    await s2.recordSeen(['c', 'd'], 9); // nothing new
    expect(await s1.seenLog()).toBe(cached);
  });

  it('the scheduler ticks on node-cron and stops cleanly', async () => {
    const store = await (await backend.location()).open();
    let sends = 0;
    await store.setSubscription({ guildId: 'g', channelId: 'c', time: '00:00', timeZone: 'UTC', placeId: null }, Date.parse('2019-08-22T23:00:00Z'));
    const ds = seedDataset();
    let now = Date.parse('2019-08-22T23:59:00Z');
    const runner = new DigestRunner({ store, dataset: () => ds, sender: { send: async () => ({ id: String(++sends) }) }, clock: () => new Date(now) });
    runner.start('* * * * * *'); // every second; the first tick (at start) finds nothing due
    await new Promise((r) => setTimeout(r, 300));
    expect(sends).toBe(0);
    now = Date.parse('2019-08-23T09:00:00Z'); // only a cron tick can send it now
    await vi.waitFor(() => expect(sends).toBeGreaterThan(0), { timeout: 5000, interval: 50 });
    await new Promise((r) => setTimeout(r, 1200)); // another tick or two: nothing more to send
    await runner.stop();
    expect(sends).toBe(1);
    expect(await store.getDelivery('g', '2019-08-23')).toMatchObject({ status: 'sent', messageId: '1' });
  });
});
