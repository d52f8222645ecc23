/**
 * The deployment kit, checked where Docker cannot run: compose.yaml sets only variables the configuration
 * schema knows (a typo would be ignored silently by the bot), with the state where the image keeps it and
 * the health check on HTTP_PORT; the systemd unit and .env.example agree with the schema too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadAppConfig } from '../src/config.ts';

interface ComposeService {
  build?: string;
  env_file?: string | string[];
  environment?: Record<string, string> | string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync('compose.yaml', 'utf8')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const bot = compose.services.bot!;
const env = bot.environment as Record<string, string>;

/** ${VAR}, ${VAR:-default}, ${VAR:?message}: compose's interpolation, with what .env gives it. */
const interpolate = (v: string, vars: Record<string, string>) => v.replace(/\$\{(\w+)(?::[-?][^}]*)?\}/g, (_m, name: string) => vars[name] ?? '');

describe('compose.yaml', () => {
  it('the bot service sets only variables the configuration schema knows, and they validate', () => {
    expect(Object.keys(env).length).toBeGreaterThan(0);
    for (const name of Object.keys(env)) expect(CONFIG_VARIABLES, `${name} is not a setting of the bot`).toContain(name);
    const values = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(v, { POSTGRES_PASSWORD: 'pw' })]));
    const config = loadAppConfig({ ...values, DISCORD_TOKEN: 'x'.repeat(40), DISCORD_APPLICATION_ID: '123456789012345678' });
    expect(config.databaseUrl).toBe('postgres://incident_bot:pw@db:5432/incident_bot');
    expect(config.httpPort).toBe(8080);
    expect(config.stateDir).toBe('/var/lib/incident-bot');
  });

  it('reads the rest from .env, keeps the state in a volume, waits for PostgreSQL, and checks /healthz on HTTP_PORT', () => {
    expect(bot.env_file).toBe('.env');
    expect(bot.build).toBe('.');
    expect(bot.volumes).toContain('state:/var/lib/incident-bot');
    expect(compose.volumes).toHaveProperty('state');
    expect(compose.volumes).toHaveProperty('pgdata');
    expect(bot.depends_on?.db?.condition).toBe('service_healthy');
    expect(bot.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${env.HTTP_PORT}/healthz`);
    // The database the bot is pointed at is the one the db service creates.
    const db = compose.services.db!.environment as Record<string, string>;
    expect(env.DATABASE_URL).toContain(`${db.POSTGRES_USER}:`);
    expect(env.DATABASE_URL).toMatch(new RegExp(`@db:5432/${db.POSTGRES_DB}$`));
    expect(db.POSTGRES_PASSWORD).toBe(env.DATABASE_URL!.match(/:(\$\{POSTGRES_PASSWORD[^}]*\})@/)![1]);
  });

  it('the state folder is the one the Dockerfile makes a volume of', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toContain('STATE_DIR=/var/lib/incident-bot');
    expect(dockerfile).toContain('VOLUME ["/var/lib/incident-bot"]');
  });
});

describe('the other deployment files name only settings the bot knows', () => {
  it('.env.example lists every setting, and nothing else but the compose stack’s POSTGRES_PASSWORD', () => {
    const listed = [...readFileSync('.env.example', 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    for (const name of listed) if (name !== 'POSTGRES_PASSWORD') expect(CONFIG_VARIABLES, `.env.example: ${name}`).toContain(name);
    for (const name of CONFIG_VARIABLES) if (name !== 'DATA_DIR') expect(listed, `.env.example lacks ${name}`).toContain(name);
  });

  it('the systemd unit sets known settings, restarts on failure but not on a bad configuration (exit 2)', () => {
    const unit = readFileSync('deploy/incident-bot.service', 'utf8');
    const set = [...unit.matchAll(/^Environment=([A-Z_]+)=/gm)].map((m) => m[1]!).filter((n) => n !== 'NODE_ENV');
    for (const name of set) expect(CONFIG_VARIABLES).toContain(name);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=2$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node --import tsx src\/main\.ts$/m);
  });
});
