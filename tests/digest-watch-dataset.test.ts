import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_DATA_DIR } from '../src/data/load-dataset.ts';
import { watchDataset, type DatasetWatcher } from '../src/data/watch-dataset.ts';

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

function copyData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'digest-data-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const kind of ['sources', 'places', 'actors', 'statistics', 'quotes']) cpSync(join(DEFAULT_DATA_DIR, kind), join(dir, kind), { recursive: true });
  cpSync(join(DEFAULT_DATA_DIR, 'incidents', 'seed-article.json'), join(dir, 'incidents', 'seed-article.json'));
  return dir;
}

// A reload runs in a worker thread: give a busy machine time to start it.
const waitFor = (pred: () => boolean) => vi.waitFor(() => expect(pred()).toBe(true), { timeout: 30_000, interval: 20 });

describe('watchDataset (hot reload)', () => {
  it('swaps in a valid change, keeps the last good dataset on an invalid one and logs exactly what is wrong', { timeout: 120_000 }, async () => {
    const dir = copyData();
    const logs: { obj: Record<string, unknown>; msg?: string }[] = [];
    const logger = {
      info: (obj: object, msg?: string) => logs.push({ obj: obj as Record<string, unknown>, msg }),
      error: (obj: object, msg?: string) => logs.push({ obj: obj as Record<string, unknown>, msg }),
    };
    const w: DatasetWatcher = watchDataset(dir, { logger, debounceMs: 50 });
    cleanup.push(() => void w.close());
    const first = w.current();
    const file = join(dir, 'incidents', 'seed-article.json');
    const records = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
    const copy = { ...records[0]!, id: 'hot-reload-test-incident' };
    writeFileSync(file, JSON.stringify([...records, copy], null, 1));
    await waitFor(() => w.current() !== first);
    const second = w.current();
    expect(second.incident('hot-reload-test-incident')).toBeDefined();
    expect(first.incident('hot-reload-test-incident')).toBeUndefined(); // the old one is untouched

    writeFileSync(file, JSON.stringify([...records, { ...copy, date: { date: '2019-02-30', precision: 'exact' } }], null, 1));
    await waitFor(() => logs.some((l) => l.msg?.startsWith('dataset change rejected')));
    expect(w.current()).toBe(second);
    const rejected = logs.find((l) => l.msg?.startsWith('dataset change rejected'))!;
    expect(rejected.obj.issues).toEqual([
      expect.stringMatching(/seed-article\.json: record "hot-reload-test-incident": field "date\.date": is not a real calendar date/),
    ]);

    writeFileSync(file, '[{"id": ');
    await waitFor(() => logs.filter((l) => l.msg?.startsWith('dataset change rejected')).length >= 2);
    expect(w.current()).toBe(second);
    expect(String(logs.at(-1)!.obj.issues)).toMatch(/not valid JSON/);
  });
});
