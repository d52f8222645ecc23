import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DigestRunner } from '../src/digest/runner.ts';
import { DigestStore } from '../src/digest/store.ts';
import { MIGRATIONS, migrate, openDatabase, type Db } from '../src/storage/db.ts';
import { seedDataset } from './helpers/seed-dataset.ts';

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
  const db = openDatabase({ dataDir: dir });
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
    expect(tables).toEqual(['digest_deliveries', 'digest_subscriptions', 'incident_first_seen', 'meta']);
  });

  it('a claim is exclusive across connections (two shard processes sharing the file)', () => {
    const dir = tmp();
    const s1 = new DigestStore(open(dir));
    const s2 = new DigestStore(open(dir));
    s1.setSubscription({ guildId: 'g', channelId: 'c', time: '08:00', timeZone: 'UTC', placeId: null }, 0);
    const compose = () => ({ body: '{}', nonce: 'n', digestDay: '2019-08-22', recordedUntil: 1 });
    const first = s1.claim({ guildId: 'g', localDate: '2019-08-23' }, 'p1', 10, 60_000, compose);
    const second = s2.claim({ guildId: 'g', localDate: '2019-08-23' }, 'p2', 11, 60_000, compose);
    expect(first?.kind).toBe('first');
    expect(second).toBeNull();
  });

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
    const until = Date.now() + 5000;
    while (sends === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1200)); // another tick or two: nothing more to send
    await runner.stop();
    expect(sends).toBe(1);
    expect(store.getDelivery('g', '2019-08-23')).toMatchObject({ status: 'sent', messageId: '1' });
  });
});
