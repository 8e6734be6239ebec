/**
 * Calendar days in an institution's time zone (IANA name, default Asia/Shanghai). Reports
 * count days as people there live them, whatever zone the hub's machine or the reader's
 * browser is in. Offsets come from the platform's Intl data, so zones with daylight
 * saving get 23- and 25-hour days right.
 */
import { DEFAULT_TIME_ZONE } from '../../protocol/index.ts';
import { zoneOffsetMinutes, zonedWallTimeToMs } from '../../protocol/time-zone.ts';

export { DEFAULT_TIME_ZONE, zoneOffsetMinutes };

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function utcMidnight(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new Error(`no such date: ${date}`);
  return ms;
}

/** Epoch ms of local midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
export function dayStartMs(date: string, timeZone: string): number {
  return zonedWallTimeToMs(utcMidnight(date), timeZone);
}

/** Local calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function localDate(ms: number, timeZone: string): string {
  return new Date(ms + zoneOffsetMinutes(timeZone, ms) * 60_000).toISOString().slice(0, 10);
}

/** The date after `date`. */
export function nextDate(date: string): string {
  return new Date(utcMidnight(date) + DAY_MS).toISOString().slice(0, 10);
}

/** Every date from `from` to `to`, both included; empty when `to` is before `from`. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = utcMidnight(to);
  for (let t = utcMidnight(from); t <= end; t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Widest instants a local date range can span in any zone (UTC−12 … UTC+14): for SQL prefilters. */
export function anyZoneBounds(from: string, to: string): { start: number; end: number } {
  return { start: utcMidnight(from) - 14 * 3_600_000, end: utcMidnight(to) + DAY_MS + 12 * 3_600_000 };
}

export { DAY_MS };
