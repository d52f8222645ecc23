/** `npm run extract` as a user runs it: exit codes, the JSON object, the review layout, HTML input. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const SEED = 'data/source-texts/is-comeback-iraq-syria-2019.txt';
const dir = mkdtempSync(join(tmpdir(), 'extract-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function extract(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/extract.ts', ...args], { cwd: ROOT, encoding: 'utf8', input, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe('npm run extract', () => {
  it('prints exactly one JSON object with --json and exits 0', () => {
    const r = extract(['--json', '--published', '2019-08-23', '--publisher', 'Example Wire', SEED]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown[]> & { source: { publisher: string } };
    expect(Object.keys(out)).toEqual(['source', 'incidents', 'quotes', 'statistics', 'places', 'actors']);
    expect(out.incidents).toHaveLength(5);
    expect(out.source.publisher).toBe('Example Wire');
  }, 130_000);

  it('--title and --url go into the source record', () => {
    const r = extract(
      ['--json', '--published', '2024-11-04', '--title', 'A given title', '--url', 'https://example.org/a', '-'],
      'Analysts say the group is weaker.\n',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).source).toMatchObject({ title: 'A given title', url: 'https://example.org/a' });
  }, 130_000);

  it('answers "No incidents found." with exit 0 when there are none, reading standard input', () => {
    const r = extract(['--published', '2024-11-04', '-'], 'Analysts say the group is weaker than it was.\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No incidents found.');
  }, 130_000);

  it('reads the main text of an HTML page through Readability, with its publication date', () => {
    const page = `<!doctype html><html><head><title>Bomb kills two in Kirkuk</title><meta property="article:published_time" content="2024-05-15T09:00:00Z"></head>
      <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
      <article><h1>Bomb kills two in Kirkuk</h1>
      <p>A roadside bomb killed two Iraqi soldiers on a patrol in Kirkuk province on Sunday, the military said in a statement issued later that day.</p>
      <p>The blast also wounded three soldiers, an officer said, adding that the patrol had been searching farmland south of the city.</p></article>
      <footer>Copyright Example</footer></body></html>`;
    const r = extract([file('page.html', page)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('INCIDENT kirkuk-governorate-2024-05-12');
    expect(r.stdout).toContain('killed 2, injured 3');
    expect(r.stdout).not.toContain('Copyright');
  }, 130_000);

  it.each([
    ['a missing file', () => [join(dir, 'nope.txt')], undefined, /^Cannot read .*nope\.txt: ENOENT\.\n$/],
    ['a binary file', () => ['--published', '2024-05-15', file('bin.dat', Buffer.from([0, 1, 2, 255, 254, 0]))], undefined, /not UTF-8 text\.\n$/],
    ['empty text', () => ['--published', '2024-05-15', file('empty.txt', ' \n\n ')], undefined, /has no article text\.\n$/],
    [
      'an HTML page without text',
      () => ['--published', '2024-05-15', file('empty.html', '<html><head><title>Nothing</title></head><body><div> </div></body></html>')],
      undefined,
      /has no article text\.\n$/,
    ],
    [
      'no --published and no date in the text',
      () => [file('undated.txt', 'Gunmen killed two soldiers in Kirkuk on Sunday.')],
      undefined,
      /^The article states no publication date: give it with --published YYYY-MM-DD\.\n$/,
    ],
    ['a malformed --published', () => ['--published', '15/05/2024', SEED], undefined, /^--published must be a real date YYYY-MM-DD, not "15\/05\/2024"\.\n$/],
    ['an impossible --published', () => ['--published', '2019-02-30', SEED], undefined, /not "2019-02-30"/],
    ['no file', () => ['--published', '2024-05-15'], undefined, /^usage: /],
    ['a --url that is not a URL', () => ['--published', '2024-05-15', '--url', 'example', SEED], undefined, /^--url must be a full URL, not "example"\.\n$/],
  ])(
    'exits 2 with one line for %s',
    (_what, args, input, message) => {
      const r = extract(args(), input);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    },
    130_000,
  );
});
