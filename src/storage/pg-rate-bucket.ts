import type pg from 'pg';
import { waitForToken, type BucketShape, type RateBucket } from './rate-bucket.ts';

/**
 * The token bucket in PostgreSQL, for processes on several machines: one statement per take, on the
 * server's clock, the row locked (SELECT … FOR UPDATE) from reading the tokens to writing them back.
 */
export class PgRateBucket implements RateBucket {
  private created: Promise<unknown> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    readonly shape: BucketShape,
  ) {}

  async tryTake(): Promise<number> {
    this.created ??= this.pool.query('INSERT INTO rate_buckets (name, tokens, updated_at) VALUES ($1, $2, clock_timestamp()) ON CONFLICT (name) DO NOTHING', [
      this.shape.name,
      this.shape.burst,
    ]);
    await this.created;
    const { rows } = await this.pool.query<{ available: number }>(
      `WITH cur AS (
         SELECT tokens, updated_at, clock_timestamp() AS now FROM rate_buckets WHERE name = $1 FOR UPDATE
       ), calc AS (
         SELECT LEAST($2::float8, tokens + GREATEST(0, EXTRACT(EPOCH FROM (now - updated_at))) * $3::float8) AS available, now FROM cur
       ), taken AS (
         UPDATE rate_buckets SET tokens = CASE WHEN calc.available >= 1 THEN calc.available - 1 ELSE calc.available END, updated_at = calc.now
         FROM calc WHERE rate_buckets.name = $1
       )
       SELECT available FROM calc`,
      [this.shape.name, this.shape.burst, this.shape.perSecond],
    );
    return waitForToken(this.shape, Number(rows[0]?.available ?? 0));
  }
}
