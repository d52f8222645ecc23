import Fuse from 'fuse.js';
import { describe, expect, it } from 'vitest';
import { shippedDataset } from '../testkit/shipped-dataset.ts';
import { normalizeName } from '../src/core/normalize-name.ts';

const ds = shippedDataset();

describe('fuzzy place suggestions over the shipped gazetteer', () => {
  const TYPOS = [
    'aleppoo',
    'mosull',
    'raqqaa',
    'deir ezor',
    'ramadii',
    'kirkukk',
    'tikrt',
    'palmira',
    'Diyalla',
    'sulaimaniya',
    'hasakkah',
    'fallujja',
    'syrai',
    'damascas',
    'homss',
    'qamishlii',
    'abu kamall',
    'baghdadd',
    'samara',
    'hawijja',
  ];

  it('the trigram prefilter finds the same best match as Fuse.js over every name', () => {
    // The reference: one Fuse index over every normalised name and alias, searched whole.
    const all = [...ds.gazetteer.all()].flatMap((p) => [p.name, ...p.aliases].map((name) => ({ key: normalizeName(name), id: p.id })));
    const fuse = new Fuse(all, { keys: ['key'], threshold: 0.4, ignoreLocation: true, includeScore: true });
    for (const typo of TYPOS) {
      // suggest() is what "did you mean" and autocomplete show (most of these typos now resolve at once).
      const best = fuse.search(normalizeName(typo), { limit: 1 })[0]!;
      const ours = ds.gazetteer.suggest(typo, 5)[0];
      // Same place, or a different place whose name scores exactly as well (ties may order differently).
      if (ours !== best.item.id) {
        const oursScore = fuse.search(normalizeName(typo)).find((x) => x.item.id === ours)?.score;
        expect(oursScore, `${typo}: ours ${ours}, Fuse ${best.item.id}`).toBe(best.score);
      }
    }
  });

  it('suggests nothing for what resembles no name, rather than a random place', () => {
    expect(ds.gazetteer.resolve('xq')).toEqual({ kind: 'not-found', suggestions: [] });
  });

  it('offers larger areas first for a prefix, and exact names resolve without fuzziness', () => {
    expect(ds.gazetteer.suggest('sal', 3)[0]).toBe('saladin-province');
    expect(ds.gazetteer.resolve('Şalāḩ ad Dīn province')).toMatchObject({ kind: 'found', id: 'saladin-province' });
    expect(ds.gazetteer.resolve('idleb')).toMatchObject({ kind: 'found' });
  });
});
