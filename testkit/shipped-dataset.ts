import { Dataset } from '../src/core/dataset.ts';
import { DEFAULT_DATA_DIR, loadRawDataset } from '../src/data/load-dataset.ts';
import type { RawDataset } from '../src/schema/index.ts';

let raw: RawDataset | null = null;
let dataset: Dataset | null = null;

/**
 * The shipped data/ folder's validated records (the article and UCDP GED), read once per test worker.
 * Records are never changed after validation, so every test file in the worker can share them.
 */
export function shippedRecords(): RawDataset {
  raw ??= loadRawDataset(DEFAULT_DATA_DIR);
  return raw;
}

/**
 * The shipped data/ folder indexed, once per test worker (what loadDataset() gives for it): a Dataset is
 * immutable, so the files that query the real data share one instead of each indexing 24,000 incidents.
 */
export function shippedDataset(): Dataset {
  dataset ??= new Dataset(shippedRecords());
  return dataset;
}
