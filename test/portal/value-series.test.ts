// The value chart's numbers (web/src/pages/value-series.ts): which measures there are (units
// that add up, the most used first, then entries), that a percentage is never added up,
// and how entries fall into days (in the browser's calendar, across a daylight-saving
// change) or weeks from Monday beyond 30 days, with what is older still in the totals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adds, buckets, ENTRIES, type Entry, measuresOf, totalsBy, valueIn } from '../../web/src/pages/value-series.ts';

const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Amsterdam';
});
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

const at = (local: string) => new Date(local).getTime(); // no offset: local time (Amsterdam)
const e = (brand: string, when: string, amount: number | null = null, unit: string | null = null): Entry => ({ brand, at: at(when), amount, unit });

describe('the measures', () => {
  it('are the units that add up, the most used first, then entries; a percentage only counts as an entry', () => {
    const entries = [
      e('a', '2026-04-01T10:00', 10, 'EUR'),
      e('a', '2026-04-01T11:00', 15, '%'),
      e('b', '2026-04-01T12:00', 200, 'points'),
      e('b', '2026-04-02T12:00', 5, 'EUR'),
      e('b', '2026-04-02T13:00'),
      e('b', '2026-04-02T14:00', 20, 'percent'),
    ];
    const measures = measuresOf(entries);
    expect(measures.map((m) => m.key)).toEqual(['unit:EUR', 'unit:points', 'entries']);
    expect(measures[1]!.label).toBe('Points');
    expect(entries.filter(adds)).toHaveLength(3);
    expect(entries.map((x) => valueIn(x, measures[0]!))).toEqual([10, 0, 0, 5, 0, 0]);
    expect(Object.fromEntries(totalsBy(entries, ENTRIES))).toEqual({ a: 2, b: 4 });
    expect(Object.fromEntries(totalsBy(entries, measures[0]!))).toEqual({ a: 10, b: 5 });
    expect(measuresOf([e('a', '2026-04-01T10:00', 10, '%')]).map((m) => m.key)).toEqual(['entries']);
  });
});

describe('the buckets', () => {
  it('are local days, at least a week of them, a day staying a day across the spring change', () => {
    // Summer time began at 02:00 on 29 March 2026 in Amsterdam: that day had 23 hours.
    expect([new Date(at('2026-03-28T12:00')).getTimezoneOffset(), new Date(at('2026-03-30T12:00')).getTimezoneOffset()]).toEqual([-60, -120]);
    const entries = [e('a', '2026-03-28T23:30', 1, 'EUR'), e('a', '2026-03-29T23:30', 2, 'EUR'), e('b', '2026-03-30T00:30', 4, 'EUR')];
    const { unit, list } = buckets(entries, measuresOf(entries)[0]!, at('2026-04-02T10:00'));
    expect(unit).toBe('day');
    expect(list).toHaveLength(7);
    expect(list.map((b) => new Date(b.start).getHours())).toEqual(Array(7).fill(0));
    expect(new Date(list[0]!.start).getDate()).toBe(27);
    expect(list.map((b) => b.total)).toEqual([0, 1, 2, 4, 0, 0, 0]);
    expect(list[3]!.by.get('b')).toBe(4);
  });

  it('are weeks from Monday beyond 30 days, at most 26, with what is older left to the totals', () => {
    const now = at('2026-12-06T12:00'); // a Sunday
    const entries = [e('a', '2026-11-30T09:00'), e('a', '2026-12-06T09:00'), e('b', '2026-10-01T09:00'), e('b', '2025-01-01T09:00')];
    const { unit, list } = buckets(entries, ENTRIES, now);
    expect(unit).toBe('week');
    expect(list).toHaveLength(26);
    expect(list.every((b) => new Date(b.start).getDay() === 1 && new Date(b.start).getHours() === 0)).toBe(true);
    expect(list.at(-1)!.start).toBe(at('2026-11-30T00:00'));
    expect(list.at(-1)!.total).toBe(2);
    expect(list.reduce((n, b) => n + b.total, 0)).toBe(3); // the 2025 entry is older than the chart reaches
    expect(Object.fromEntries(totalsBy(entries, ENTRIES))).toEqual({ a: 2, b: 2 });
  });
});
