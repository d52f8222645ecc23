/**
 * Sharding: two guilds that Discord routes to different shards, each answered by its own shard.
 * In-process: two real clients with shards [0] and [1] of 2. Then the real ShardingManager (src/discord/sharding.ts),
 * spawning two child processes (tsx) against the same fake server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { CommandModule } from '../commands/kit/command.ts';
import { ownsGuild, shardForGuild } from '../src/discord/channels.ts';
import { createLogger } from '../src/discord/logger.ts';
import { buildShardingManager, respawnWithBackoff } from '../src/discord/sharding.ts';
import { FakeDiscord, guildIdForShard, snowflake } from '../testkit/fake-discord.ts';
import { configFor, startBot, type StartedBot } from '../testkit/harness.ts';

/** Each shard's bot gets its own /whoami, which says which shard it is. */
const whoami = (shard: number): CommandModule => ({
  definition: { name: 'whoami', description: 'Which shard answered' },
  handle: (_o, ctx) => ({ content: `shard ${String(shard)} answered guild ${ctx.invocation?.guildId}`, allowed_mentions: { parse: [] } }),
});

describe('two shards in one process', () => {
  let server: FakeDiscord;
  const bots: StartedBot[] = [];
  const guildA = guildIdForShard(0, 2);
  const guildB = guildIdForShard(1, 2);

  beforeAll(async () => {
    server = await new FakeDiscord({
      guilds: [
        { id: guildA, name: 'Guild A', channels: [{ id: snowflake(), name: 'a' }] },
        { id: guildB, name: 'Guild B', channels: [{ id: snowflake(), name: 'b' }] },
      ],
      recommendedShards: 2,
    }).start();
    for (const shard of [0, 1]) bots.push(await startBot(server, { commands: [whoami(shard)], shards: [shard], shardCount: 2 }));
  });

  afterAll(async () => {
    for (const b of bots) await b.bot.stop();
    await server?.stop();
  });

  test('the guilds really sit on different shards', () => {
    expect(shardForGuild(guildA, 2)).toBe(0);
    expect(shardForGuild(guildB, 2)).toBe(1);
  });

  test('each client identifies with its own shard and receives only its guild', () => {
    expect(server.sessions.map((s) => s.identify?.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(bots[0]!.bot.client.guilds.cache.map((g) => g.id)).toEqual([guildA]);
    expect(bots[1]!.bot.client.guilds.cache.map((g) => g.id)).toEqual([guildB]);
    expect(ownsGuild(bots[0]!.bot.client, guildA)).toBe(true);
    expect(ownsGuild(bots[0]!.bot.client, guildB)).toBe(false);
    expect(ownsGuild(bots[1]!.bot.client, guildB)).toBe(true);
  });

  test("an interaction in each guild is answered by that guild's shard", async () => {
    const a = await server.chatInput('whoami', {}, { guildId: guildA }).callback();
    const b = await server.chatInput('whoami', {}, { guildId: guildB }).callback();
    const body = (content: string) => ({
      type: 4,
      data: { content, tts: false, enforce_nonce: false, embeds: [], components: [], allowed_mentions: { parse: [] }, attachments: [] },
    });
    expect(a.body).toEqual(body(`shard 0 answered guild ${guildA}`));
    expect(b.body).toEqual(body(`shard 1 answered guild ${guildB}`));
    expect(server.invalidRequests()).toEqual([]);
  });
});

/**
 * Kills each shard's child process (SIGTERM: it destroys its client and exits) and waits until every one
 * has exited (SIGKILL after 10 s), so nothing still runs against the server or STATE_DIR when the caller
 * stops the one and removes the other. Resolves with each child's exit code (or signal).
 */
async function killShards(manager: ReturnType<typeof buildShardingManager>): Promise<(number | string | null)[]> {
  const exits: Promise<number | string | null>[] = [];
  for (const shard of manager.shards.values()) {
    const child = shard.process; // shard.kill() forgets it
    if (!child) continue; // never spawned, or already killed (kill() would throw: no process, no worker)
    if (child.exitCode === null && child.signalCode === null) {
      exits.push(
        new Promise((resolve) => {
          const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', (code, signal) => {
            clearTimeout(force);
            resolve(code ?? signal);
          });
        }),
      );
    }
    shard.kill();
  }
  return Promise.all(exits);
}

