import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, redactUrl, StoreError, type PgMigration } from '../src/storage/postgres.ts';
import { startTestPostgres, type TestPostgres } from '../testkit/postgres.ts';

const V1: PgMigration = { version: 1, description: 'a table', up: 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)' };
const V2: PgMigration = { version: 2, description: 'a column', up: 'ALTER TABLE t ADD COLUMN w TEXT' };

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('PostgreSQL store (a real server the tests start, as an unprivileged user when run as root)', () => {
  it('applies migrations once, also when two processes start together, and only the pending ones later', async () => {
    const url = await server.createDatabase('migrate_once');
    const [a, b] = await Promise.all([openPostgres(url, [V1]), openPostgres(url, [V1])]);
    expect((await a.query('SELECT version FROM schema_migrations ORDER BY version')).rows).toEqual([{ version: 1 }]);
    await a.end();
    await b.end();
    const c = await openPostgres(url, [V1, V2]);
    expect((await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows).toEqual([{ version: 1 }, { version: 2 }]);
    await c.query("INSERT INTO t (id, v, w) VALUES (1, 'x', 'y')");
    await c.end();
  });

  it('applies a step of a lower version range added after a higher one was applied (each area has its own range)', async () => {
    const url = await server.createDatabase('ranges');
    const V30: PgMigration = { version: 30, description: 'another area', up: 'CREATE TABLE u (id INTEGER PRIMARY KEY)' };
    await (await openPostgres(url, [V1, V30])).end();
    const later = await openPostgres(url, [V1, V2, V30]);
    expect((await later.query('SELECT version FROM schema_migrations ORDER BY version')).rows).toEqual([{ version: 1 }, { version: 2 }, { version: 30 }]);
    await later.query("INSERT INTO t (id, v, w) VALUES (1, 'x', 'y')");
    await later.end();
  });

  it('refuses a database migrated by a newer version, naming both versions, and changes nothing', async () => {
    const url = await server.createDatabase('newer');
    const newer = await openPostgres(url, [V1, V2]);
    await newer.end();
    const err = await openPostgres(url, [V1]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/schema version 2; this version knows up to 1/);
  });

  it('says which database it could not reach, without its password', async () => {
    const url = server.url.replace(/:(\d+)\//, ':1/');
    const err = await openPostgres(url, [V1], { connectTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    const message = (err as Error).message;
    expect(message).toMatch(/^could not connect to the database at DATABASE_URL=postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres: ECONNREFUSED/);
    expect(message).not.toContain(new URL(server.url).password);
    expect(redactUrl('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
  });
});
