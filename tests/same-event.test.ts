import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandByName } from '../commands/index.ts';
import { replyTo, type CommandContext, type RawOptions } from '../commands/kit/command.ts';
import { composeDigestWithSummary } from '../commands/kit/digest-message.ts';
import type { ReplyPayload } from '../commands/kit/payload.ts';
import { breakdownByPlaceKind } from '../src/core/breakdown.ts';
import { checkReferences } from '../src/core/check-references.ts';
import { Dataset } from '../src/core/dataset.ts';
import { totalKilled } from '../src/core/format.ts';
import { queryIncidents } from '../src/core/query-incidents.ts';
import { sourceCoverage, sourcesMatching } from '../src/core/source-coverage.ts';
import { openRecordsSnapshot, writeRecordsSnapshot } from '../src/data/records-snapshot.ts';
import type { Incident, RawDataset, Source } from '../src/schema/index.ts';
import { Incident as IncidentSchema } from '../src/schema/index.ts';
import { SEED_SOURCE, seedDataset } from '../testkit/seed-dataset.ts';

const PRIMARY = 'diyala-police-2019-08-22';
const LINKED = 'wire-diyala-2019-08-22';

/**
 * The seed records, plus a second source (a fixture wire report, our own words) whose record of the
 * Diyala attack gives other figures and is linked to the seed's record as the same event.
 */
function linkedDataset(extra: (raw: RawDataset) => Partial<RawDataset> = () => ({})): Dataset {
  const raw = seedDataset().raw;
  const wire: Source = {
    ...raw.sources.find((s) => s.id === SEED_SOURCE)!,
    id: 'fixture-wire',
    title: 'Fixture wire report',
    attribution: 'Fixture wire report (test data)',
  };
  const base = raw.incidents.find((i) => i.id === PRIMARY)!;
  const linked: Incident = IncidentSchema.parse({
    ...base,
    id: LINKED,
    sourceId: wire.id,
    sameEventAs: PRIMARY,
    summary: 'A wire report of the Diyala attack on police, with its own figures.',
    evidence: ['Fixture sentence: gunmen attacked a police post in Diyala, killing five officers.'],
    casualties: [{ group: 'security-forces', actorId: 'iraqi-security-forces', label: 'police officers', killed: 5, injured: null, note: null }],
  });
  const next = { ...raw, sources: [...raw.sources, wire], incidents: [...raw.incidents, linked] };
  return new Dataset({ ...next, ...extra(next) });
}

const ds = linkedDataset();
const seed = seedDataset();

