import type { PgMigration } from '../postgres.ts';
import { FEEDS_PG_MIGRATIONS } from './feeds.ts';
import { REVIEW_PG_MIGRATIONS } from './review.ts';

/**
 * Every PostgreSQL migration of the bot, one file per area, each area with its own range of versions:
 * digest 1–9, alerts 10–19, feeds 20–29, review 30–39, coordination 40–49, anything else 50+.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [...FEEDS_PG_MIGRATIONS, ...REVIEW_PG_MIGRATIONS];
