/**
 * The compiled check the cold start runs before zod (src/data/fast-record-check.ts): it passes the
 * shipped records, never passes one zod refuses or would change (a default left out), and a record
 * it does not pass still gets zod's own problems from KindValidator.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DatasetIssue } from '../src/core/dataset-issue.ts';
import { fastRecordCheck } from '../src/data/fast-record-check.ts';
import { KindValidator } from '../src/data/validate-records.ts';
import { type Incident, RECORD_KINDS, type RecordKind } from '../src/schema/index.ts';
import { shippedRecords } from '../testkit/shipped-dataset.ts';

const kinds = Object.keys(RECORD_KINDS) as RecordKind[];
const schemaOf = (kind: RecordKind) => RECORD_KINDS[kind].schema as z.ZodType;

describe('fastRecordCheck', () => {
  it('compiles for every kind of record and passes every shipped record', () => {
    const raw = shippedRecords() as unknown as Record<RecordKind, unknown[] | undefined>;
    for (const kind of kinds) {
      const check = fastRecordCheck(schemaOf(kind));
      expect(check, kind).not.toBeNull();
      const records = raw[kind] ?? [];
      const refused = records.filter((r) => !check!(r));
      expect(refused.slice(0, 3), kind).toEqual([]);
    }
  });

  it('never passes a record that zod refuses or would change', () => {
    const inc = shippedRecords().incidents.find((i) => i.casualties.length && i.fatalityEstimate && i.location.coordinates)!;
    const without = (key: keyof Incident) => {
      const { [key]: _dropped, ...rest } = inc;
      return rest;
    };
    const cas = inc.casualties[0]!;
    const variants: Record<string, unknown> = {
      'an unknown key': { ...inc, extra: 1 },
      'a required key left out': without('summary'),
      'a default left out (zod fills it in)': without('context'),
      'a nested default left out': { ...inc, casualties: [{ group: cas.group, actorId: cas.actorId, label: cas.label, killed: 1, injured: null }] },
      'an id that is not a slug': { ...inc, id: 'Not A Slug' },
      'a day that does not exist': { ...inc, date: { date: '2019-02-30', precision: 'exact' } },
      'a range with no end': { ...inc, date: { date: '2019-02-01', precision: 'range' } },
      'an end before the start': { ...inc, date: { date: '2019-02-10', end: '2019-02-01', precision: 'range' } },
      'a derived date with nothing to derive from': { ...inc, date: { date: '2019-02-01', precision: 'derived' } },
      'an inferred date with no note': { ...inc, date: { date: '2019-02-01', precision: 'inferred' } },
      'an offset that is not a whole number': {
        ...inc,
        date: { date: '2019-02-01', precision: 'derived', derivedFrom: { ref: 'x', offsetDays: 1.5, phrase: 'later' } },
      },
      'a casualty with neither figure': { ...inc, casualties: [{ ...cas, killed: null, injured: null }] },
      'a negative count': { ...inc, casualties: [{ ...cas, killed: -1 }] },
      'an estimate with low above best': { ...inc, fatalityEstimate: { low: 5, best: 2, high: 9 } },
      'no weapons in a list': { ...inc, weapons: [] },
      'an empty string': { ...inc, target: '' },
      'a summary of 201 characters': { ...inc, summary: '\u{1F600}'.repeat(201) },
      'a latitude off the globe': { ...inc, location: { ...inc.location, coordinates: { lat: 91, lon: 0 } } },
      'severalEvents false': { ...inc, severalEvents: false },
      'not an object': [inc],
      null: null,
    };
    const check = fastRecordCheck(schemaOf('incidents'))!;
    expect(check(inc)).toBe(true);
    // zod counts a string's length in code points: 150 characters outside the BMP (300 UTF-16 units) fit in 200.
    const emoji = { ...inc, summary: '\u{1F600}'.repeat(150) };
    expect(schemaOf('incidents').safeParse(emoji).success).toBe(true);
    expect(check(emoji)).toBe(true);
    for (const [what, value] of Object.entries(variants)) {
      const zod = schemaOf('incidents').safeParse(value);
      // Each variant is refused by zod or comes back changed: the fast check must leave it to zod.
      expect(!zod.success || JSON.stringify(zod.data) !== JSON.stringify(value), what).toBe(true);
      expect(check(value), what).toBe(false);
    }
    // A schema that changes what it validates (.trim()) gets no fast check: zod validates every record.
    expect(fastRecordCheck(z.strictObject({ name: z.string().trim() }))).toBeNull();
    const source = { ...shippedRecords().sources[0]!, url: 'not a url' };
    expect(schemaOf('sources').safeParse(source).success).toBe(false);
    expect(fastRecordCheck(schemaOf('sources'))!(source)).toBe(false);
  });

  it('leaves a record it does not pass to zod: the same problems and the same validated record', () => {
    const inc = shippedRecords().incidents[0]!;
    const { context: _c, ...noContext } = inc;
    const records = [
      { ...inc, id: 'first', extra: 1 },
      { ...inc, id: 'second', date: { date: '2019-02-30', precision: 'exact' } },
      { ...noContext, id: 'third' },
      { ...inc, id: 'fourth' },
      { ...inc, id: 'fourth' },
    ].map((value, index) => ({ file: 'data/incidents/x.ndjson', index, value }));
    const run = (fast: boolean) => {
      const issues: DatasetIssue[] = [];
      const v = new KindValidator<Incident>('incidents', issues, { fast });
      return { accepted: records.map((r) => v.accept(r)), issues };
    };
    const slow = run(false);
    const fast = run(true);
    expect(fast).toEqual(slow);
    expect(slow.issues.map((i) => [i.recordId, i.field])).toEqual([
      ['first', 'extra'],
      ['second', 'date.date'],
      ['fourth', 'id'],
    ]);
    expect(fast.accepted[2]!.context).toBeNull();
    // Passed by the fast check: the very object read, which zod would have returned equal.
    expect(fast.accepted[3]).toBe(records[3]!.value);
  });
});
