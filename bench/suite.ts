/**
 * The benchmark suite interface: every module in bench/suites/*.ts default-exports a Suite.
 * `bench/run.ts` prints each suite's lines, and with --json one JSON object of every suite's figures
 * keyed by suite name.
 */
export interface SuiteResult {
  name: string;
  /** Human-readable report lines (tables, notes), printed as they are. */
  lines: string[];
  /** Machine-readable measurements: milliseconds, megabytes, ratios, counts. */
  figures: Record<string, number>;
}

export type Suite = () => Promise<SuiteResult>;

export { percentile } from '../testkit/percentile.ts';

/** Formats rows as a fixed-width text table (first row is the header). */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const [head, ...rest] = rows;
  return head ? [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rest.map(line)] : [];
}
