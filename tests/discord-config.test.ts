/** Configuration, logging and the OpenAPI check itself: the parts of the runtime that need no gateway. */
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { clientOptionsFor, createBot, PluginSetupError } from '../src/discord/bot.ts';
import { ConfigError, loadAppConfig, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/discord/logger.ts';
import { flattenOptions, sanitizeChoices } from '../src/discord/router.ts';
import { toReplyOptions } from '../src/discord/reply-options.ts';
import { FakeDiscord } from '../testkit/fake-discord.ts';
import { sharedValidator } from '../testkit/openapi-validator.ts';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.secret-part-of-the-token_xyz';
const APP = '1234567890123456789';

describe('loadConfig', () => {
  test('reads a full configuration', () => {
    expect(
      loadConfig({
        DISCORD_TOKEN: TOKEN,
        DISCORD_APPLICATION_ID: APP,
        DISCORD_GUILD_ID: '987654321098765432',
        DISCORD_API_URL: 'http://127.0.0.1:3000/api/',
        SHARD_COUNT: '4',
        LOG_LEVEL: 'debug',
      }),
    ).toEqual({
      token: TOKEN,
      applicationId: APP,
      guildId: '987654321098765432',
      apiUrl: 'http://127.0.0.1:3000/api',
      shardCount: 4,
      logLevel: 'debug',
    });
  });

  test('defaults, and empty strings (as in a copied .env.example) mean unset', () => {
    expect(
      loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_GUILD_ID: '', DISCORD_API_URL: '', SHARD_COUNT: '', LOG_LEVEL: '' }),
    ).toEqual({
      token: TOKEN,
      applicationId: APP,
      shardCount: 1,
      logLevel: 'info',
    });
  });

  test.each([
    [{ DISCORD_APPLICATION_ID: APP }, 'DISCORD_TOKEN'],
    [{ DISCORD_TOKEN: TOKEN }, 'DISCORD_APPLICATION_ID'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: 'my-bot' }, 'DISCORD_APPLICATION_ID'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_GUILD_ID: '12' }, 'DISCORD_GUILD_ID'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, DISCORD_API_URL: 'localhost:3000' }, 'DISCORD_API_URL'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, SHARD_COUNT: 'auto' }, 'SHARD_COUNT'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, SHARD_COUNT: '0' }, 'SHARD_COUNT'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('a bad or missing variable is named: %o', (env, name) => {
    const err = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(name);
    expect((err as ConfigError).message).not.toContain(TOKEN);
  });
});

