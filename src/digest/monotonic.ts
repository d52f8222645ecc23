import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Elapsed time, not the time of day: it never steps when the wall clock is set back or forward.
 * `origin` names the clock: two readings compare only if their origins are equal.
 */
export interface MonotonicClock {
  /** ms since an arbitrary, fixed point. */
  now(): number;
  origin: string;
}

/**
 * The system's monotonic clock (process.hrtime: CLOCK_MONOTONIC on Linux, counted from boot and shared
 * by every process on the machine). On Linux its origin is the boot id, so a restarted process (a shard,
 * a supervisor restart) can measure time since a request a previous process made; elsewhere readings
 * compare only within this process and across processes the wall clock is used.
 */
export function systemMonotonicClock(): MonotonicClock {
  let origin: string;
  try {
    origin = `boot:${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}`;
  } catch {
    origin = `process:${process.pid}:${randomUUID()}`;
  }
  return { now: () => Number(process.hrtime.bigint() / 1000n) / 1000, origin };
}
