import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DigestRunner } from '../src/digest/runner.ts';
import { DigestStore } from '../src/digest/store.ts';
import Database from 'better-sqlite3';
import { MIGRATIONS, migrate, openDatabase, SchemaTooNewError, type Db } from '../src/storage/db.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';

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

describe('digest storage', () => {
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

  it('a claim is exclusive across connections (two shard processes sharing the file)', () => {
    const dir = tmp();
    const s1 = new DigestStore(open(dir));
    const db2 = open(dir);
    db2.pragma('busy_timeout = 20'); // fail fast instead of waiting 5 s for the other connection's lock
    const s2 = new DigestStore(db2);
    s1.setSubscription({ guildId: 'g', channelId: 'c', time: '08:00', timeZone: 'UTC', placeId: null }, 0);
    const compose = () => ({ body: '{}', nonce: 'n', digestDay: '2019-08-22', recordedUntil: 1 });
    const N = 20;
    const results: string[] = [];
    for (let i = 0; i < N; i++) {
      const key = { guildId: 'g', localDate: `2019-09-${String(i + 1).padStart(2, '0')}` };
      // Connection 2 claims the same key while connection 1 is inside its claim: it has read "no row"
      // and composes. Only a claim that holds the write lock from its first read keeps 2 out.
      const first = s1.claim(key, 'p1', 10, 60_000, () => {
        try {
          results.push(`inner:${s2.claim(key, 'p2', 11, 60_000, compose)?.kind ?? 'none'}`);
        } catch (e) {
          results.push(`inner:${(e as { code?: string }).code}`);
        }
        return compose();
      });
      results.push(`outer:${first?.kind ?? 'none'}`);
      expect(s2.claim(key, 'p2', 12, 60_000, compose)).toBeNull(); // and afterwards it sees the claim
    }
    expect(results.filter((r) => r === 'outer:first')).toHaveLength(N);
    expect(results.filter((r) => r.endsWith(':first'))).toHaveLength(N); // exactly one first per key
    expect(new Set(results.filter((r) => r.startsWith('inner:')))).toEqual(new Set(['inner:SQLITE_BUSY']));
  });

  it('two processes racing for the same retries and stale attempts: each is taken over exactly once', async () => {
    const dir = tmp();
    const store = new DigestStore(open(dir));
    store.setSubscription({ guildId: 'g', channelId: 'c', time: '08:00', timeZone: 'UTC', placeId: null }, 0);
    const N = 150;
    const days = Array.from({ length: N }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    // Half the rows wait for a retry, half were left 'sending' by a dead process long ago.
    for (const [i, localDate] of days.entries()) {
      store.claim({ guildId: 'g', localDate }, 'dead', 0, 60_000, () => ({ body: '{}', nonce: 'n', digestDay: localDate, recordedUntil: 0 }));
      if (i % 2) store.markRetry('g', localDate, '500', true, 1, 0);
    }
    const storeUrl = new URL('../src/digest/store.ts', import.meta.url).href;
    const dbUrl = new URL('../src/storage/db.ts', import.meta.url).href;
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      (async () => {
        (await import('tsx/esm/api')).register(); // this worker loads the TypeScript sources itself
        const { DigestStore } = await import(workerData.storeUrl);
        const { openDatabase } = await import(workerData.dbUrl);
        const store = new DigestStore(openDatabase({ stateDir: workerData.dir }));
        const sab = new Int32Array(workerData.start);
        Atomics.add(sab, 0, 1);
        while (Atomics.load(sab, 0) < 2) {} // both ready: go together
        const won = [];
        for (const localDate of workerData.days) {
          const c = store.claim({ guildId: 'g', localDate }, workerData.owner, 1_000_000, 60_000, () => { throw new Error('no first claims here'); });
          if (c) won.push(localDate + ':' + c.kind);
        }
        store.db.close();
        parentPort.postMessage(won);
      })().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
    `;
    const start = new SharedArrayBuffer(4);
    const run = (owner: string) =>
      new Promise<string[]>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { storeUrl, dbUrl, dir, days, owner, start } });
        w.once('message', (m: string[] | { error: string }) => (Array.isArray(m) ? resolve(m) : reject(new Error(m.error))));
        w.once('error', reject);
      });
    const [a, b] = await Promise.all([run('p1'), run('p2')]);
    const all = [...a, ...b];
    expect(all).toHaveLength(N); // every row taken over once, by one of the two
    expect(new Set(all.map((x) => x.split(':')[0]))).toEqual(new Set(days));
    expect(all.filter((x) => x.endsWith(':retry'))).toHaveLength(N / 2);
    for (const localDate of days) expect(store.getDelivery('g', localDate)!.attempts).toBe(2);
  }, 30_000);

  it('the scheduler ticks on node-cron and stops cleanly', async () => {
    const store = new DigestStore(open(tmp()));
    let sends = 0;
    store.setSubscription({ guildId: 'g', channelId: 'c', time: '00:00', timeZone: 'UTC', placeId: null }, Date.parse('2019-08-22T23:00:00Z'));
    const ds = seedDataset();
    let now = Date.parse('2019-08-22T23:59:00Z');
    const runner = new DigestRunner({ store, dataset: () => ds, sender: { send: async () => ({ id: String(++sends) }) }, clock: () => new Date(now) });
    runner.start('* * * * * *'); // every second; the first tick (at start) finds nothing due
    await new Promise((r) => setTimeout(r, 100));
    expect(sends).toBe(0);
    now = Date.parse('2019-08-23T09:00:00Z'); // only a cron tick can send it now
    await vi.waitFor(() => expect(sends).toBeGreaterThan(0), { timeout: 5000, interval: 50 });
    await new Promise((r) => setTimeout(r, 1200)); // another tick or two: nothing more to send
    await runner.stop();
    expect(sends).toBe(1);
    expect(store.getDelivery('g', '2019-08-23')).toMatchObject({ status: 'sent', messageId: '1' });
  });

  it('a first-seen snapshot is read again when another process records new incidents, and kept otherwise', () => {
    const dir = tmp();
    const s1 = new DigestStore(open(dir));
    const s2 = new DigestStore(open(dir));
    s1.recordSeen(['a', 'b'], 1); // the baseline
    s2.recordSeen(['c'], 5);
    expect(s1.seenLog().between(0, 10)).toEqual(['c']);
    s2.recordSeen(['d'], 7); // another shard process picked up a newer dataset
    expect(s1.seenLog().between(0, 10)).toEqual(['c', 'd']);
    const cached = s1.seenLog();
    s2.setSubscription({ guildId: 'g', channelId: 'c', time: '08:00', timeZone: 'UTC', placeId: null }, 0); // other writes keep it
    s2.recordSeen(['c', 'd'], 9); // nothing new
    expect(s1.seenLog()).toBe(cached);
  });

  it("node-cron's missed-execution warning goes through the logger at debug level, not to the console", async () => {
    const store = new DigestStore(open(tmp()));
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
