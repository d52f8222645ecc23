import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Lines kept between sessions. */
export const HISTORY_SIZE = 500;

/** The console's history file: in the state folder ($DATA_DIR, default ./var), beside the database. */
export function historyPath(stateDir: string): string {
  return join(resolve(stateDir), 'console-history');
}

/** The saved lines, newest first (as readline wants them); none when there is no file yet. */
export function loadHistory(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

/** Saves readline's history (newest first) oldest first, one line each. A failure to save loses only the history. */
export function saveHistory(path: string, newestFirst: readonly string[]): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${[...newestFirst].slice(0, HISTORY_SIZE).reverse().join('\n')}\n`);
  } catch {
    // a read-only state folder: the session still works, it just forgets
  }
}
