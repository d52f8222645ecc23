import { describe, expect, it } from 'vitest';
import { dueDigests, nextRun } from '../src/core/digest/due.ts';
import { localDate, localTime, scheduledInstant } from '../src/core/local-time.ts';
import type { DeliveryState, Subscription } from '../src/core/digest/types.ts';

const OWNER = 'me';
const opts = { owner: OWNER, staleAfterMs: 60_000 };
const T = (iso: string) => new Date(iso);

function sub(time: string, timeZone: string, extra: Partial<Subscription> = {}): Subscription {
  return {
    guildId: extra.guildId ?? `g-${timeZone}-${time}`,
    channelId: 'c1',
    time,
    timeZone,
    placeId: null,
    actorId: null,
    enabled: true,
    activeSince: Date.parse('2026-01-01T00:00:00Z'),
    disabledReason: null,
    disabledAt: null,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  };
}

const due = (s: Subscription, now: string, deliveries: DeliveryState[] = []) => dueDigests([s], T(now), deliveries, opts);

describe('localTime', () => {
  it("reads the same day and minute as the formatter's parts, across DST and outside four-digit years", () => {
    const formats = new Map<string, Intl.DateTimeFormat>();
    const parts = (t: number, timeZone: string) => {
      if (!formats.has(timeZone))
        formats.set(
          timeZone,
          new Intl.DateTimeFormat('en-US', {
            timeZone,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
          }),
        );
      const p = Object.fromEntries(
        formats
          .get(timeZone)!
          .formatToParts(t)
          .map((x) => [x.type, x.value]),
      );
      return { date: `${p.year}-${p.month}-${p.day}`, minutes: Number(p.hour) * 60 + Number(p.minute) };
    };
    const zones = ['UTC', 'Asia/Baghdad', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    const differ: string[] = [];
    for (const z of zones) {
      for (let t = Date.parse('2026-03-07T00:00:00Z'); t < Date.parse('2026-04-07T00:00:00Z'); t += 37 * 60_000) {
        const [a, b] = [localTime(t, z), parts(t, z)];
        if (a.date !== b.date || a.minutes !== b.minutes) differ.push(`${z} ${new Date(t).toISOString()}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
    expect(differ).toEqual([]);
    // en-CA's layout has a four-digit year: a later one is read from the parts
    expect(localTime(Date.parse('+010000-01-01T00:30:00Z'), 'UTC')).toEqual({ date: '10000-01-01', minutes: 30 });
  });
});

describe('scheduledInstant', () => {
  it('puts a time the clocks skip at the moment they jump, and a repeated time at its first occurrence', () => {
    // New York springs forward 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z): 02:30 does not exist.
    expect(scheduledInstant('2026-03-08', 150, 'America/New_York').toISOString()).toBe('2026-03-08T07:00:00.000Z');
    // New York falls back 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    expect(scheduledInstant('2026-11-01', 90, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    // London springs forward 2026-03-29 01:00 GMT -> 02:00 BST (01:00Z): 01:30 does not exist.
    expect(scheduledInstant('2026-03-29', 90, 'Europe/London').toISOString()).toBe('2026-03-29T01:00:00.000Z');
    // London falls back 2026-10-25 02:00 BST -> 01:00 GMT: 01:30 happens at 00:30Z (BST) and 01:30Z (GMT).
    expect(scheduledInstant('2026-10-25', 90, 'Europe/London').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    // Baghdad is UTC+3 all year; 00:30 local is 21:30Z the evening before.
    expect(scheduledInstant('2026-06-02', 30, 'Asia/Baghdad').toISOString()).toBe('2026-06-01T21:30:00.000Z');
  });

  it('is exact to the minute for any time the clocks skip, and for any size of jump', () => {
    // New York 2019-03-10: 02:00 EST -> 03:00 EDT (07:00Z); 02:40 runs at the jump, not ten minutes after it.
    expect(scheduledInstant('2019-03-10', 2 * 60 + 40, 'America/New_York').toISOString()).toBe('2019-03-10T07:00:00.000Z');
    // London 2019-03-31: 01:00 GMT -> 02:00 BST (01:00Z); 01:50 runs at 02:00 BST.
    expect(scheduledInstant('2019-03-31', 60 + 50, 'Europe/London').toISOString()).toBe('2019-03-31T01:00:00.000Z');
    // Lord Howe Island 2019-10-06: 02:00 +10:30 -> 02:30 +11 (15:30Z the day before); 02:10 runs at 02:30.
    expect(scheduledInstant('2019-10-06', 2 * 60 + 10, 'Australia/Lord_Howe').toISOString()).toBe('2019-10-05T15:30:00.000Z');
    // ... and the minutes just outside the gaps are themselves
    expect(scheduledInstant('2019-03-10', 60 + 59, 'America/New_York').toISOString()).toBe('2019-03-10T06:59:00.000Z');
    expect(scheduledInstant('2019-03-10', 3 * 60 + 1, 'America/New_York').toISOString()).toBe('2019-03-10T07:01:00.000Z');
    expect(scheduledInstant('2019-10-06', 2 * 60 + 31, 'Australia/Lord_Howe').toISOString()).toBe('2019-10-05T15:31:00.000Z');
    // Kathmandu is UTC+5:45: 05:45 local is midnight UTC
    expect(scheduledInstant('2019-06-01', 5 * 60 + 45, 'Asia/Kathmandu').toISOString()).toBe('2019-06-01T00:00:00.000Z');
    // Santiago skips midnight (00:00 -04 -> 01:00 -03): 00:30 runs at 01:00 -03
    expect(scheduledInstant('2019-09-08', 30, 'America/Santiago').toISOString()).toBe('2019-09-08T04:00:00.000Z');
  });
});

describe('dueDigests', () => {
  it('is due from the local time on, in the zone of the server (Asia/Baghdad, UTC+3, no DST)', () => {
    const s = sub('08:00', 'Asia/Baghdad');
    expect(due(s, '2026-06-01T04:59:59Z')).toEqual([]);
    expect(due(s, '2026-06-01T05:00:00Z')).toMatchObject([{ guildId: s.guildId, localDate: '2026-06-01', kind: 'first' }]);
    expect(due(s, '2026-06-01T20:59:00Z')).toMatchObject([{ localDate: '2026-06-01' }]);
  });

  it('uses the local day, not the UTC day, near midnight', () => {
    const s = sub('00:30', 'Asia/Baghdad');
    expect(due(s, '2026-06-01T21:29:00Z')).toEqual([]);
    expect(due(s, '2026-06-01T21:30:00Z')).toMatchObject([{ localDate: '2026-06-02' }]);
    const ny = sub('23:30', 'America/New_York');
    expect(due(ny, '2026-06-02T03:30:00Z')).toMatchObject([{ localDate: '2026-06-01' }]);
  });

  it('follows DST in Europe/London and America/New_York', () => {
    const lon = sub('08:00', 'Europe/London');
    expect(due(lon, '2026-03-28T07:59:00Z')).toEqual([]); // GMT: 08:00 local = 08:00Z
    expect(due(lon, '2026-03-28T08:00:00Z')).toHaveLength(1);
    expect(due(lon, '2026-03-29T06:59:00Z')).toEqual([]); // BST: 08:00 local = 07:00Z
    expect(due(lon, '2026-03-29T07:00:00Z')).toMatchObject([{ localDate: '2026-03-29' }]);
    const ny = sub('08:00', 'America/New_York');
    expect(due(ny, '2026-11-01T11:59:00Z')).toEqual([]); // EST from 2026-11-01: 13:00Z
    expect(due(ny, '2026-11-01T12:59:00Z')).toEqual([]);
    expect(due(ny, '2026-11-01T13:00:00Z')).toHaveLength(1);
    expect(due(ny, '2026-10-31T12:00:00Z')).toHaveLength(1); // EDT the day before: 12:00Z
  });

  it('runs a skipped time (spring forward) once when the clocks jump, and a repeated time once', () => {
    const ny = sub('02:30', 'America/New_York');
    expect(due(ny, '2026-03-08T06:59:00Z')).toEqual([]);
    expect(due(ny, '2026-03-08T07:00:00Z')).toMatchObject([{ localDate: '2026-03-08' }]);
    const lon = sub('01:30', 'Europe/London');
    const first = due(lon, '2026-10-25T00:30:00Z');
    expect(first).toMatchObject([{ localDate: '2026-10-25' }]);
    const sent: DeliveryState = { guildId: lon.guildId, localDate: '2026-10-25', status: 'sent', attempts: 1, owner: OWNER, claimedAt: 0, nextAttemptAt: null };
    expect(due(lon, '2026-10-25T01:30:00Z', [sent])).toEqual([]); // 01:30 again (GMT): already delivered
  });

  it("does not schedule today when the subscription was set after today's time", () => {
    const s = sub('08:00', 'Europe/London', { activeSince: Date.parse('2026-06-01T09:00:00Z') });
    expect(due(s, '2026-06-01T09:01:00Z')).toEqual([]);
    expect(due(s, '2026-06-02T07:00:00Z')).toHaveLength(1);
    expect(nextRun(s, T('2026-06-01T09:01:00Z'), false)?.toISOString()).toBe('2026-06-02T07:00:00.000Z');
  });

  it("catches up today's digest after a restart, but never repeats one recorded", () => {
    const s = sub('08:00', 'Asia/Baghdad');
    expect(due(s, '2026-06-01T18:00:00Z')).toMatchObject([{ kind: 'first' }]); // down from 07:00 to 21:00 local
    const d = (status: DeliveryState['status'], extra: Partial<DeliveryState> = {}): DeliveryState => ({
      guildId: s.guildId,
      localDate: '2026-06-01',
      status,
      attempts: 1,
      owner: 'other',
      claimedAt: Date.parse('2026-06-01T05:00:00Z'),
      nextAttemptAt: null,
      ...extra,
    });
    expect(due(s, '2026-06-01T18:00:00Z', [d('sent')])).toEqual([]);
    expect(due(s, '2026-06-01T18:00:00Z', [d('failed')])).toEqual([]);
    expect(due(s, '2026-06-01T18:00:00Z', [d('unknown')])).toEqual([]);
    expect(due(s, '2026-06-01T18:00:00Z', [d('retry', { nextAttemptAt: Date.parse('2026-06-01T18:05:00Z') })])).toEqual([]);
    expect(due(s, '2026-06-01T18:05:00Z', [d('retry', { nextAttemptAt: Date.parse('2026-06-01T18:05:00Z') })])).toMatchObject([{ kind: 'retry' }]);
    // an attempt of another process, claimed long ago: that process died mid-request
    expect(due(s, '2026-06-01T18:00:00Z', [d('sending')])).toMatchObject([{ kind: 'recover' }]);
    // ... but not one of this process, nor one claimed a moment ago
    expect(due(s, '2026-06-01T18:00:00Z', [d('sending', { owner: OWNER })])).toEqual([]);
    expect(due(s, '2026-06-01T18:00:00Z', [d('sending', { claimedAt: Date.parse('2026-06-01T17:59:30Z') })])).toEqual([]);
    // yesterday's missing digest is not sent late
    expect(due(s, '2026-06-02T04:00:00Z', [])).toEqual([]);
  });

  it("finishes yesterday's digest after midnight: a retry, a stale attempt, or one missed just before midnight; once, before today's", () => {
    const s = sub('23:50', 'America/New_York'); // 23:50 EDT = 03:50Z the next UTC day
    const row = (status: DeliveryState['status'], extra: Partial<DeliveryState> = {}): DeliveryState => ({
      guildId: s.guildId,
      localDate: '2026-06-01',
      status,
      attempts: 3,
      owner: 'other',
      claimedAt: Date.parse('2026-06-02T03:50:00Z'),
      nextAttemptAt: null,
      ...extra,
    });
    // the 23:50 attempt failed (5xx) and was left for 00:00; the tick at 00:05 is on the next local day
    const retry = row('retry', { nextAttemptAt: Date.parse('2026-06-02T04:00:00Z') });
    expect(due(s, '2026-06-02T04:05:00Z', [retry])).toMatchObject([{ localDate: '2026-06-01', kind: 'retry' }]);
    expect(due(s, '2026-06-02T03:55:00Z', [retry])).toEqual([]); // its wait is not over yet
    // an attempt a dead process left mid-request before midnight is recovered after it
    expect(due(s, '2026-06-02T04:05:00Z', [row('sending')])).toMatchObject([{ localDate: '2026-06-01', kind: 'recover' }]);
    // the bot was down from 23:45 to 00:05: never started, still sent (keyed by its own day), within 3 hours
    expect(due(s, '2026-06-02T04:05:00Z')).toMatchObject([{ localDate: '2026-06-01', kind: 'first' }]);
    expect(due(s, '2026-06-02T06:59:00Z')).toMatchObject([{ localDate: '2026-06-01', kind: 'first' }]);
    expect(due(s, '2026-06-02T07:00:00Z')).toEqual([]); // 03:00: too late, its incidents go to tonight's
    // once per day: sent, failed or unknown, it is not due again
    for (const status of ['sent', 'failed', 'unknown'] as const) expect(due(s, '2026-06-02T04:05:00Z', [row(status)])).toEqual([]);
    // a morning digest missed yesterday is not sent late (not within 3 hours of midnight)
    expect(due(sub('08:00', 'America/New_York'), '2026-06-02T04:05:00Z')).toEqual([]);
    // while yesterday's is unfinished, today's waits; then it goes
    const late = sub('00:00', 'Asia/Baghdad');
    const y = (status: DeliveryState['status'], extra: Partial<DeliveryState> = {}): DeliveryState => ({
      guildId: late.guildId,
      localDate: '2026-06-01',
      status,
      attempts: 3,
      owner: 'other',
      claimedAt: Date.parse('2026-05-31T21:00:00Z'),
      nextAttemptAt: null,
      ...extra,
    });
    expect(due(late, '2026-06-01T21:10:00Z', [y('retry', { nextAttemptAt: Date.parse('2026-06-01T21:20:00Z') })])).toEqual([]);
    expect(due(late, '2026-06-01T21:20:00Z', [y('retry', { nextAttemptAt: Date.parse('2026-06-01T21:20:00Z') })])).toMatchObject([{ localDate: '2026-06-01' }]);
    expect(due(late, '2026-06-01T21:20:00Z', [y('sent')])).toMatchObject([{ localDate: '2026-06-02', kind: 'first' }]);
  });

  it('ignores disabled subscriptions', () => {
    expect(due(sub('08:00', 'UTC', { enabled: false }), '2026-06-01T09:00:00Z')).toEqual([]);
  });

  it('over twelve days minute by minute across DST changes, every subscription is due exactly once per local day', () => {
    const zones = ['Asia/Baghdad', 'Europe/London', 'America/New_York'];
    const times = ['00:00', '00:30', '01:30', '02:30', '08:00', '23:59'];
    const start = Date.parse('2026-10-22T00:00:00Z'); // London falls back 10-25, New York 11-01
    // set when the sweep starts (else a 23:59 digest of the day before would be caught up at the start)
    const subs = zones.flatMap((z) => times.map((t) => sub(t, z, { activeSince: start })));
    const deliveries = new Map<string, DeliveryState>();
    const end = Date.parse('2026-11-04T00:00:00Z');
    for (let t = start; t < end; t += 60_000) {
      for (const item of dueDigests(subs, new Date(t), deliveries as ReadonlyMap<string, DeliveryState>, opts)) {
        const key = `${item.guildId}|${item.localDate}`;
        expect(deliveries.has(key)).toBe(false);
        expect(localDate(t, subs.find((s) => s.guildId === item.guildId)!.timeZone)).toBe(item.localDate);
        deliveries.set(key, { guildId: item.guildId, localDate: item.localDate, status: 'sent', attempts: 1, owner: OWNER, claimedAt: t, nextAttemptAt: null });
      }
    }
    for (const s of subs) {
      const days = [...deliveries.values()]
        .filter((d) => d.guildId === s.guildId)
        .map((d) => d.localDate)
        .sort();
      // every local day from the first full one to the last: no gap, no repeat
      expect(new Set(days).size).toBe(days.length);
      expect(days.length).toBeGreaterThanOrEqual(11);
      for (let i = 1; i < days.length; i++) expect(Date.parse(days[i]!) - Date.parse(days[i - 1]!)).toBe(86_400_000);
    }
  });
});