describe('loadAppConfig: every setting, one schema', () => {
  test('without DISCORD_TOKEN: the offline console; the Discord variables are not needed; defaults', () => {
    expect(loadAppConfig({ DISCORD_TOKEN: '' })).toEqual({
      discord: null,
      datasetDir: undefined,
      stateDir: resolve('./var'),
      snapshots: true,
      feedsFile: resolve('./feeds.json'),
      httpPort: null,
      databaseUrl: null,
      logLevel: 'info',
      warnings: [],
    });
  });

  test('with DISCORD_TOKEN: the Discord settings beside the rest; STATE_DIR, DATASET_DIR and INCIDENT_BOT_SNAPSHOT read here', () => {
    const c = loadAppConfig({
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP,
      STATE_DIR: '/srv/bot-state',
      DATASET_DIR: 'data',
      INCIDENT_BOT_SNAPSHOT: 'off',
      LOG_LEVEL: 'warn',
    });
    expect(c.discord).toEqual({ token: TOKEN, applicationId: APP, shardCount: 1, logLevel: 'warn' });
    expect(c).toMatchObject({ stateDir: '/srv/bot-state', datasetDir: resolve('data'), snapshots: false, logLevel: 'warn', warnings: [] });
  });

  test('DATA_DIR, the old name of the state folder, is still used, with a deprecation warning', () => {
    const c = loadAppConfig({ DATA_DIR: '/srv/old-state' });
    expect(c.stateDir).toBe('/srv/old-state');
    expect(c.warnings).toEqual([expect.stringMatching(/DATA_DIR is deprecated.*STATE_DIR/)]);
    const both = loadAppConfig({ DATA_DIR: '/srv/old-state', STATE_DIR: '/srv/new-state' });
    expect(both.stateDir).toBe('/srv/new-state');
    expect(both.warnings).toEqual([expect.stringMatching(/DATA_DIR is deprecated and ignored/)]);
  });

  test.each([
    [{ INCIDENT_BOT_SNAPSHOT: 'maybe' }, 'INCIDENT_BOT_SNAPSHOT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DISCORD_TOKEN: TOKEN }, 'DISCORD_APPLICATION_ID'],
  ])('a bad setting is named, online or offline: %o', (env, name) => {
    expect(() => loadAppConfig(env)).toThrow(ConfigError);
    expect(() => loadAppConfig(env)).toThrow(name);
  });
});

describe('client options', () => {
  test('the REST base comes from DISCORD_API_URL; no mentions by default; only the Guilds intent', () => {
    const o = clientOptionsFor({ token: TOKEN, applicationId: APP, apiUrl: 'http://127.0.0.1:9/api', shardCount: 1, logLevel: 'info' });
    expect(o.rest?.api).toBe('http://127.0.0.1:9/api');
    expect(o.allowedMentions).toEqual({ parse: [] });
    expect(o.intents).toEqual([1]);
    expect(clientOptionsFor({ token: TOKEN, applicationId: APP, shardCount: 1, logLevel: 'info' }).rest?.api).toBeUndefined();
  });

  test('ReplyPayload -> discord.js options: files as attachments, mentions always off', () => {
    const p = { content: 'hi', allowed_mentions: { parse: [] as [] }, flags: 64, files: [{ name: 'a.png', data: Buffer.from([1, 2]), description: 'd' }] };
    expect(toReplyOptions(p)).toMatchObject({
      content: 'hi',
      flags: 64,
      allowedMentions: { parse: [] },
      files: [{ attachment: p.files[0]!.data, name: 'a.png', description: 'd' }],
    });
  });

  test('options flatten with the subcommand beside its options', () => {
    expect(
      flattenOptions([
        {
          name: 'place',
          type: 1,
          options: [
            { name: 'name', type: 3, value: 'homs' },
            { name: 'limit', type: 4, value: 3 },
          ],
        },
      ] as never),
    ).toEqual({ subcommand: 'place', name: 'homs', limit: 3 });
    expect(flattenOptions([{ name: 'id', type: 3, value: 'x' }] as never)).toEqual({ id: 'x' });
  });

  test("autocomplete choices are kept within Discord's limits", () => {
    const out = sanitizeChoices(Array.from({ length: 30 }, (_, n) => ({ name: 'n'.repeat(120), value: `v${n}` })));
    expect(out).toHaveLength(25);
    expect(out.every((c) => c.name.length === 100)).toBe(true);
  });
});

describe('start-up', () => {
  test("a plugin whose services() throws fails start() as that plugin's set-up, before any login", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(c: Buffer, _e, cb) {
          lines.push(c.toString());
          cb();
        },
      }),
    });
    const bot = createBot({
      config: { token: TOKEN, applicationId: APP, apiUrl: 'http://127.0.0.1:9/api', shardCount: 1, logLevel: 'info' },
      commands: [],
      logger,
      plugins: [
        {
          name: 'broken',
          services: () => {
            throw new Error('EACCES: permission denied, mkdir /var/lib/incident-bot');
          },
        },
      ],
    });
    try {
      const err = await bot.start().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PluginSetupError);
      expect(err).toMatchObject({ plugin: 'broken', message: 'plugin "broken" could not be set up: EACCES: permission denied, mkdir /var/lib/incident-bot' });
      expect((err as PluginSetupError).cause).toBeInstanceOf(Error);
      expect(lines.join('')).not.toContain('logging in');
    } finally {
      await bot.stop();
    }
  });
});

describe('logger', () => {
  test('never writes the token, whatever field it is in', () => {
    const lines: string[] = [];
    const log = createLogger({
      secrets: [TOKEN],
      destination: new Writable({
        write(c: Buffer, _e, cb) {
          lines.push(c.toString());
          cb();
        },
      }),
    });
    log.info({ token: TOKEN, headers: { authorization: `Bot ${TOKEN}` } }, 'login');
    log.error({ err: new Error(`failed with ${TOKEN}`) }, `message mentioning ${TOKEN}`);
    log.warn({ nested: { deep: [TOKEN] } }, 'x');
    const out = lines.join('');
    expect(lines).toHaveLength(3);
    expect(out).not.toContain(TOKEN);
    expect(out).toContain('[redacted]');
  });
});

