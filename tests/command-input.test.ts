/** What users type: echoed escaped and capped, missing options named, zones read as Intl reads them. */
import { describe, expect, it } from 'vitest';
import { commandByName } from '../commands/index.ts';
import { replyTo, type CommandContext } from '../commands/kit/command.ts';
import { digest } from '../commands/digest/index.ts';
import { parseCommandLine } from '../src/cli/parse-command-line.ts';
import { createConsoleServices } from '../src/digest/console-services.ts';
import { NotFoundError, UserError } from '../src/core/user-error.ts';
import { seedContext, seedDataset } from '../testkit/seed-dataset.ts';

const ctx = seedContext();
const handle = (name: string, o: Record<string, string | number>) => commandByName.get(name)!.handle(o, ctx);

describe('text a user typed is repeated escaped and capped', () => {
  it("a Markdown link typed as a /quote topic shows as typed, not as a link under the bot's name", async () => {
    const r = await handle('quote', { person: 'pompeo', topic: '[Official notice](https://example.org/notice)' });
    // A masked link needs an unescaped "[": none is left.
    expect(r.embeds![0]!.description).not.toMatch(/(?<!\\)\[Official notice\]\(/);
    expect(r.embeds![0]!.description).toContain('about "\\[Official notice](https://example.org/notice)"');
  });

  it('an unknown place with **bold** or a # heading is escaped in the private "did you mean"', async () => {
    // Not a close misspelling (those are answered at once now), so the private "did you mean" repeats it.
    await expect(async () => handle('attacks', { place: '# **Diyallx Qq**' })).rejects.toThrow(NotFoundError);
    const r = await replyTo(commandByName.get('attacks')!, { place: '# **Diyallx Qq**' }, ctx);
    expect(r.flags).toBe(64);
    expect(r.content).toContain('"\\# \\*\\*Diyallx Qq\\*\\*"');
  });

  it('a date word is escaped where the error repeats it', async () => {
    await expect(async () => handle('attacks', { place: 'syria', from: '**soon**' })).rejects.toThrow('"\\*\\*soon\\*\\*" is not a date I understand');
  });

  it('an unknown command of 50,000 characters is not echoed in full', () => {
    let message = '';
    try {
      parseCommandLine(`/${'x'.repeat(50_000)} place:syria`, commandByName);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Unknown command \/x+…\. Commands: \/attacks/);
    expect(message.length).toBeLessThan(300);
  });
});

describe('numbers typed in the console and ask', () => {
  it('page:0x10 and page:1e1 are refused, not read as 16 and 10', () => {
    for (const typed of ['0x10', '1e1', '0b1']) {
      expect(() => parseCommandLine(`/attacks place:iraq page:${typed}`, commandByName)).toThrow(`Option "page" must be a whole number, not "${typed}".`);
    }
    expect(parseCommandLine('/attacks place:iraq page:16', commandByName).options.page).toBe(16);
  });
});

describe('a missing required option says so', () => {
  it('names the option instead of zod\'s "expected string, received undefined"', async () => {
    await expect(async () => handle('attacks', {})).rejects.toThrow('Option "place" is required but was not given.');
    await expect(async () => handle('incident', {})).rejects.toThrow('Option "id" is required but was not given.');
  });
});

describe('time zones as Intl knows them', () => {
  const digestCtx = (): CommandContext => {
    const ds = seedDataset();
    return {
      dataset: () => ds,
      now: () => new Date('2019-08-22T12:00:00Z'),
      invocation: { guildId: '111111111111111111', channelId: '222222222222222222', userId: '3', memberPermissions: '32' },
      services: createConsoleServices(),
    };
  };

  // ICU names EST5EDT America/New_York from tzdata 2024b on (a link since then), EST5EDT before: either is kept as Intl names it.
  const est5edt = new Intl.DateTimeFormat('en', { timeZone: 'EST5EDT' }).resolvedOptions().timeZone;
  it.each([
    ['utc', 'UTC'],
    ['UTC', 'UTC'],
    ['EST5EDT', est5edt],
    ['asia/baghdad', 'Asia/Baghdad'],
    ['America/New York', 'America/New_York'],
    ['Asia/Calcutta', 'Asia/Calcutta'],
  ])('/digest set timezone:%s is kept as %s', async (typed, zone) => {
    const c = digestCtx();
    const r = await digest.handle({ subcommand: 'set', channel: '222222222222222222', time: '08:00', timezone: typed }, c);
    expect(r.content).toContain(`every day at 08:00 (${zone})`);
    expect((await c.services!.digest!.store.getSubscription('111111111111111111'))!.timeZone).toBe(zone);
  });

  it('still refuses a name that is no zone, and an offset', async () => {
    for (const tz of ['Baghdad', '+03:00']) {
      await expect(async () => digest.handle({ subcommand: 'set', channel: '222222222222222222', time: '08:00', timezone: tz }, digestCtx())).rejects.toThrow(
        UserError,
      );
    }
  });
});
