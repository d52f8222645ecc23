import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandByName } from '../commands/index.ts';
import { parseCommandLine, tokenize } from '../src/cli/parse-command-line.ts';
import { toDiscordBody } from '../src/cli/run-command.ts';
import { createCliContext } from '../src/app.ts';
import { UserError } from '../src/core/user-error.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** Runs a CLI the way a user does (`npm run ask` is `tsx src/main.ts ask`), as a child process. */
function cli(script: string, args: string[], input?: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    env: { ...process.env, DISCORD_TOKEN: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const ask = (...args: string[]) => cli('src/main.ts', ['ask', ...args]);

describe('parsing what people type', () => {
  it('gives the first required option bare, and lets later words extend an option', () => {
    expect(parseCommandLine('/attacks syria', commandByName).options).toEqual({ place: 'syria' });
    expect(parseCommandLine('/attacks al hol camp from:last 30 days limit:3', commandByName).options).toEqual({
      place: 'al hol camp',
      from: 'last 30 days',
      limit: 3,
    });
    expect(parseCommandLine('/quote person:"Secretary of State" topic:caliphate', commandByName).options).toEqual({
      person: 'Secretary of State',
      topic: 'caliphate',
    });
    expect(parseCommandLine('/QUOTE pompeo', commandByName).module.definition.name).toBe('quote');
  });

  it('keeps quoted text together, straight or curly', () => {
    expect(tokenize('/quote person:"Mike Pompeo" topic:“external attacks”')).toEqual(['/quote', 'person:Mike Pompeo', 'topic:external attacks']);
  });

  it.each([
    ['/nope', /Unknown command \/nope\. Commands: \/attacks/],
    ['/attacks syria colour:red', /\/attacks has no option "colour"\. Options: place, from, to/],
    ['/attacks syria limit:many', /Option "limit" must be a whole number, not "many"/],
    ['/attacks', /\/attacks needs the option "place"/],
    ['attacks syria', /Commands start with a slash/],
    ['/attacks place:syria place:iraq', /given twice/],
  ])('%s is a usage error', (line, message) => {
    expect(() => parseCommandLine(line, commandByName)).toThrow(UserError);
    expect(() => parseCommandLine(line, commandByName)).toThrow(message);
  });
});

describe('npm run ask', () => {
  it('answers in readable text and exits 0', () => {
    const r = ask('/incident diyala-police-2019-08-22');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('== An IS cell attacked in Diyala, killing two policemen and injuring three; police killed four of the militants. ==');
    expect(r.stdout).toContain('> On August 22, an IS cell staged an attack in the eastern Iraqi province of Diyala');
    expect(r.stdout).not.toMatch(/\*\*/);
  });

  it('--json prints exactly the payload the handler gives Discord', async () => {
    const r = ask('--json', '/quote pompeo topic:risk');
    expect(r.code).toBe(0);
    const ctx = createCliContext();
    const expected = toDiscordBody(await commandByName.get('quote')!.handle({ person: 'pompeo', topic: 'risk' }, ctx));
    expect(JSON.parse(r.stdout)).toEqual(expected);
    expect(JSON.parse(r.stdout).allowed_mentions).toEqual({ parse: [] });
  });

  it('--now sets the clock for relative dates', () => {
    const r = ask('--json', '--now', '2019-08-25T09:00:00Z', '/attacks iraq from:last 30 days limit:10');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.embeds[0].description).toContain('_from 2019-07-27_');
    for (const id of ['diyala-police-2019-08-22', 'sulaymaniyah-security-post-2019-07-31', 'saladin-oilfields-2019-07-29'])
      expect(body.embeds[0].description).toContain(id);
  });

  it('exits 0 for "nothing found" and for an unknown place (an answer, with suggestions)', () => {
    const none = ask('--now', '2019-08-25T09:00:00Z', '/attacks iraq from:yesterday');
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No incidents found: Incidents involving the Islamic State in Iraq');
    const typo = ask('/attacks syrai');
    expect(typo.code).toBe(0);
    expect(typo.stdout).toMatch(/Did you mean Syria( or [^?]+)?\?/);
  });

  it.each([
    [['/nope'], /^Unknown command \/nope\./],
    [['/attacks syria colour:red'], /has no option "colour"/],
    [['/attacks syria from:31/07/2019'], /^"31\/07\/2019" is not a date I understand/],
    [['--now', 'tomorrow', '/help'], /^--now must be an ISO date-time/],
    [['--bogus', '/help'], /Unknown option '--bogus'/],
    [[], /^usage: npm run --silent ask/],
  ])('%j is a usage error: exit 2, one line, no stack trace', (args, message) => {
    const r = ask(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('/stats credits exactly the sources that have incidents in the place and period asked', () => {
    const footer = (line: string) => JSON.parse(ask('--json', line).stdout).embeds[0].footer.text as string;
    const iraq2019 = footer('/stats place:iraq from:2019'); // only the article's attacks: GED has no Iraq events in 2019
    expect(iraq2019).toContain('IS Probably Making A Comeback');
    expect(iraq2019).not.toContain('UCDP');
    const mosul2017 = footer('/stats place:mosul from:2017 to:2017');
    expect(mosul2017).toContain('UCDP Georeferenced Event Dataset');
    expect(mosul2017).not.toContain('Comeback');
  });

  it('writes attached files to --out and prints their paths', () => {
    const out = mkdtempSync(join(tmpdir(), 'ask-out-'));
    try {
      const r = ask('--out', out, '/chart syria');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Saved .*chart\.png/);
      expect(readdirSync(out).some((f) => f.endsWith('.png'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('npm run ask with invalid data', () => {
  it('prints one line that says so and where to look, exit 1, no stack trace', () => {
    const r = cli('src/main.ts', ['ask', '/attacks syria'], undefined, { DATASET_DIR: 'tests/fixtures/bad-data' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: the dataset is invalid \(\d+ problems?\); `npm run data:check` lists them\.\n$/);
    expect(r.stderr).not.toContain('DatasetError');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run data:check', () => {
  it('validates the shipped data and prints counts per kind', () => {
    const r = cli('src/cli/data-check.ts', []);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^data\/ is valid \(\d+ ms to load, validate and index\):/);
    for (const kind of ['sources', 'places', 'actors', 'incidents', 'statistics', 'quotes'])
      expect(r.stdout).toMatch(new RegExp(`^  ${kind}\\s+[\\d,]+$`, 'm'));
  });

  it('exits 1 and names the problem when a record is bad', () => {
    const r = cli('src/cli/data-check.ts', ['tests/fixtures/bad-data']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('record "bad-incident": field "placeId": refers to place "nowhere", which does not exist');
  });
});

describe('the offline console', () => {
  it('answers commands piped to it, one after another, and turns pages with /next', () => {
    const r = cli('src/main.ts', [], '/attacks iraq from:2019-01-01 limit:1\n/next\n/quote person:pompeo topic:complicated\n/nope\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('diyala-police-2019-08-22');
    // /next followed the page button to page 2
    expect(r.stdout).toContain('Page 2 of 3');
    expect(r.stdout).toContain('sulaymaniyah-security-post-2019-07-31');
    expect(r.stdout).toContain('> “It’s complicated”');
    expect(r.stdout).toContain('Unknown command /nope.');
  });
});
