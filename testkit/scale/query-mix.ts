import type { Dataset } from '../../src/core/dataset.ts';
import type { AttacksQuery, Engine } from './engines.ts';
import { percentile } from '../percentile.ts';

export const QUERY_KINDS = ['country', 'province', 'province+range', 'stats-year', 'fuzzy-place'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

/** Misspelled place names, as people type them. */
export const TYPOS = ['aleppoo', 'mosull', 'raqqaa', 'deir ezor', 'ramadii', 'kirkukk', 'idleb', 'tikrt', 'palmira', 'baqubah'];

export interface QueryMix {
  /** One runnable question per variant; each returns its answer (for the correctness check). */
  variants: Record<QueryKind, { label: string; run: (e: Engine) => unknown }[]>;
}

const isoOf = (key: number) => `${Math.floor(key / 10000)}-${String(Math.floor(key / 100) % 100).padStart(2, '0')}-${String(key % 100).padStart(2, '0')}`;
const shiftIso = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The fixed query mix, derived deterministically from the dataset: /attacks by country (first page),
 * by each of the 8 busiest provinces, by those provinces over 90-day windows spread over their own
 * data, /stats over each year a country has data for, and /attacks for a mistyped place name.
 */
export function queryMix(ds: Dataset): QueryMix {
  const page = (q: AttacksQuery) => (e: Engine) => e.attacks(q, 0, 10);
  const countries = ['syria', 'iraq'].filter((c) => ds.incidents.forPlace(c));
  const provinces = [...ds.gazetteer.all()]
    .filter((p) => p.kind === 'province' && ds.incidents.forPlace(p.id))
    .map((p) => ({ id: p.id, n: ds.incidents.forPlace(p.id)!.length }))
    .sort((a, b) => b.n - a.n || (a.id < b.id ? -1 : 1))
    .slice(0, 8)
    .map((p) => p.id);
  const windows: { label: string; q: AttacksQuery }[] = [];
  for (const id of provinces) {
    const list = ds.incidents.forPlace(id)!;
    for (const f of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      const mid = isoOf(ds.incidents.dayKeys[list.positions[Math.floor(f * (list.length - 1))]!]!);
      windows.push({ label: `${id} ${mid}±45d`, q: { placeId: id, from: shiftIso(mid, -45), to: shiftIso(mid, 45) } });
    }
  }
  const years: { placeId: string; year: number }[] = [];
  for (const c of countries) {
    const list = ds.incidents.forPlace(c)!;
    const newest = Math.floor(ds.incidents.dayKeys[list.positions[0]!]! / 10000);
    for (let y = newest; y > newest - 4; y--) years.push({ placeId: c, year: y });
  }
  return {
    variants: {
      country: countries.map((c) => ({ label: c, run: page({ placeId: c, from: null, to: null }) })),
      province: provinces.map((p) => ({ label: p, run: page({ placeId: p, from: null, to: null }) })),
      'province+range': windows.map((w) => ({ label: w.label, run: page(w.q) })),
      'stats-year': years.map((y) => ({ label: `${y.placeId} ${y.year}`, run: (e: Engine) => e.stats(y.placeId, `${y.year}-01-01`, `${y.year}-12-31`) })),
      'fuzzy-place': TYPOS.map((t) => ({
        label: t,
        run: (e: Engine) => {
          const id = e.fuzzyPlace(t);
          return { id, page: id ? e.attacks({ placeId: id, from: null, to: null }, 0, 10) : null };
        },
      })),
    },
  };
}

export interface Timing {
  n: number;
  p50: number;
  p99: number;
}

/** Runs each variant round-robin until `maxRuns` or `budgetMs`, timing every call; returns ms. */
export function timeKind(e: Engine, variants: QueryMix['variants'][QueryKind], maxRuns: number, budgetMs: number): Timing {
  for (const v of variants) v.run(e); // warm-up: one of each
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < maxRuns && performance.now() - started < budgetMs; i++) {
    const v = variants[i % variants.length]!;
    const t = process.hrtime.bigint();
    v.run(e);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}
