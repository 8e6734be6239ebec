/** Incident counts per local day and kind, and how fast people acknowledge. */
import type { IncidentKind, StatsResponse } from '../../../protocol/index.ts';
import { DEFAULT_TZ_OFFSET_MINUTES, DAY_MS, dayStartMs, localDate } from '../days.ts';
import type { Scope, StatsOptions } from '../types.ts';
import type { SqlExecutor } from './executor.ts';
import { scopeSql } from './scope.ts';


/** Linear interpolation between closest ranks (the common "type 7" definition). */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (pos - lo);
}

/** Incidents that started from local midnight of `from` to the end of local day `to`. */
export async function incidentStats(
  db: SqlExecutor,
  scope: Scope,
  q: { from: string; to: string },
  opts: StatsOptions = {},
): Promise<StatsResponse> {
  const tz = opts.tzOffsetMinutes ?? DEFAULT_TZ_OFFSET_MINUTES;
  const start = new Date(dayStartMs(q.from, tz)).toISOString();
  const end = new Date(dayStartMs(q.to, tz) + DAY_MS).toISOString();
  const s = scopeSql(scope, 'institution_id');
  const rows = await db.all<{ kind: IncidentKind; started_at: string; acknowledged_at: string | null }>(
    `SELECT kind, started_at, acknowledged_at FROM incidents
     WHERE ${s.sql} AND started_at >= ? AND started_at < ? ORDER BY started_at`,
    [...s.params, start, end],
  );
  const counts = new Map<string, { date: string; kind: IncidentKind; count: number }>();
  const delays: number[] = [];
  for (const r of rows) {
    const startedMs = Date.parse(r.started_at);
    const date = localDate(startedMs, tz);
    const key = `${date} ${r.kind}`;
    const c = counts.get(key) ?? { date, kind: r.kind, count: 0 };
    c.count += 1;
    counts.set(key, c);
    // Clock skew between edge and hub can make an ack look earlier than the start.
    if (r.acknowledged_at !== null) delays.push(Math.max(0, (Date.parse(r.acknowledged_at) - startedMs) / 1000));
  }
  delays.sort((a, b) => a - b);
  const perDay = [...counts.values()].sort((a, b) =>
    a.date === b.date ? a.kind.localeCompare(b.kind) : a.date.localeCompare(b.date),
  );
  return { perDay, ackSeconds: { n: delays.length, median: quantile(delays, 0.5), p90: quantile(delays, 0.9) } };
}
