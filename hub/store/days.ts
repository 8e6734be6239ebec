/**
 * Calendar days in a fixed UTC offset. Reports count days as people there live them;
 * the deployment zone is Asia/Shanghai (UTC+8, no daylight saving), hence the default.
 */
export const DEFAULT_TZ_OFFSET_MINUTES = 480;

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch ms of local midnight starting `date` (YYYY-MM-DD). */
export function dayStartMs(date: string, tzOffsetMinutes: number): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const utcMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(utcMidnight).toISOString().slice(0, 10) !== date) throw new Error(`no such date: ${date}`);
  return utcMidnight - tzOffsetMinutes * 60_000;
}

/** Local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(ms: number, tzOffsetMinutes: number): string {
  return new Date(ms + tzOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Every date from `from` to `to`, both included; empty when `to` is before `from`. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = dayStartMs(to, 0);
  for (let t = dayStartMs(from, 0); t <= end; t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export { DAY_MS };
