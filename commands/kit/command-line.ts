import type { RawOptions } from './context.ts';

/** How to ask for the same thing by typing: "/attacks place:syria from:2019-07-01 page:2". */
export function commandLine(command: string, options: RawOptions): string {
  const parts = Object.entries(options)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}:${/\s/.test(String(v)) ? `"${String(v)}"` : String(v)}`);
  return `/${command} ${parts.join(' ')}`.trimEnd();
}
