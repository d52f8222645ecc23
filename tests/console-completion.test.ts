import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commandByName } from '../commands/index.ts';
import { completeLine } from '../src/cli/console-completion.ts';
import { runConsole } from '../src/cli/console.ts';
import { seedContext } from '../testkit/seed-dataset.ts';

const ctx = seedContext();
const complete = (line: string) => completeLine(line, commandByName, ctx);

describe('console Tab completion (the same autocomplete as Discord)', () => {
  it('completes command names', async () => {
    expect(await complete('/att')).toEqual([['/attacks '], '/att']);
    expect((await complete('/s'))[0]).toEqual(['/stats ', '/sources ']);
  });

  it('completes option names, leaving out the ones already given', async () => {
    expect(await complete('/attacks place:syria fr')).toEqual([['from:'], 'fr']);
    expect((await complete('/attacks place:syria '))[0]).not.toContain('place:');
    expect((await complete('/digest '))[0]).toEqual(['set ', 'status ', 'preview ', 'off ']);
  });

  it('completes place values to the ids Discord would send, by any spelling', async () => {
    const [values] = await complete('/attacks place:kobani');
    expect(values[0]).toBe('place:kobane-ayn-al-arab');
    expect((await complete('/attacks place:tal afa'))[0]).toContain('place:tall-afar');
  });

  it('completes a first word as the first required option, as the console reads it', async () => {
    expect((await complete('/attacks diyal'))[0]).toContain('diyala-province');
    expect((await complete('/quote pomp'))[0]).toContain('mike-pompeo');
  });
});

/** Types keys into a console reading from a terminal-like stream and returns what it printed. */
async function session(stateDir: string, keys: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (b: Buffer) => (printed += b.toString()));
  const done = runConsole({ input, output, terminal: true, stateDir, context: () => ctx, commands: commandByName, outDir: join(stateDir, 'out') });
  for (const k of keys) {
    input.write(k);
    await new Promise((r) => setTimeout(r, 30)); // completion is asynchronous: let each key be handled
  }
  input.end();
  await done;
  return printed;
}

describe('console in a terminal', () => {
  it('completes with Tab and keeps its history between sessions, in the state folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'incident-bot-console-'));
    const first = await session(dir, ['/sou', '\t', '\r', '/quit\r']);
    expect(first).toContain('/sources ');
    expect(first).toContain('UCDP');
    expect(readFileSync(join(dir, 'console-history'), 'utf8')).toContain('/sources');
    // A new session: ↑ brings back the last line of the one before, and Enter runs it.
    const second = await session(dir, ['\x1b[A', '\r', '/quit\r']);
    expect(second.split('UCDP').length).toBeGreaterThan(1);
  });
});
