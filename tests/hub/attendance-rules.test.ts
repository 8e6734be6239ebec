import { describe, expect, it } from 'vitest';
import { classTypeFor, dayPresence, subsidyRow, subsidyTotals, type CountedEvent } from '../../hub/attendance/rules.ts';
import type { ClassType, SubsidyRules } from '../../protocol/index.ts';

const H = 3_600_000;
const t0 = Date.parse('2026-12-01T00:30:00Z');
const ev = (direction: 'in' | 'out', h: number): CountedEvent => ({ direction, at: t0 + h * H, source: 'staff' });

describe('class type from birth month', () => {
  it.each([
    ['2026-06', '2026-12-01', 'infant'],
    ['2025-12', '2026-11-30', 'infant'],
    ['2025-12', '2026-12-01', 'toddler_small'],
    ['2024-12', '2026-12-01', 'toddler_large'],
    ['2025-01', '2026-12-01', 'toddler_small'],
  ] as const)('born %s on %s: %s', (b, d, want) => expect(classTypeFor(b, d)).toBe(want));
});

describe('one day of presence', () => {
  it('sums in/out pairs, ignores a second in and a stray out', () => {
    const p = dayPresence([ev('out', 0), ev('in', 0), ev('in', 0.5), ev('out', 4), ev('in', 5), ev('out', 9)]);
    expect(p.minutes).toBe(8 * 60);
    expect(p.open).toBe(false);
    expect(p.firstIn).toBe(t0);
    expect(p.lastOut).toBe(t0 + 9 * H);
  });
  it('an in without out is open and counts nothing', () => {
    const p = dayPresence([ev('in', 0)]);
    expect(p).toMatchObject({ minutes: 0, open: true, lastOut: null });
  });
});

describe('subsidy', () => {
  const rules: SubsidyRules = { fullDayHours: 8, halfDayHours: 4, fullMonthDays: 15, rates: { infant: 1000, toddler_small: 800, toddler_large: 500 } };
  it('full, half and uncounted days; a full month at 15 counted days', () => {
    const r = subsidyRow({ childId: 'c', classType: 'infant', dayMinutes: [...Array(14).fill(480), 240, 239, 479] }, rules);
    expect(r).toMatchObject({ fullDays: 14, halfDays: 2, countedDays: 15, fullMonth: true, amount: 1000 });
    const p = subsidyRow({ childId: 'c', classType: 'toddler_small', dayMinutes: [480, 480, 240] }, rules);
    expect(p).toMatchObject({ countedDays: 2.5, fullMonth: false, amount: Math.round(800 * 100 * 2.5 / 15) / 100 });
  });

  // Property: over random months of random attendance, the report's totals are exactly
  // the sums of what the day records say (days counted directly from minutes).
  it('totals match the day records exactly over 300 random months', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const types: ClassType[] = ['infant', 'toddler_small', 'toddler_large', 'mixed'];
    for (let month = 0; month < 300; month++) {
      const children = Array.from({ length: 1 + Math.floor(rnd() * 30) }, (_, i) => ({
        childId: `c${i}`,
        classType: types[Math.floor(rnd() * types.length)]!,
        dayMinutes: Array.from({ length: Math.floor(rnd() * 23) }, () => Math.floor(rnd() * 11 * 60)),
      }));
      const rows = children.map((c) => subsidyRow(c, rules));
      const totals = subsidyTotals(rows);
      const all = children.flatMap((c) => c.dayMinutes);
      const full = all.filter((m) => m >= 480).length;
      const half = all.filter((m) => m >= 240 && m < 480).length;
      expect(totals.fullDays).toBe(full);
      expect(totals.halfDays).toBe(half);
      expect(totals.countedDays).toBe(full + half / 2);
      const fullMonths = children.filter((c) => c.dayMinutes.filter((m) => m >= 480).length + c.dayMinutes.filter((m) => m >= 240 && m < 480).length / 2 >= 15).length;
      expect(totals.fullMonths).toBe(fullMonths);
      const fen = rows.reduce((s, r) => s + Math.round(r.amount * 100), 0);
      expect(Math.round(totals.amount * 100)).toBe(fen);
    }
  });
});