describe('OpenAPI validation', () => {
  const v = sharedValidator(); // compiled once per worker, shared with the local server's checks
  const cb = '/interactions/1234567890123456789/token/callback';

  test('accepts what Discord accepts', () => {
    expect(v.validate('POST', cb, { type: 4, data: { content: 'hi', allowed_mentions: { parse: [] }, flags: 64 } }).errors).toEqual([]);
    expect(v.validate('POST', cb, { type: 8, data: { choices: [{ name: 'Syria', value: 'syria' }] } }).errors).toEqual([]);
    expect(v.validate('PATCH', `/webhooks/${APP}/token/messages/@original`, { content: 'x', embeds: [{ title: 't' }] }).errors).toEqual([]);
  });

  test.each([
    ['content over 2000 characters', { type: 4, data: { content: 'x'.repeat(2001) } }],
    ['more than 10 embeds', { type: 4, data: { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) } }],
    ['an embed title over 256', { type: 4, data: { embeds: [{ title: 't'.repeat(257) }] } }],
    ['an unknown mention type', { type: 4, data: { allowed_mentions: { parse: ['nobody'] } } }],
    ['26 autocomplete choices', { type: 8, data: { choices: Array.from({ length: 26 }, (_, n) => ({ name: `n${n}`, value: `v${n}` })) } }],
    ['a choice name over 100', { type: 8, data: { choices: [{ name: 'n'.repeat(101), value: 'v' }] } }],
    ['an unknown callback type', { type: 42 }],
    [
      'a button custom_id over 100',
      { type: 4, data: { components: [{ type: 1, components: [{ type: 2, style: 2, label: 'x', custom_id: 'c'.repeat(101) }] }] } },
    ],
  ])('rejects %s', (_what, body) => {
    expect(v.validate('POST', cb, body).errors.length).toBeGreaterThan(0);
  });

  test('knows @original from a message id, and requests that are no Discord operation', () => {
    expect(v.findOperation('PATCH', `/webhooks/${APP}/t/messages/@original`)?.template).toBe('/webhooks/{webhook_id}/{webhook_token}/messages/@original');
    expect(v.findOperation('PATCH', `/webhooks/${APP}/t/messages/${APP}`)?.template).toBe('/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}');
    expect(v.validate('POST', '/no/such/route', {}).operation).toBeNull();
  });

  test('the fake server answers an invalid body with 400/50035, as Discord does', async () => {
    const server = await new FakeDiscord().start();
    try {
      const res = await fetch(`${server.apiUrl}/v10/channels/${server.guilds[0]!.channels[0]!.id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bot ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'eleven embeds', embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 50035 });
      expect(server.invalidRequests()).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});

describe('HTTP_PORT', () => {
  test('is off unless set, and a bad port is refused naming the variable', () => {
    expect(loadAppConfig({}).httpPort).toBeNull();
    expect(loadAppConfig({ HTTP_PORT: '' }).httpPort).toBeNull();
    expect(loadAppConfig({ HTTP_PORT: '8080' }).httpPort).toBe(8080);
    for (const bad of ['0', '70000', 'http', '80.5']) {
      expect(() => loadAppConfig({ HTTP_PORT: bad })).toThrow(ConfigError);
      expect(() => loadAppConfig({ HTTP_PORT: bad })).toThrow(/HTTP_PORT must be a port number/);
    }
  });
});

describe('DATABASE_URL', () => {
  test('is null unless set; a postgres:// or postgresql:// URL is kept as given', () => {
    expect(loadAppConfig({}).databaseUrl).toBeNull();
    expect(loadAppConfig({ DATABASE_URL: '' }).databaseUrl).toBeNull();
    expect(loadAppConfig({ DATABASE_URL: 'postgres://bot:pw@db:5432/bot' }).databaseUrl).toBe('postgres://bot:pw@db:5432/bot');
    expect(loadAppConfig({ DATABASE_URL: 'postgresql://bot@localhost/bot' }).databaseUrl).toBe('postgresql://bot@localhost/bot');
  });

  test('anything else is refused naming the variable, and the message never shows the value (it holds a password)', () => {
    for (const bad of ['mysql://bot:hunter2@db/bot', 'hunter2', 'postgres://', 'http://bot:hunter2@db/bot']) {
      let err: unknown;
      try {
        loadAppConfig({ DATABASE_URL: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/DATABASE_URL must be a PostgreSQL URL such as postgres:\/\/user:password@host:5432\/dbname/);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});
