import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Dataset } from '../src/core/dataset.ts';
import { DigestRunner, digestNonce, type DigestRunnerOptions } from '../src/digest/runner.ts';
import type { DigestMessageBody, DigestSender } from '../src/digest/sender.ts';
import { DigestStore } from '../src/digest/store.ts';
import { openDatabase, type Db } from '../src/storage/db.ts';
import type { Incident } from '../src/schema/index.ts';
import { seedDataset } from './helpers/seed-dataset.ts';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(dir?: string): { db: Db; dir: string } {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'digest-test-'));
  if (!dir) dirs.push(d);
  const db = openDatabase({ dataDir: d });
  dbs.push(db);
  return { db, dir: d };
}

const apiError = (status: number, code: number, message: string) => Object.assign(new Error(message), { status, code, name: 'DiscordAPIError' });

/** Posts like Discord: a message id per post, and with enforce_nonce the first message again for a repeated nonce. */
class FakeSender implements DigestSender {
  readonly posted: { channelId: string; body: DigestMessageBody; id: string }[] = [];
  readonly requests: { channelId: string; body: DigestMessageBody }[] = [];
  readonly failures: (Error | null)[] = [];
  /** Set to hold every request until released (a process dying mid-request). */
  hold: Promise<void> | null = null;
  private n = 0;
  async send(channelId: string, body: DigestMessageBody) {
    this.requests.push({ channelId, body });
    if (this.hold) await this.hold;
    const f = this.failures.shift();
    if (f) throw f;
    const dup = body.enforce_nonce && this.posted.find((p) => p.channelId === channelId && p.body.nonce === body.nonce);
    if (dup) return { id: dup.id };
    const id = String(1_000_000 + ++this.n);
    this.posted.push({ channelId, body, id });
    return { id };
  }
}

