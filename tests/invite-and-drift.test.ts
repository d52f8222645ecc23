import { REST } from 'discord.js';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import { deployedCommandDrift } from '../src/discord/command-drift.ts';
import { deployCommands } from '../src/discord/deploy-commands.ts';
import { inviteUrl, permissionsInteger } from '../src/discord/invite.ts';
import { FakeDiscord } from '../testkit/fake-discord.ts';
import { configFor } from '../testkit/harness.ts';

describe('the invite link', () => {
  it('asks for both scopes and exactly the permissions given', () => {
    const perms = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks];
    // 1024 + 2048 + 16384
    expect(permissionsInteger(perms)).toBe('19456');
    const url = new URL(inviteUrl('123456789012345678', perms));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.searchParams.get('permissions')).toBe('19456');
  });
});

describe('deployed commands against the code', () => {
  let server: FakeDiscord;
  beforeAll(async () => {
    server = await new FakeDiscord().start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('finds nothing after deploy-commands, and names each command that differs, is missing or is extra', async () => {
    const config = configFor(server);
    const rest = new REST({ api: server.apiUrl }).setToken(server.token);
    const code = commands.map((c) => c.definition as unknown as Record<string, unknown>);
    expect(await deployedCommandDrift(rest, config, code)).toEqual(commands.map((c) => `/${c.definition.name} is not deployed`));
    await deployCommands(config, commands, rest);
    expect(await deployedCommandDrift(rest, config, code)).toEqual([]);
    const [first, ...rest2] = code;
    const changed = [{ ...first, description: `${String(first!.description)} (changed)` }, ...rest2.slice(1), { name: 'newcmd', description: 'x' }];
    expect(await deployedCommandDrift(rest, config, changed)).toEqual([
      `/${String(first!.name)} differs from the code`,
      '/newcmd is not deployed',
      `/${String(rest2[0]!.name)} is deployed but no longer in the code`,
    ]);
  });
});
