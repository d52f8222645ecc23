/** The last-resort handlers of a bot process (src/crash-guard.ts), in a real child process. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { CRASH_EXIT_CODE } from '../src/crash-guard.ts';

const CHILD = fileURLToPath(new URL('./fixtures/processes/crash-guard-child.ts', import.meta.url));

function runChild(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, ...args], { encoding: 'utf8', timeout: 30_000 });
  const lines = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown> & { level: number; msg: string });
  return { code: r.status, lines, stderr: r.stderr };
}

describe('crash guard', () => {
  test('an unhandled rejection is logged with a running count and what the process was doing; the process goes on', () => {
    const r = runChild();
    expect(r.code).toBe(0);
    const rejections = r.lines.filter((l) => l.msg === 'unhandled promise rejection');
    expect(rejections.map((l) => [l.level, l.unhandledRejections, (l.err as { message: string }).message])).toEqual([
      [50, 1, 'first rejection'],
      [50, 2, 'second rejection'],
    ]);
    expect(rejections[0]!.activity).toEqual({ phase: 'ready', handling: 'a test event' });
    expect(r.lines.at(-1)!.msg).toBe('still running');
    expect(r.stderr).toBe('');
  });

  test('an uncaught exception is logged (fatal, with what the process was doing) and the process exits non-zero for its supervisor', () => {
    const r = runChild('throw');
    expect(r.code).toBe(CRASH_EXIT_CODE);
    expect(CRASH_EXIT_CODE).not.toBe(0);
    const fatal = r.lines.find((l) => l.level === 60);
    expect(fatal).toMatchObject({
      msg: 'uncaught exception; exiting for the supervisor to restart',
      origin: 'uncaughtException',
      activity: { phase: 'ready', handling: 'a test event' },
    });
    expect(fatal!.err).toMatchObject({ type: 'TypeError', message: 'Cannot read properties of null' });
    expect(r.lines.map((l) => l.msg)).not.toContain('still running');
    // Only the structured log line, not Node's own stack dump on stderr.
    expect(r.stderr).toBe('');
  });
});
