import type { PgMigration } from '../postgres.ts';
import { ALERTS_PG_MIGRATIONS } from './alerts.ts';
import { COORDINATION_MIGRATIONS } from './coordination.ts';
import { DIGEST_PG_MIGRATIONS } from './digest.ts';
import { FEEDS_PG_MIGRATIONS } from './feeds.ts';
import { REVIEW_PG_MIGRATIONS } from './review.ts';

/**
 * Every PostgreSQL migration, one file per area, versions by range: digest 1–9, alerts 10–19, feeds 20–29,
 * review 30–39, coordination 40–49, others 50+. An area adds its import here.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  ...DIGEST_PG_MIGRATIONS,
  ...ALERTS_PG_MIGRATIONS,
  ...FEEDS_PG_MIGRATIONS,
  ...REVIEW_PG_MIGRATIONS,
  ...COORDINATION_MIGRATIONS,
];