describe('same event, two records (sameEventAs)', () => {
  it("counts the event once, with the primary record's figures, and credits both sources", () => {
    for (const placeId of ['iraq', 'diyala-province', null]) {
      for (const actorId of [null, 'islamic-state']) {
        const withLink = queryIncidents(ds, { placeId, actorId }, { offset: 0, limit: 100 });
        const without = queryIncidents(seed, { placeId, actorId }, { offset: 0, limit: 100 });
        expect(withLink.total).toBe(without.total);
        expect(withLink.totals).toEqual(without.totals);
        expect(withLink.incidents.map((i) => i.id)).toEqual(without.incidents.map((i) => i.id));
        expect(withLink.sourceIds).toEqual([SEED_SOURCE, 'fixture-wire']);
      }
    }
    // the merge path (place and another actor) credits the linked record's source too, and counts once
    const merged = queryIncidents(ds, { placeId: 'iraq', actorId: 'iraqi-security-forces' });
    expect(merged.total).toBe(1);
    expect(totalKilled(merged.totals)).toBe(6); // the seed's 2 police + 4 militants, never + the wire's 5
    expect(merged.sourceIds).toEqual([SEED_SOURCE, 'fixture-wire']);
    // elsewhere the wire is not credited: it reports nothing in Syria
    expect(queryIncidents(ds, { placeId: 'syria' }).sourceIds).toEqual([SEED_SOURCE]);
    expect(sourcesMatching(ds, 'diyala-province', null, null)).toEqual([SEED_SOURCE, 'fixture-wire']);
    expect(breakdownByPlaceKind(ds, 'iraq', 'province', null, null).find((r) => r.placeId === 'diyala-province')!.count).toBe(1);
    expect(sourceCoverage(ds).get('fixture-wire')).toMatchObject({ incidents: 1, first: '2019-08-22', last: '2019-08-22', countries: ['iraq'] });
  });

  it('knows the records of an event both ways, and still finds the linked record by its id', () => {
    expect(ds.incidents.alsoReported(PRIMARY).map((i) => i.id)).toEqual([LINKED]);
    expect(ds.incidents.alsoReported(LINKED)).toEqual([]);
    expect(ds.incidents.countedAs(LINKED)!.id).toBe(PRIMARY);
    expect(ds.incidents.countedAs(PRIMARY)!.id).toBe(PRIMARY);
    expect(ds.incident(LINKED)!.sourceId).toBe('fixture-wire');
    expect(ds.incidents.isCounted(ds.incidents.positionOf(LINKED)!)).toBe(false);
    expect(ds.incidents.all.length).toBe(seed.incidents.all.length);
  });

  it('answers the same from the binary snapshot (records on disk)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'same-event-')), 'ds.bin');
    writeRecordsSnapshot(ds, file);
    const lazy = openRecordsSnapshot(file);
    expect(lazy.incidents.alsoReported(PRIMARY).map((i) => i.id)).toEqual([LINKED]);
    for (const placeId of ['iraq', null]) expect(queryIncidents(lazy, { placeId })).toEqual(queryIncidents(ds, { placeId }));
    // and a snapshot of data without links has no such column and still works
    const plain = join(mkdtempSync(join(tmpdir(), 'same-event-')), 'ds.bin');
    writeRecordsSnapshot(seed, plain);
    expect(queryIncidents(openRecordsSnapshot(plain), { placeId: 'iraq' })).toEqual(queryIncidents(seed, { placeId: 'iraq' }));
  });

  it('refuses a link to a missing record, to itself, or to a record that is itself linked (no chains or cycles)', () => {
    const issues = (edit: (incs: Incident[]) => Incident[]) => {
      const raw = ds.raw;
      return checkReferences({ ...raw, incidents: edit([...raw.incidents]) }, () => 'data/incidents/x.json').filter((i) => i.field === 'sameEventAs');
    };
    expect(issues((incs) => incs)).toEqual([]);
    const relink = (incs: Incident[], id: string, to: string) => incs.map((i) => (i.id === id ? { ...i, sameEventAs: to } : i));
    expect(issues((incs) => relink(incs, LINKED, 'no-such-incident'))[0]!.message).toBe('refers to incident "no-such-incident", which does not exist');
    expect(issues((incs) => relink(incs, LINKED, LINKED))[0]!.message).toBe('points at the record itself');
    // a chain: the primary itself points at a third record
    const chain = issues((incs) => relink(incs, PRIMARY, 'homs-army-2019-08-18'));
    expect(chain).toHaveLength(1);
    expect(chain[0]!.recordId).toBe(LINKED);
    expect(chain[0]!.message).toMatch(/itself points at "homs-army-2019-08-18".*no chains or cycles/);
    // a cycle of two: both are refused
    expect(issues((incs) => relink(incs, PRIMARY, LINKED)).map((i) => i.recordId)).toEqual([PRIMARY, LINKED]);
  });

  it('the digest lists the event once, says who else reported it, credits both, and never makes the linked record a late report', () => {
    const window = { day: '2019-08-22', previousDay: '2019-08-21', recordedIds: [LINKED], at: new Date('2019-08-23T05:00:00Z') };
    const { payload, summary } = composeDigestWithSummary(ds, window, { placeId: null }, 'UTC');
    const d = payload.embeds![0]!.description!;
    expect(summary).toMatchObject({ dayCount: 1, lateCount: 0 });
    expect(d.match(/`diyala-police-2019-08-22`/g)).toHaveLength(1);
    expect(d).toContain('Also reported by Fixture wire report (`wire-diyala-2019-08-22`)');
    expect(summary.sourceIds).toEqual(['fixture-wire', SEED_SOURCE]);
    expect(payload.embeds![0]!.footer!.text).toContain('Fixture wire report (test data)');
  });
});

