import { describe, expect, it } from 'vitest';
import { attacks } from '../commands/attacks.ts';
import { commandByName } from '../commands/index.ts';
import { pageButtonId, pageButtons, parsePageButtonId, resolveHashedIds } from '../commands/kit/page-button.ts';
import { quote } from '../commands/quote.ts';
import { shippedDataset } from '../testkit/shipped-dataset.ts';
import { UserError } from '../src/core/user-error.ts';
import { seedContext } from '../testkit/seed-dataset.ts';

describe('page buttons carry the query in their custom id', () => {
  it('round-trips options, with numbers as numbers and days as ISO days', () => {
    const options = { place: 'syria', from: '2019-07-01', to: '2019-08-31', actor: 'islamic-state', limit: 5, min_casualties: 3 };
    const id = pageButtonId(attacks, options, 2)!;
    expect(id).toBe('pg:attacks?p=syria&f=20190701&t=20190831&a=islamic-state&l=5&m=3&n=2');
    expect(parsePageButtonId(id, commandByName)).toEqual({ command: 'attacks', options: { ...options, page: 2 } });
  });

  it('fits a long shipped place id with a date range and a page size in 100 characters', () => {
    const place = 'al-mahjar-desert-area-between-al-qaim-and-al-rubah'; // a real GED place id, 50 characters
    const id = pageButtonId(attacks, { place, from: '2017-01-01', to: '2017-12-31', limit: 10 }, 12);
    expect(id).not.toBeNull();
    expect(id!.length).toBeLessThanOrEqual(100);
  });

  it('gives no button rather than an id Discord would reject', () => {
    // Ids too long travel hashed (see below); free text that long cannot, so it gets no button.
    const topic = 'x'.repeat(100);
    expect(pageButtonId(quote, { person: 'mike-pompeo', topic }, 12)).toBeNull();
    expect(pageButtons(quote, { person: 'mike-pompeo', topic }, 1, 3)).toBeNull();
  });

  it('keeps text options as typed (a topic with spaces)', () => {
    const id = pageButtonId(quote, { person: 'mike-pompeo', topic: 'external attacks' }, 2)!;
    expect(parsePageButtonId(id, commandByName)).toEqual({ command: 'quote', options: { person: 'mike-pompeo', topic: 'external attacks', page: 2 } });
  });

  it('past the last page, Previous leads to the last page and Next is off', () => {
    const row = pageButtons(attacks, { place: 'iraq' }, 99, 3)!;
    const [prev, , next] = row.components as { custom_id: string; disabled: boolean }[];
    expect(parsePageButtonId(prev!.custom_id, commandByName)!.options.page).toBe(3);
    expect(prev!.disabled).toBe(false);
    expect(next!.disabled).toBe(true);
  });
});

describe('page buttons are accepted only for what they can stand for', () => {
  it('refuses a button for a command that does not page, or with an option the command does not take', () => {
    expect(parsePageButtonId('pg:digest?subcommand=off', commandByName)).toBeNull();
    expect(parsePageButtonId('pg:digest?subcommand=set&channel=1&time=08:00&timezone=UTC', commandByName)).toBeNull();
    expect(parsePageButtonId('pg:attacks?p=syria&subcommand=off&n=2', commandByName)).toBeNull();
    expect(parsePageButtonId('pg:attacks?p=syria&p=iraq&n=2', commandByName)).toBeNull();
    expect(parsePageButtonId('pg:help?n=2', commandByName)).toBeNull();
  });

  it('reads page:0x10 as what it is, not as 16', async () => {
    const parsed = parsePageButtonId('pg:attacks?p=iraq&l=1&n=0x10', commandByName)!;
    expect(parsed.options.page).toBe('0x10');
    await expect(async () => attacks.handle(parsed.options, seedContext())).rejects.toThrow('Option "page": must be a whole number.');
  });

  it('an id too long for the custom id travels as a hash the dataset resolves, so even the longest place ids keep their buttons', () => {
    const ds = shippedDataset();
    const longest = [...ds.gazetteer.all()]
      .map((p) => p.id)
      .sort((a, b) => b.length - a.length)
      .slice(0, 400);
    const actor = 'islamic-state';
    for (const place of longest) {
      const state = { place, from: '2017-01-01', to: '2017-12-31', actor, min_casualties: 10, limit: 10 };
      const row = pageButtons(attacks, state, 2, 1234);
      expect(row, place).not.toBeNull();
      const next = (row!.components[2] as { custom_id: string }).custom_id;
      expect(next.length).toBeLessThanOrEqual(100);
      const parsed = parsePageButtonId(next, commandByName)!;
      expect(resolveHashedIds(attacks, parsed.options, ds)).toEqual({ ...state, page: 3 });
    }
    // A hash no id of the dataset has (the place was removed since) is said to be out of date.
    expect(() => resolveHashedIds(attacks, { place: '*AAAAAAAAAA' }, ds)).toThrow(UserError);
  });
});
