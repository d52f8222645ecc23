import type { Dataset } from './dataset.ts';

/**
 * `compute` memoised per dataset: run once for each Dataset and kept as long as that dataset lives, so
 * a reload's new dataset computes afresh and the old one's values go with it. The one place the code
 * caches something derived from a dataset.
 */
export function perDataset<T>(compute: (ds: Dataset) => T): (ds: Dataset) => T {
  const values = new WeakMap<Dataset, T>();
  return (ds) => {
    if (values.has(ds)) return values.get(ds) as T;
    const value = compute(ds);
    values.set(ds, value);
    return value;
  };
}