describe('same event in the handlers', () => {
  const ctx: CommandContext = {
    dataset: () => ds,
    now: () => new Date('2019-08-25T09:00:00Z'),
    invocation: { guildId: null, channelId: null, userId: null },
    services: {},
  };
  const run = (name: string, options: RawOptions): Promise<ReplyPayload> => replyTo(commandByName.get(name)!, options, ctx);
  const field = (r: ReplyPayload, name: RegExp) => r.embeds?.[0]?.fields?.find((f) => name.test(f.name))?.value ?? '';

  it('/attacks shows the event once with "also reported by", totals once, and credits both sources', async () => {
    const r = await run('attacks', { place: 'diyala' });
    const d = r.embeds![0]!.description!;
    expect(d.match(/diyala-police-2019-08-22/g)).toHaveLength(1);
    expect(d).toContain('Also reported by Fixture wire report (`wire-diyala-2019-08-22`) — one event, counted once, with the figures above');
    expect(field(r, /^Totals over 1 incident$/)).toMatch(/^Killed: 6, of whom 4 IS militants/);
    expect(r.embeds![0]!.footer!.text).toContain('Fixture wire report (test data)');
    expect(r.embeds![0]!.footer!.text).toContain(seed.sources.get(SEED_SOURCE)!.attribution);
  });

  it('/stats counts it once and credits both', async () => {
    const r = await run('stats', { place: 'iraq' });
    const before = await replyTo(commandByName.get('stats')!, { place: 'iraq' }, { ...ctx, dataset: () => seed });
    const fields = (p: ReplyPayload) => p.embeds![0]!.fields!.filter((f) => f.name !== 'Period covered');
    expect(fields(r)).toEqual(fields(before));
    expect(field(r, /^Period covered$/)).toBe(
      'Iraq: no systematic source covers this period; 3 incidents from “IS Probably Making A Comeback In Iraq And Syria” and “Fixture wire report” only',
    );
    expect(r.embeds![0]!.footer!.text).toContain('Fixture wire report (test data)');
  });

  it('/chart and /map count it once and credit both sources', async () => {
    for (const name of ['chart', 'map']) {
      const r = await run(name, { place: 'diyala' });
      const alt = r.files![0]!.description!;
      const before = await replyTo(commandByName.get(name)!, { place: 'diyala' }, { ...ctx, dataset: () => seed });
      expect(alt, name).toBe(before.files![0]!.description);
      expect(r.embeds![0]!.footer!.text, name).toContain('Fixture wire report (test data)');
    }
  });

  it('/incident shows the link from both sides and credits both sources', async () => {
    const primary = await run('incident', { id: PRIMARY });
    expect(field(primary, /^Also reported by$/)).toContain('`wire-diyala-2019-08-22` · 22 Aug 2019 · Diyala, Iraq · Fixture wire report');
    expect(field(primary, /^Also reported by$/)).toContain("counted once in every total, with this record's figures");
    const linked = await run('incident', { id: LINKED });
    expect(field(linked, /^Same event as$/)).toContain('`diyala-police-2019-08-22` · 22 Aug 2019');
    expect(field(linked, /^Same event as$/)).toContain("this record's figures are not added");
    expect(field(linked, /Possibly the same event/)).toBe('');
    for (const r of [primary, linked]) {
      expect(r.embeds![0]!.footer!.text).toContain('Fixture wire report (test data)');
      expect(r.embeds![0]!.footer!.text).toContain(seed.sources.get(SEED_SOURCE)!.attribution);
    }
  });
});