describe('the ShardingManager (SHARD_COUNT > 1)', () => {
  test('builds a ShardingManager over the shard script with the configured count, in child processes running tsx', () => {
    const config = { token: 'x'.repeat(30), applicationId: '123456789012345678', shardCount: 3, logLevel: 'info' as const };
    // mode and execArgv are set by the constructor but missing from discord.js's typings.
    const m = buildShardingManager(config) as ReturnType<typeof buildShardingManager> & { mode: string; execArgv: string[] };
    expect(m.totalShards).toBe(3);
    expect(m.mode).toBe('process');
    expect(m.token).toBe(config.token);
    expect(m.execArgv).toEqual(['--import', 'tsx']);
    expect(m.file).toMatch(/src[\\/]discord[\\/]shard-process\.ts$/);
    expect(m.respawn).toBe(true);
  });

  test('the ShardingManager spawns two processes, each answering its own guild', async () => {
    const guildA = guildIdForShard(0, 2);
    const guildB = guildIdForShard(1, 2);
    const server = await new FakeDiscord({
      guilds: [
        { id: guildA, name: 'Guild A', channels: [{ id: snowflake(), name: 'a' }] },
        { id: guildB, name: 'Guild B', channels: [{ id: snowflake(), name: 'b' }] },
      ],
    }).start();
    // The children inherit this environment (ShardingManager adds SHARDS and SHARD_COUNT).
    // STATE_DIR: the digest's database in a temporary folder, not the repository's var/.
    const dataDir = mkdtempSync(join(tmpdir(), 'incident-bot-shards-'));
    const vars = {
      DISCORD_TOKEN: server.token,
      DISCORD_APPLICATION_ID: server.applicationId,
      DISCORD_API_URL: server.apiUrl,
      DISCORD_GUILD_ID: '',
      LOG_LEVEL: 'warn',
      STATE_DIR: dataDir,
    };
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    const manager = buildShardingManager({ ...configFor(server), shardCount: 2 });
    manager.respawn = false;
    try {
      await manager.spawn({ amount: 2, delay: 0, timeout: 40_000 });
      await server.waitForSessions(2);
      expect(
        server.sessions
          .filter((s) => s.ready)
          .map((s) => s.identify?.shard)
          .sort(),
      ).toEqual([
        [0, 2],
        [1, 2],
      ]);
      const a = await server.chatInput('help', {}, { guildId: guildA }).callback(10_000);
      const b = await server.chatInput('help', {}, { guildId: guildB }).callback(10_000);
      expect([a.status, b.status]).toEqual([204, 204]);
      expect((a.body as { type: number }).type).toBe(4);
      expect((b.body as { type: number }).type).toBe(4);
      const counts = await manager.fetchClientValues('guilds.cache.size');
      expect(counts).toEqual([1, 1]);
      expect(server.invalidRequests()).toEqual([]);
      // SIGTERM: each child destroys its client and exits 0.
      expect(await killShards(manager)).toEqual([0, 0]);
    } finally {
      await killShards(manager); // after a failure above; nothing left to do otherwise
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a shard process that dies', () => {
  test('is respawned after a delay that doubles with each death in a row, back to the first after a healthy run, and not at all once respawn is off', async () => {
    const dying = fileURLToPath(new URL('./fixtures/processes/dying-shard.mjs', import.meta.url));
    const manager = buildShardingManager({ token: 'x'.repeat(30), applicationId: '123456789012345678', shardCount: 1, logLevel: 'silent' }, dying);
    (manager as unknown as { execArgv: string[] }).execArgv = []; // plain JavaScript: no tsx to start each time
    let clock = 0;
    let spawns = 0;
    const delays: number[] = [];
    respawnWithBackoff(manager, {
      logger: createLogger({ level: 'silent' }),
      baseDelayMs: 100,
      maxDelayMs: 400,
      healthyAfterMs: 60_000,
      now: () => clock,
      schedule: (respawn, ms) => {
        delays.push(ms);
        if (delays.length === 6) manager.respawn = false; // shutting down while a respawn waits
        setImmediate(respawn);
      },
    });
    // After respawnWithBackoff's own listeners, which note the spawn time.
    manager.on('shardCreate', (shard) =>
      shard.on('spawn', () => {
        spawns += 1;
        // The fifth run lasts a minute (on the injected clock): a healthy run, so its death starts over.
        if (spawns === 5) clock += 60_000;
      }),
    );
    await manager.spawn({ amount: 1, delay: 0, timeout: -1 });
    await vi.waitFor(() => expect(delays).toHaveLength(6), { timeout: 40_000, interval: 20 });
    expect(delays).toEqual([100, 200, 400, 400, 100, 200]);
    await new Promise((r) => setTimeout(r, 200));
    expect(spawns).toBe(6); // the first spawn and five respawns; the sixth death was not respawned
    expect(manager.shards.get(0)!.process).toBeNull();
  }, 60_000);
});
