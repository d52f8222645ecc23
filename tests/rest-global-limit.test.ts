/**
 * The bot token's global REST limit (50 requests/s, counted by Discord over every process): the local
 * Discord-compatible server enforces it as Discord does, and REST managers in two "processes" sharing
 * the bucket in one database stay under it together.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Routes } from 'discord-api-types/v10';
import { REST, type RESTOptions } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { coordinationOn } from '../src/cluster/coordination.ts';
import { countsTowardGlobalLimit, globallyLimitedRequests } from '../src/discord/rest-rate-limit.ts';
import { openDatabase } from '../src/storage/db.ts';
import { FakeDiscord, snowflake } from '../testkit/fake-discord.ts';

const channels = Array.from({ length: 10 }, () => ({ id: snowflake(), name: 'news' }));
let server: FakeDiscord | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

/** A REST manager like the bot's, without discord.js's own per-manager global pacing getting in the way. */
function rest(s: FakeDiscord, makeRequest?: RESTOptions['makeRequest']) {
  return new REST({ api: s.apiUrl, globalRequestsPerSecond: 1000, retries: 0, ...(makeRequest ? { makeRequest } : {}) }).setToken(s.token);
}

/** Posts `n` messages, 16 at a time, and says how many were answered with a 429. */
async function blast(r: REST, n: number): Promise<number> {
  let limited = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < n) {
        const i = next++;
        const body = { content: `m${i}`, allowed_mentions: { parse: [] } };
        await r.post(Routes.channelMessages(channels[i % channels.length]!.id), { body }).catch((e: { status?: number }) => {
          if (e.status === 429) limited++;
          else throw e;
        });
      }
    }),
  );
  return limited;
}

describe('the global REST limit across processes', () => {
  it('the local server answers requests over 50 in any second with a global 429, as Discord does', async () => {
    server = await new FakeDiscord({ guilds: [{ id: snowflake(), name: 'g', channels }] }).start();
    // Unpaced, on purpose: the 429s are what is being checked. discord.js waits them out when told "global".
    let globalSeen = 0;
    const r = rest(server);
    r.on('rateLimited', (info) => void (info.global && globalSeen++));
    const limited = await blast(r, 120);
    expect(server.globalRateLimited).toBeGreaterThan(0);
    expect(globalSeen + limited).toBeGreaterThan(0);
    expect(server.mostInOneSecond()).toBeLessThanOrEqual(50);
    expect(server.requests.filter((q) => q.status === 429)).toHaveLength(server.globalRateLimited);
  });

  it('two processes sharing the bucket (one SQLite file) send 160 messages without one 429', async () => {
    server = await new FakeDiscord({ guilds: [{ id: snowflake(), name: 'g', channels }] }).start();
    const dir = mkdtempSync(join(tmpdir(), 'incident-bot-global-'));
    const [a, b] = [
      coordinationOn({ kind: 'sqlite', db: openDatabase({ stateDir: dir }) }),
      coordinationOn({ kind: 'sqlite', db: openDatabase({ stateDir: dir }) }),
    ];
    const ra = rest(
      server,
      globallyLimitedRequests((s) => a.globalRest.take(s)),
    );
    const rb = rest(
      server,
      globallyLimitedRequests((s) => b.globalRest.take(s)),
    );
    const t0 = performance.now();
    const [la, lb] = await Promise.all([blast(ra, 80), blast(rb, 80)]);
    const seconds = (performance.now() - t0) / 1000;
    expect(la + lb).toBe(0);
    expect(server.globalRateLimited).toBe(0);
    expect(server.mostInOneSecond()).toBeLessThanOrEqual(50);
    expect([...server.channelMessages.values()].flat()).toHaveLength(160);
    // Paced by the shared bucket (40/s, bursts of 4), not by each process alone (which would take half as long).
    expect(seconds).toBeGreaterThan(3);
  });

  it('interaction callbacks and webhooks do not count toward it (Discord exempts them)', () => {
    expect(countsTowardGlobalLimit('http://127.0.0.1:1/api/v10/channels/1/messages')).toBe(true);
    expect(countsTowardGlobalLimit('http://127.0.0.1:1/api/v10/interactions/1/tok/callback')).toBe(false);
    expect(countsTowardGlobalLimit('http://127.0.0.1:1/api/v10/webhooks/1/tok/messages/@original')).toBe(false);
  });
});
