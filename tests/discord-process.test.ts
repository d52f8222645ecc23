/**
 * The bot as it is really started: `npm start` (src/main.ts -> app.ts) and `npm run deploy-commands` as child
 * processes, configured only through the environment, against the local Discord-compatible server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { commands } from '../commands/index.ts';
import { FakeDiscord, guildIdForShard, snowflake } from '../testkit/fake-discord.ts';
import { freePort } from '../testkit/free-port.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The digest's database goes here, not in the repository's var/. */
const STATE_DIR = mkdtempSync(join(tmpdir(), 'incident-bot-process-'));

interface Run {
  exit: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function run(script: string, env: Record<string, string>, args: string[] = []): Run {
  // Only what the bot needs: nothing from the developer's own environment (no real token).
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    // Every variable set explicitly: a developer's .env (which main.ts loads) cannot change the run.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DISCORD_GUILD_ID: '', SHARD_COUNT: '1', LOG_LEVEL: 'info', STATE_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { exit, stdout: () => out, stderr: () => err, kill: (s) => child.kill(s) };
}

let server: FakeDiscord;
beforeAll(async () => {
  server = await new FakeDiscord().start();
});
afterAll(async () => {
  await server?.stop();
  rmSync(STATE_DIR, { recursive: true, force: true });
});

describe('npm start', () => {
  test('logs in, answers, and on SIGTERM destroys the client (gateway closed with 1000) and exits 0; the token is never logged', async () => {
    const bot = run('src/main.ts', {
      DISCORD_TOKEN: server.token,
      DISCORD_APPLICATION_ID: server.applicationId,
      DISCORD_API_URL: server.apiUrl,
      LOG_LEVEL: 'info',
    });
    try {
      const [session] = await server.waitForSessions(1, 30_000);
      const cb = await server.chatInput('help').callback(10_000);
      expect(cb.status).toBe(204);
      expect((cb.body as { type: number }).type).toBe(4);
      bot.kill('SIGTERM');
      expect(await bot.exit).toBe(0);
      expect(session!.closeCode).toBe(1000);
      const lines = bot
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { msg: string; level: number });
      expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['logging in', 'ready', 'shutting down', 'stopped']));
      // Start-up and shutdown of everything in the process (the digest plugin included) without an error.
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      expect(bot.stdout() + bot.stderr()).not.toContain(server.token);
      expect(server.invalidRequests()).toEqual([]);
    } finally {
      bot.kill('SIGKILL');
    }
  }, 60_000);

  test('HTTP_PORT serves /healthz (200 once the gateway is ready and the store answers) and /metrics; at ready it logs the invite link and warns of undeployed commands', async () => {
    const port = await freePort();
    const bot = run('src/main.ts', {
      DISCORD_TOKEN: server.token,
      DISCORD_APPLICATION_ID: server.applicationId,
      DISCORD_API_URL: server.apiUrl,
      HTTP_PORT: String(port),
    });
    try {
      const health = () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { status: string; checks: { name: string; ok: boolean }[] },
        }));
      await server.waitForSessions(1, 30_000);
      const ready = await vi.waitFor(
        async () => {
          const h = await health();
          expect(h.status).toBe(200);
          return h;
        },
        { timeout: 20_000, interval: 100 },
      );
      expect(ready.body.checks.map((c) => [c.name, c.ok])).toEqual([
        ['gateway', true],
        ['state database', true],
      ]);
      const cb = await server.chatInput('help').callback(10_000);
      expect(cb.status).toBe(204);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('incident_bot_interactions_total{kind="command",command="help",outcome="ok"} 1');
      expect(metrics).toContain('incident_bot_process_resident_memory_bytes');
      await vi.waitFor(() => expect(bot.stdout()).toContain('differ from the code'), { timeout: 10_000 });
      const lines = bot
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const invite = lines.find((l) => l.msg === 'invite link')!;
      expect(invite.permissions).toBe('19456');
      expect(String(invite.invite)).toContain(`client_id=${server.applicationId}`);
      expect(String(invite.invite)).toContain('scope=bot+applications.commands');
      const drift = lines.find((l) => String(l.msg).includes('differ from the code'))!;
      expect(drift.differences).toEqual(expect.arrayContaining(['/help is not deployed']));
      bot.kill('SIGTERM');
      expect(await bot.exit).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      bot.kill('SIGKILL');
    }
  }, 60_000);

  test('with SHARD_COUNT=2: a ShardingManager and two shard processes, each answering its guild; SIGTERM stops them all', async () => {
    const guildA = guildIdForShard(0, 2);
    const guildB = guildIdForShard(1, 2);
    const sharded = await new FakeDiscord({
      guilds: [
        { id: guildA, name: 'A', channels: [{ id: snowflake(), name: 'a' }] },
        { id: guildB, name: 'B', channels: [{ id: snowflake(), name: 'b' }] },
      ],
    }).start();
    const bot = run('src/main.ts', {
      DISCORD_TOKEN: sharded.token,
      DISCORD_APPLICATION_ID: sharded.applicationId,
      DISCORD_API_URL: sharded.apiUrl,
      SHARD_COUNT: '2',
    });
    try {
      // discord.js spaces shard spawns 5.5 s apart (Discord's identify rate limit).
      const sessions = await sharded.waitForSessions(2, 45_000);
      expect(sessions.map((s) => s.identify?.shard).sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      const a = await sharded.chatInput('help', {}, { guildId: guildA }).callback(10_000);
      const b = await sharded.chatInput('help', {}, { guildId: guildB }).callback(10_000);
      expect([a.status, b.status]).toEqual([204, 204]);
      bot.kill('SIGTERM');
      expect(await bot.exit).toBe(0);
      expect(sessions.map((s) => s.closeCode)).toEqual([1000, 1000]);
      const msgs = bot
        .stdout()
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(msgs.filter((m) => m === 'shard process started')).toHaveLength(2);
      expect(msgs).toContain('stopping shard processes');
      expect(bot.stdout() + bot.stderr()).not.toContain(sharded.token);
    } finally {
      bot.kill('SIGKILL');
      await sharded.stop();
    }
  }, 90_000);

  test('an event discord.js does not expect (READY with install_params: null) is logged with what the bot was doing and counted; the bot keeps answering', async () => {
    const odd = await new FakeDiscord({ readyApplication: { install_params: null } }).start();
    const bot = run('src/main.ts', { DISCORD_TOKEN: odd.token, DISCORD_APPLICATION_ID: odd.applicationId, DISCORD_API_URL: odd.apiUrl });
    const records = () =>
      bot
        .stdout()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              level: number;
              msg: string;
              unhandledRejections?: number;
              activity?: { phase: string; recentDispatches: { event: string }[] };
              err?: { type?: string; message?: string };
            },
        );
    try {
      await odd.waitForSessions(1, 30_000);
      // discord.js fails inside its READY handler; the failure surfaces as a rejection nobody awaited.
      const logged = await vi.waitFor(
        () => {
          const r = records().find((l) => l.msg === 'unhandled promise rejection');
          expect(r).toBeDefined();
          return r!;
        },
        { timeout: 20_000, interval: 50 },
      );
      expect(logged.level).toBe(50);
      expect(logged.unhandledRejections).toBe(1);
      expect(logged.err).toMatchObject({ type: 'TypeError', message: expect.stringContaining('scopes') });
      expect(logged.activity?.recentDispatches.map((d) => d.event)).toContain('READY');
      // Not a crash: the process answers as before and stops cleanly.
      const cb = await odd.chatInput('help').callback(10_000);
      expect(cb.status).toBe(204);
      bot.kill('SIGTERM');
      expect(await bot.exit).toBe(0);
      expect(bot.stderr()).toBe('');
    } finally {
      bot.kill('SIGKILL');
      await odd.stop();
    }
  }, 60_000);

  test('a token Discord refuses (401) stops it with a clear log line and exit 1, the token not in it', async () => {
    const wrong = 'wrong-token.for-this-test.only-1234';
    const bot = run('src/main.ts', { DISCORD_TOKEN: wrong, DISCORD_APPLICATION_ID: server.applicationId, DISCORD_API_URL: server.apiUrl });
    expect(await bot.exit).toBe(1);
    const fatal = bot
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message?: string } })
      .find((l) => l.level === 60);
    expect(fatal?.msg).toBe('could not log in to Discord');
    expect(fatal?.err?.message).toMatch(/token/i);
    expect(bot.stdout() + bot.stderr()).not.toContain(wrong);
  }, 30_000);

  test('a state folder that cannot be opened (STATE_DIR not a directory) is named in the log line, not reported as a login failure', async () => {
    const file = join(STATE_DIR, 'a-file-not-a-folder');
    writeFileSync(file, '');
    const bot = run('src/main.ts', {
      DISCORD_TOKEN: server.token,
      DISCORD_APPLICATION_ID: server.applicationId,
      DISCORD_API_URL: server.apiUrl,
      STATE_DIR: join(file, 'var'),
    });
    expect(await bot.exit).toBe(1);
    const lines = bot
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string; stateDir?: string; err?: { message?: string } });
    const fatal = lines.find((l) => l.level === 60);
    expect(fatal?.msg).toBe('could not open the state database');
    expect(fatal?.stateDir).toBe(join(file, 'var'));
    expect(fatal?.err?.message).toMatch(/ENOTDIR/);
    // It stopped before logging in: nothing about a login, no attempt at one.
    expect(lines.map((l) => l.msg)).not.toContain('logging in');
    expect(bot.stdout()).not.toContain('could not log in');
  }, 30_000);

  test('a bad configuration stops it with a message naming the variable (exit 2)', async () => {
    const bot = run('src/main.ts', { DISCORD_TOKEN: server.token, DISCORD_APPLICATION_ID: 'not-an-id', DISCORD_API_URL: server.apiUrl });
    expect(await bot.exit).toBe(2);
    expect(bot.stderr()).toContain('DISCORD_APPLICATION_ID');
    expect(bot.stderr()).not.toContain(server.token);
  }, 30_000);
});

describe('npm run deploy-commands', () => {
  test('registers every command to DISCORD_GUILD_ID and prints what it registered', async () => {
    const guildId = server.guilds[0]!.id;
    const r = run(
      'src/main.ts',
      { DISCORD_TOKEN: server.token, DISCORD_APPLICATION_ID: server.applicationId, DISCORD_API_URL: server.apiUrl, DISCORD_GUILD_ID: guildId },
      ['deploy-commands'],
    );
    expect(await r.exit).toBe(0);
    const put = server.requestsTo('PUT', `/applications/${server.applicationId}/guilds/${guildId}/commands`).at(-1)!;
    expect(put.body).toEqual(commands.map((c) => c.definition));
    expect(r.stdout()).toContain(`Registered ${commands.length} commands to server ${guildId}`);
    for (const c of commands) expect(r.stdout()).toContain(`/${c.definition.name} `);
    expect(server.invalidRequests()).toEqual([]);
  }, 30_000);
});
