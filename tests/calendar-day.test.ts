import { describe, expect, it } from 'vitest';
import { addDays, dayKey, dayNumber, daysBetween, isoDay, isoOfDayKey, isRealDay, utcDay, weekday } from '../src/core/calendar-day.ts';
import { lowerBound } from '../src/core/lower-bound.ts';

describe('calendar days', () => {
  it('count, add and compare days across month, year and leap-day boundaries, whatever the machine zone', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(isoDay(dayNumber('2019-08-22'))).toBe('2019-08-22');
    expect(addDays('2019-12-31', 1)).toBe('2020-01-01');
    expect(addDays('2020-03-01', -1)).toBe('2020-02-29');
    expect(addDays('2019-03-31', -30)).toBe('2019-03-01');
    expect(daysBetween('2019-01-01', '2020-01-01')).toBe(365);
    expect(daysBetween('2020-01-01', '2019-12-25')).toBe(-7);
    expect(utcDay(new Date('2019-08-22T23:59:59.999Z'))).toBe('2019-08-22');
    expect(utcDay(Date.parse('2019-08-23T00:00:00Z'))).toBe('2019-08-23');
    expect(weekday('2019-08-22')).toBe(4); // a Thursday
    expect(weekday('1969-12-28')).toBe(0); // a Sunday before day 0
    expect([isRealDay('2019-02-29'), isRealDay('2020-02-29'), isRealDay('2019-13-01'), isRealDay('2019-8-1')]).toEqual([false, true, false, false]);
    expect(dayKey('2019-01-05')).toBe(20190105);
    expect(isoOfDayKey(20190105)).toBe('2019-01-05');
  });
});

describe('lowerBound', () => {
  it('finds where a value belongs in a sorted array, at either end and among repeats', () => {
    const a = [1, 3, 3, 3, 7];
    const at = (x: number) => lowerBound(0, a.length, (i) => a[i]! < x);
    expect([0, 1, 3, 4, 7, 8].map(at)).toEqual([0, 0, 1, 4, 4, 5]);
    expect(lowerBound(2, 4, (i) => a[i]! < 100)).toBe(4); // within a sub-range
    expect(lowerBound(0, 0, () => true)).toBe(0);
  });
});
