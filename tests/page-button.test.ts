import { describe, expect, it } from 'vitest';
import { pageButtonId, pageButtons, parsePageButtonId } from '../commands/kit/page-button.ts';

describe('page buttons carry the query in their custom id', () => {
  it('round-trips options, with numbers as numbers and days as ISO days', () => {
    const options = { place: 'syria', from: '2019-07-01', to: '2019-08-31', actor: 'islamic-state', limit: 5, min_casualties: 3 };
    const id = pageButtonId('attacks', options, 2)!;
    expect(id).toBe('pg:attacks?p=syria&f=20190701&t=20190831&a=islamic-state&l=5&m=3&n=2');
    expect(parsePageButtonId(id)).toEqual({ command: 'attacks', options: { ...options, page: 2 } });
  });

  it('fits a long shipped place id with a date range and a page size in 100 characters', () => {
    const place = 'al-mahjar-desert-area-between-al-qaim-and-al-rubah'; // a real GED place id, 50 characters
    const id = pageButtonId('attacks', { place, from: '2017-01-01', to: '2017-12-31', limit: 10 }, 12);
    expect(id).not.toBeNull();
    expect(id!.length).toBeLessThanOrEqual(100);
  });

  it('gives no button rather than an id Discord would reject', () => {
    expect(pageButtonId('attacks', { place: 'x'.repeat(64), from: '2017-01-01', to: '2017-12-31', actor: 'islamic-state', limit: 10 }, 12)).toBeNull();
    expect(pageButtons('attacks', { place: 'x'.repeat(64), from: '2017-01-01', to: '2017-12-31', actor: 'islamic-state' }, 1, 3)).toBeNull();
  });

  it('keeps text options as typed (a topic with spaces)', () => {
    const id = pageButtonId('quote', { person: 'mike-pompeo', topic: 'external attacks' }, 2)!;
    expect(parsePageButtonId(id)).toEqual({ command: 'quote', options: { person: 'mike-pompeo', topic: 'external attacks', page: 2 } });
  });

  it('past the last page, Previous leads to the last page and Next is off', () => {
    const row = pageButtons('attacks', { place: 'iraq' }, 99, 3)!;
    const [prev, , next] = row.components as { custom_id: string; disabled: boolean }[];
    expect(parsePageButtonId(prev!.custom_id)!.options.page).toBe(3);
    expect(prev!.disabled).toBe(false);
    expect(next!.disabled).toBe(true);
  });
});
