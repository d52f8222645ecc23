/**
 * The first index in [lo, hi) at which `before(i)` is false, for a predicate that is true for a prefix
 * of the range and false after it (a sorted array searched for where a value belongs). hi when it is
 * true throughout. O(log n) calls.
 */
export function lowerBound(lo: number, hi: number, before: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
