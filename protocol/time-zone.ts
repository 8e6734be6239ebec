/**
 * Wall-clock time in an IANA time zone, from the platform's Intl data (daylight saving
 * included): pure functions the hub (days of coverage and statistics) and the dashboard
 * (dates and typed times) share, so both read a zone the same way.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Minutes the zone is ahead of UTC at instant `ms` (480 for Asia/Shanghai). */
export function zoneOffsetMinutes(timeZone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * The instant a wall-clock time in `timeZone` stands for; `wallAsUtc` is that wall time
 * read as if it were UTC (`Date.UTC(y, m - 1, d, h, min, s)`). The offset is guessed at
 * the wall time and corrected once: exact for every real zone but inside a DST jump.
 */
export function zonedWallTimeToMs(wallAsUtc: number, timeZone: string): number {
  const guess = wallAsUtc - zoneOffsetMinutes(timeZone, wallAsUtc) * 60_000;
  return wallAsUtc - zoneOffsetMinutes(timeZone, guess) * 60_000;
}