class Clock {
  constructor(public t: number) {}
  now = () => new Date(this.t);
  set(iso: string) {
    this.t = Date.parse(iso);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

function setup(opts: { dir?: string; clock?: Clock; sender?: FakeSender; dataset?: () => Dataset; runner?: Partial<DigestRunnerOptions> } = {}) {
  const { db, dir } = tempDb(opts.dir);
  const store = new DigestStore(db);
  const clock = opts.clock ?? new Clock(Date.parse('2019-08-22T12:00:00Z'));
  const sender = opts.sender ?? new FakeSender();
  const ds = seedDataset();
  const runner = new DigestRunner({
    store,
    dataset: opts.dataset ?? (() => ds),
    sender,
    clock: clock.now,
    sleep: async () => {},
    retry: { requests: 3, baseDelayMs: 1 },
    rateLimit: { limit: 1000, windowMs: 1000 },
    ...opts.runner,
  });
  return { db, dir, store, clock, sender, runner };
}

const subscribe = (store: DigestStore, guildId: string, at: number, extra: Partial<{ time: string; timeZone: string; channelId: string; placeId: string | null }> = {}) =>
  store.setSubscription({ guildId, channelId: extra.channelId ?? `c${guildId}`, time: extra.time ?? '08:00', timeZone: extra.timeZone ?? 'Asia/Baghdad', placeId: extra.placeId ?? null }, at);

describe('digest delivery', () => {
  it('records the delivery before sending, marks it sent with the message id, and never sends it twice', async () => {
    const { store, clock, sender, runner } = setup();
    subscribe(store, 'g1', clock.t);
    clock.set('2019-08-23T04:59:00Z');
    expect((await runner.tick()).due).toBe(0);
    clock.set('2019-08-23T05:00:00Z'); // 08:00 in Baghdad
    let seenRowDuringSend: string | undefined;
    const send = sender.send.bind(sender);
    sender.send = async (c, b) => {
      seenRowDuringSend = store.getDelivery('g1', '2019-08-23')?.status;
      return send(c, b);
    };
    expect((await runner.tick()).outcomes.sent).toBe(1);
    expect(seenRowDuringSend).toBe('sending');
    const d = store.getDelivery('g1', '2019-08-23')!;
    expect(d).toMatchObject({ status: 'sent', attempts: 1, messageId: sender.posted[0]!.id, digestDay: '2019-08-22', lastError: null });
    expect(sender.posted[0]!.body).toMatchObject({ nonce: digestNonce('g1', '2019-08-23'), enforce_nonce: true, allowed_mentions: { parse: [] } });
    expect(sender.posted[0]!.body.nonce.length).toBeLessThanOrEqual(25);
    clock.advance(60_000);
    await runner.tick();
    clock.set('2019-08-23T20:00:00Z');
    await runner.tick();
    expect(sender.requests).toHaveLength(1);
    clock.set('2019-08-24T05:00:00Z');
    await runner.tick();
    expect(sender.posted.map((p) => p.channelId)).toEqual(['cg1', 'cg1']);
  });

  it('catches up today\'s digest after a restart, and a restarted process does not resend a sent one', async () => {
    const first = setup();
    subscribe(first.store, 'g1', first.clock.t);
    subscribe(first.store, 'g2', first.clock.t, { time: '23:00' });
    first.clock.set('2019-08-23T05:00:00Z');
    await first.runner.tick();
    await first.runner.stop();
    expect(first.sender.posted).toHaveLength(1);
    // "restart" at 23:30 Baghdad time: g2 (23:00) was due meanwhile, g1 was sent
    const clock = new Clock(Date.parse('2019-08-23T20:30:00Z'));
    const again = setup({ dir: first.dir, clock });
    const r = await again.runner.tick();
    expect(r.outcomes.sent).toBe(1);
    expect(again.sender.posted.map((p) => p.channelId)).toEqual(['cg2']);
  });

  it('retries 5xx and timeouts with backoff, then leaves it for a later tick; nothing lost or doubled', async () => {
    const { store, clock, sender, runner } = setup({ runner: { nextAttempt: { baseMs: 60_000, maxMs: 600_000, maxAttemptsPerDay: 10 } } });
    subscribe(store, 'g1', clock.t);
    clock.set('2019-08-23T05:00:00Z');
    const e500 = apiError(500, 0, 'Internal Server Error');
    const timeout = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    sender.failures.push(e500, timeout, e500, e500);
    expect((await runner.tick()).outcomes['retry-later']).toBe(1);
    expect(sender.requests).toHaveLength(3);
    const d = store.getDelivery('g1', '2019-08-23')!;
    expect(d).toMatchObject({ status: 'retry', attempts: 3, nextAttemptAt: clock.t + 60_000 });
    expect(d.lastError).toContain('500');
    clock.advance(30_000);
    expect((await runner.tick()).due).toBe(0); // not yet
    clock.advance(30_000);
    expect((await runner.tick()).outcomes.sent).toBe(1); // one more 500, then it goes
    expect(sender.requests).toHaveLength(5);
    expect(new Set(sender.requests.map((r) => JSON.stringify(r.body))).size).toBe(1); // every attempt sends the same body
    expect(sender.posted).toHaveLength(1);
    expect(store.getDelivery('g1', '2019-08-23')).toMatchObject({ status: 'sent', attempts: 5 });
  });

  it.each([
    [403, 50013, 'Missing Permissions', /50013/],
    [403, 50001, 'Missing Access', /50001/],
    [404, 10003, 'Unknown Channel', /10003/],
  ])('turns the subscription off at once on %i/%i and records why', async (status, code, message, why) => {
    const { store, clock, sender, runner } = setup();
    subscribe(store, 'g1', clock.t);
    clock.set('2019-08-23T05:00:00Z');
    sender.failures.push(apiError(status, code, message));
    expect((await runner.tick()).outcomes.disabled).toBe(1);
    expect(sender.requests).toHaveLength(1);
    const sub = store.getSubscription('g1')!;
    expect(sub.enabled).toBe(false);
    expect(sub.disabledReason).toMatch(why);
    expect(store.getDelivery('g1', '2019-08-23')).toMatchObject({ status: 'failed' });
    clock.set('2019-08-24T05:00:00Z');
    await runner.tick();
    expect(sender.requests).toHaveLength(1);
    // /digest set turns it back on
    subscribe(store, 'g1', Date.parse('2019-08-24T06:00:00Z'));
    clock.set('2019-08-25T05:00:00Z');
    await runner.tick();
    expect(sender.posted).toHaveLength(1);
  });

  it('stops for the day on a body Discord rejects, keeping the subscription', async () => {
    const { store, clock, sender, runner } = setup();
    subscribe(store, 'g1', clock.t);
    clock.set('2019-08-23T05:00:00Z');
    sender.failures.push(apiError(400, 50035, 'Invalid Form Body'));
    expect((await runner.tick()).outcomes.failed).toBe(1);
    expect(store.getSubscription('g1')!.enabled).toBe(true);
    clock.advance(3600_000);
    await runner.tick();
    expect(sender.requests).toHaveLength(1);
  });

  it('a process killed mid-request is recovered with the same nonce, so Discord posts it once', async () => {
    const sender = new FakeSender();
    const a = setup({ sender, runner: { owner: 'a' } });
    for (const g of ['g1', 'g2', 'g3']) subscribe(a.store, g, a.clock.t);
    a.clock.set('2019-08-23T05:00:00Z');
    let release!: () => void;
    sender.hold = new Promise((r) => (release = r));
    const tick = a.runner.tick();
    await new Promise((r) => setTimeout(r, 20));
    await Promise.all([a.runner.kill(), (async () => (release(), undefined))()]);
    await tick;
    sender.hold = null;
    // Discord received (and posted) all three; the killed process recorded none as sent
    expect(sender.posted).toHaveLength(3);
    expect(['g1', 'g2', 'g3'].map((g) => a.store.getDelivery(g, '2019-08-23')!.status)).toEqual(['sending', 'sending', 'sending']);
    const clock = new Clock(Date.parse('2019-08-23T05:00:30Z'));
    const b = setup({ dir: a.dir, clock, sender, runner: { owner: 'b' } });
    expect((await b.runner.tick()).due).toBe(0); // a's attempts are trusted for a minute
    clock.set('2019-08-23T05:01:00Z');
    expect((await b.runner.tick()).outcomes.sent).toBe(3);
    expect(sender.posted).toHaveLength(3); // deduplicated by nonce
    expect(sender.requests).toHaveLength(6);
    for (const g of ['g1', 'g2', 'g3']) expect(b.store.getDelivery(g, '2019-08-23')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('does not resend an attempt of a dead process older than the nonce window: never a second copy', async () => {
    const sender = new FakeSender();
    const a = setup({ sender, runner: { owner: 'a' } });
    subscribe(a.store, 'g1', a.clock.t);
    a.clock.set('2019-08-23T05:00:00Z');
    let release!: () => void;
    sender.hold = new Promise((r) => (release = r));
    const tick = a.runner.tick();
    await new Promise((r) => setTimeout(r, 20));
    const killed = a.runner.kill();
    release();
    await Promise.all([killed, tick]);
    sender.hold = null;
    const b = setup({ dir: a.dir, clock: new Clock(Date.parse('2019-08-23T05:30:00Z')), sender, runner: { owner: 'b' } });
    expect((await b.runner.tick()).outcomes.unknown).toBe(1);
    expect(sender.requests).toHaveLength(1);
    expect(b.store.getDelivery('g1', '2019-08-23')).toMatchObject({ status: 'unknown' });
    expect(b.store.getDelivery('g1', '2019-08-23')!.lastError).toMatch(/stopped while/);
  });

  it('with shards, only the process holding the guild sends', async () => {
    const sender = new FakeSender();
    const a = setup({ sender, runner: { holdsGuild: (g) => g === 'g1' } });
    subscribe(a.store, 'g1', a.clock.t);
    subscribe(a.store, 'g2', a.clock.t);
    const b = setup({ dir: a.dir, sender, clock: a.clock, runner: { holdsGuild: (g) => g === 'g2' } });
    a.clock.set('2019-08-23T05:00:00Z');
    await Promise.all([a.runner.tick(), b.runner.tick(), a.runner.tick()]);
    expect(sender.posted.map((p) => p.channelId).sort()).toEqual(['cg1', 'cg2']);
  });

  it('first run records existing incidents as a baseline, so the first digest has no flood of late reports; later additions are late reports exactly once', async () => {
    const seed = seedDataset();
    let current = seed;
    const { store, clock, sender, runner } = setup({ dataset: () => current });
    runner.recordDataset();
    expect(store.seenLog().size).toBe(0); // all baseline
    subscribe(store, 'g1', clock.t, { timeZone: 'UTC' });
    const base = seed.raw.incidents[0]!;
    const mk = (id: string, date: string): Incident => ({ ...base, id, date: { date, precision: 'exact' } });
    const days = ['2019-08-23', '2019-08-24', '2019-08-25', '2019-08-26', '2019-08-27', '2019-08-28'];
    const added: Incident[] = [];
    const all: string[] = [];
    for (const [i, day] of days.entries()) {
      // each morning before the digest: one incident of yesterday, one late (a week ago), one of today
      const fresh = [mk(`t-${i}-yesterday`, days[i - 1] ?? '2019-08-22'), mk(`t-${i}-late`, '2019-08-10'), mk(`t-${i}-today`, day)];
      added.push(...fresh);
      current = new Dataset({ ...seed.raw, incidents: [...seed.raw.incidents, ...added] });
      clock.set(`${day}T06:00:00Z`);
      await runner.tick();
      clock.set(`${day}T08:00:00Z`);
      if (day === '2019-08-25') continue; // the bot is down all day: no digest for the 25th
      await runner.tick();
      const d = sender.posted.at(-1)!.body.embeds![0] as { description: string };
      all.push(...[...d.description.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!));
    }
    expect(sender.posted).toHaveLength(5);
    // every incident dated up to the last digest's day is listed exactly once
    const expected = [...seed.raw.incidents, ...added].filter((inc) => inc.date.date <= '2019-08-27' && inc.date.date >= '2019-08-22').map((i) => i.id);
    const lateOnes = added.filter((a) => a.id.endsWith('-late')).map((a) => a.id);
    expect([...all].sort()).toEqual([...new Set([...expected, ...lateOnes])].sort());
    expect(new Set(all).size).toBe(all.length);
  });
});
