/**
 * The attendance rules, pure: a child's class type from the birth month, one day's
 * presence from its check-in/out events, and the monthly subsidy under district rules
 * (defaults from DOMAIN.md: a full day at ≥ 8 h present, a half day at ≥ 4 h, a full month
 * at ≥ 15 counted days; rates per class type are parameters).
 */
import type { AttendanceSource, ClassType, SubsidyRow, SubsidyRules } from '../../protocol/index.ts';

/** Months of age on `date` (YYYY-MM-DD) of a child born in `birthMonth` (YYYY-MM). */
export function ageMonths(birthMonth: string, date: string): number {
  const [by, bm] = birthMonth.split('-').map(Number) as [number, number];
  const [y, m] = date.split('-').map(Number) as [number, number];
  return (y - by) * 12 + (m - bm);
}

/** 乳儿班 under 12 months, 托小班 12–23, 托大班 24 and over (《托育机构设置标准（试行）》). */
export function classTypeFor(birthMonth: string, date: string): ClassType {
  const age = ageMonths(birthMonth, date);
  if (age < 12) return 'infant';
  if (age < 24) return 'toddler_small';
  return 'toddler_large';
}

/** Class types whose places count as places for children under 2 (indicator 4). */
export const UNDER_2: readonly ClassType[] = ['infant', 'toddler_small'];

export interface CountedEvent {
  direction: 'in' | 'out';
  /** Epoch ms. */
  at: number;
  source: AttendanceSource;
}

export interface DayPresence {
  firstIn: number | null;
  lastOut: number | null;
  minutes: number;
  /** Checked in and not out again by `dayEnd`. */
  open: boolean;
  sources: AttendanceSource[];
}

/**
 * Presence on one day from its counted events in time order: an `in` starts a stay unless
 * one is running (a second tap or a face seen twice), an `out` ends the running stay. A
 * stay still open at the end of the day counts nothing: staff add the check-out.
 */
export function dayPresence(events: readonly CountedEvent[]): DayPresence {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  let since: number | null = null;
  let ms = 0;
  let firstIn: number | null = null;
  let lastOut: number | null = null;
  const sources = new Set<AttendanceSource>();
  for (const e of sorted) {
    sources.add(e.source);
    if (e.direction === 'in') {
      if (since === null) since = e.at;
      if (firstIn === null) firstIn = e.at;
    } else if (since !== null) {
      ms += e.at - since;
      since = null;
      lastOut = e.at;
    }
  }
  return { firstIn, lastOut, minutes: Math.floor(ms / 60_000), open: since !== null, sources: [...sources].sort() };
}

export const DEFAULT_SUBSIDY_RULES: SubsidyRules = { fullDayHours: 8, halfDayHours: 4, fullMonthDays: 15, rates: {} };

export interface ChildMonth {
  childId: string;
  name?: string;
  classType: ClassType;
  /** Minutes present on each day of the month the child has a record for. */
  dayMinutes: readonly number[];
}

/** One child's line of the monthly report. Amounts in yuan, rounded to the fen. */
export function subsidyRow(c: ChildMonth, rules: SubsidyRules): SubsidyRow {
  let fullDays = 0;
  let halfDays = 0;
  for (const m of c.dayMinutes) {
    if (m >= rules.fullDayHours * 60) fullDays++;
    else if (m >= rules.halfDayHours * 60) halfDays++;
  }
  const countedDays = fullDays + halfDays / 2;
  const fullMonth = countedDays >= rules.fullMonthDays;
  const rate = rules.rates[c.classType] ?? 0;
  const fen = Math.round(rate * 100 * (fullMonth ? 1 : countedDays / rules.fullMonthDays));
  return { childId: c.childId, ...(c.name !== undefined ? { name: c.name } : {}), classType: c.classType, fullDays, halfDays, countedDays, fullMonth, amount: fen / 100 };
}

export function subsidyTotals(rows: readonly SubsidyRow[]) {
  let fen = 0;
  const t = { children: rows.length, fullDays: 0, halfDays: 0, countedDays: 0, fullMonths: 0, amount: 0 };
  for (const r of rows) {
    t.fullDays += r.fullDays;
    t.halfDays += r.halfDays;
    t.fullMonths += r.fullMonth ? 1 : 0;
    fen += Math.round(r.amount * 100);
  }
  t.countedDays = t.fullDays + t.halfDays / 2;
  t.amount = fen / 100;
  return t;
}
