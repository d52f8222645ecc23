import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultLogFormat } from '../src/discord/logger.ts';

const LOGGER = fileURLToPath(new URL('../src/discord/logger.ts', import.meta.url));

/** What one log line looks like on stdout for a format, from a real process. */
function logLine(format: 'pretty' | 'json'): string {
  const script = `const { createLogger, flushLogger } = await import(${JSON.stringify(LOGGER)}); const l = createLogger({ format: '${format}', secrets: ['sekrit-token-123'] }); l.info({ token: 'sekrit-token-123', guild: 'g1' }, 'digest sent'); await flushLogger(l);`;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
}

describe('log format', () => {
  it('is human-readable on a terminal and JSON otherwise', () => {
    expect(defaultLogFormat({ isTTY: true })).toBe('pretty');
    expect(defaultLogFormat({ isTTY: false })).toBe('json');
    expect(defaultLogFormat({})).toBe('json');
  });

  it('pretty lines read as text, JSON lines parse, and neither shows the token', () => {
    const pretty = logLine('pretty');
    expect(pretty).toMatch(/INFO.*digest sent/);
    expect(() => JSON.parse(pretty.split('\n')[0]!)).toThrow();
    expect(pretty).not.toContain('sekrit-token-123');
    const json = JSON.parse(logLine('json').trim()) as Record<string, unknown>;
    expect(json).toMatchObject({ msg: 'digest sent', guild: 'g1', level: 30 });
    expect(JSON.stringify(json)).not.toContain('sekrit-token-123');
  });
});
