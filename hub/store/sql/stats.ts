/** Incident counts per local day and kind, and how fast people acknowledge. */
import type { IncidentKind, StatsResponse } from '../../../protocol/index.ts';
import { anyZoneBounds, localDate } from '../days.ts';
import type { Scope } from '../types.ts';
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

/**
 * Incidents that started from local midnight of `from` to the end of local day `to`, each
 * in its institution's time zone; counted per local day and kind, and per town and kind.
 */
export async function incidentStats(db: SqlExecutor, scope: Scope, q: { from: string; to: string }): Promise<StatsResponse> {
  // A prefilter wide enough for any zone; each row is then judged by its own local date.
  const bounds = anyZoneBounds(q.from, q.to);
  const s = scopeSql(scope, 'i.institution_id');
  const rows = await db.all<{ kind: IncidentKind; started_at: string; acknowledged_at: string | null; town_id: string; time_zone: string }>(
    `SELECT i.kind, i.started_at, i.acknowledged_at, n.town_id, n.time_zone FROM incidents i
     JOIN institutions n ON n.id = i.institution_id
     WHERE ${s.sql} AND i.started_at >= ? AND i.started_at < ? ORDER BY i.started_at`,
    [...s.params, new Date(bounds.start).toISOString(), new Date(bounds.end).toISOString()],
  );
  const counts = new Map<string, { date: string; kind: IncidentKind; count: number }>();
  const towns = new Map<string, { townId: string; kind: IncidentKind; count: number }>();
  const zones = new Set<string>();
  const delays: number[] = [];
  for (const r of rows) {
    const startedMs = Date.parse(r.started_at);
    const date = localDate(startedMs, r.time_zone);
    if (date < q.from || date > q.to) continue;
    zones.add(r.time_zone);
    const key = `${date} ${r.kind}`;
    const c = counts.get(key) ?? { date, kind: r.kind, count: 0 };
    c.count += 1;
    counts.set(key, c);
    const tkey = `${r.town_id} ${r.kind}`;
    const tc = towns.get(tkey) ?? { townId: r.town_id, kind: r.kind, count: 0 };
    tc.count += 1;
    towns.set(tkey, tc);
    // Clock skew between edge and hub can make an ack look earlier than the start.
    if (r.acknowledged_at !== null) delays.push(Math.max(0, (Date.parse(r.acknowledged_at) - startedMs) / 1000));
  }
  delays.sort((a, b) => a - b);
  const perDay = [...counts.values()].sort((a, b) =>
    a.date === b.date ? a.kind.localeCompare(b.kind) : a.date.localeCompare(b.date),
  );
  const byTown = [...towns.values()].sort((a, b) =>
    a.townId === b.townId ? a.kind.localeCompare(b.kind) : a.townId.localeCompare(b.townId),
  );
  return {
    perDay,
    byTown,
    ackSeconds: { n: delays.length, median: quantile(delays, 0.5), p90: quantile(delays, 0.9) },
    timeZones: [...zones].sort(),
  };
}
