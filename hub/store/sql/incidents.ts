/** People's side of incidents (review, legal hold), reading, snapshots and retention. */
import type { IncidentDetail, IncidentView, Outcome, TimelineEntry } from '../../../protocol/index.ts';
import { StoreError } from '../errors.ts';
import type { IncidentFilter, NewAlarm, PurgedIncident, Scope, SnapshotPut } from '../types.ts';
import type { SqlDb, SqlExecutor, SqlParam } from './executor.ts';
import { scopeSql } from './scope.ts';
import { NONE, bool, fromJson, fromJsonOrNull, isoTime, toIncident, type IncidentRow } from './rows.ts';

export async function listIncidents(
  db: SqlExecutor,
  scope: Scope,
  f: IncidentFilter,
): Promise<{ items: IncidentView[]; total: number }> {
  const s = scopeSql(scope, 'institution_id');
  const where = [s.sql];
  const params: SqlParam[] = [...s.params];
  const add = (sql: string, ...p: SqlParam[]) => {
    where.push(sql);
    params.push(...p);
  };
  if (f.from !== undefined) add('started_at >= ?', isoTime(f.from));
  if (f.to !== undefined) add('started_at < ?', isoTime(f.to));
  // An empty list means "no filter", the same as an absent one.
  if (f.kinds?.length) add(`kind IN (${f.kinds.map(() => '?').join(', ')})`, ...f.kinds);
  if (f.statuses?.length) add(`status IN (${f.statuses.map(() => '?').join(', ')})`, ...f.statuses);
  if (f.active !== undefined) add('active = ?', f.active);
  if (f.cameraId !== undefined) add('camera_id = ?', f.cameraId);
  if (f.zoneId !== undefined) add('zone_id = ?', f.zoneId);
  if (f.roomId !== undefined) add('room_id = ?', f.roomId);
  if (f.institutionId !== undefined) add('institution_id = ?', f.institutionId);
  const w = where.join(' AND ');
  const count = await db.get<{ n: number | string }>(`SELECT count(*) AS n FROM incidents WHERE ${w}`, params);
  const rows = await db.all<IncidentRow>(
    `SELECT * FROM incidents WHERE ${w} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`,
    [...params, Math.max(0, Math.floor(f.limit)), Math.max(0, Math.floor(f.offset))],
  );
  return { items: rows.map(toIncident), total: Number(count?.n ?? 0) };
}

async function getRow(db: SqlExecutor, scope: Scope, id: string): Promise<IncidentRow | undefined> {
  const s = scopeSql(scope, 'institution_id');
  return db.get<IncidentRow>(`SELECT * FROM incidents WHERE id = ? AND ${s.sql}`, [id, ...s.params]);
}

const EVENT_TIMELINE_TYPE = { open: 'opened', update: 'updated', resolved: 'resolved' } as const;

export async function getIncident(db: SqlExecutor, scope: Scope, id: string): Promise<IncidentDetail | null> {
  const row = await getRow(db, scope, id);
  if (!row) return null;
  const events = await db.all<{ seq: number; type: keyof typeof EVENT_TIMELINE_TYPE; at: string; stale: unknown; payload: unknown }>(
    'SELECT seq, type, at, stale, payload FROM incident_events WHERE incident_id = ? ORDER BY at, seq',
    [id],
  );
  const actions = await db.all<{ type: TimelineEntry['type']; at: string; actor: string; detail: unknown }>(
    'SELECT type, at, actor, detail FROM incident_actions WHERE incident_id = ? ORDER BY at, id',
    [id],
  );
  const timeline: TimelineEntry[] = [
    ...events.map((e) => ({
      at: e.at,
      type: EVENT_TIMELINE_TYPE[e.type],
      by: null,
      detail: { seq: Number(e.seq), stale: bool(e.stale), ...fromJson<Record<string, unknown>>(e.payload) },
    })),
    ...actions.map((a) => ({ at: a.at, type: a.type, by: a.actor, detail: fromJsonOrNull<Record<string, unknown>>(a.detail) })),
  ];
  // Stable sort: at equal times the edge's events come before people's actions.
  timeline.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { ...toIncident(row), timeline };
}

async function addAction(
  q: SqlExecutor,
  id: string,
  type: TimelineEntry['type'],
  at: string,
  by: string,
  detail: Record<string, unknown> | null,
): Promise<void> {
  await q.run('INSERT INTO incident_actions (incident_id, type, at, actor, detail) VALUES (?, ?, ?, ?, ?)', [
    id,
    type,
    at,
    by,
    detail === null ? null : JSON.stringify(detail),
  ]);
}

/** The first acknowledgement wins; later ones (and acks of closed incidents) change nothing. */
export async function acknowledge(db: SqlDb, scope: Scope, id: string, by: string, at: string): Promise<IncidentView | null> {
  const t = isoTime(at);
  const s = scopeSql(scope, 'institution_id');
  return db.tx(async (q) => {
    const row = await q.get<IncidentRow>(
      `UPDATE incidents SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, last_activity_at = ?
       WHERE id = ? AND status = 'new' AND ${s.sql} RETURNING *`,
      [t, by, t, id, ...s.params],
    );
    if (!row) {
      const cur = await getRow(q, scope, id);
      return cur ? toIncident(cur) : null;
    }
    await addAction(q, id, 'acknowledged', t, by, null);
    return toIncident(row);
  });
}

/** Closing also acknowledges an unacknowledged incident; the first close wins. */
export async function close(
  db: SqlDb,
  scope: Scope,
  id: string,
  by: string,
  at: string,
  outcome: Outcome,
  note: string,
): Promise<IncidentView | null> {
  const t = isoTime(at);
  const s = scopeSql(scope, 'institution_id');
  return db.tx(async (q) => {
    const row = await q.get<IncidentRow>(
      `UPDATE incidents SET status = 'closed', closed_at = ?, closed_by = ?, outcome = ?, note = ?,
         acknowledged_at = COALESCE(acknowledged_at, ?), acknowledged_by = COALESCE(acknowledged_by, ?), last_activity_at = ?
       WHERE id = ? AND status <> 'closed' AND ${s.sql} RETURNING *`,
      [t, by, outcome, note, t, by, t, id, ...s.params],
    );
    if (!row) {
      const cur = await getRow(q, scope, id);
      return cur ? toIncident(cur) : null;
    }
    await addAction(q, id, 'closed', t, by, { outcome, note });
    return toIncident(row);
  });
}

export async function setLegalHold(
  db: SqlDb,
  scope: Scope,
  id: string,
  hold: boolean,
  by: string,
  at: string,
): Promise<IncidentView | null> {
  const t = isoTime(at);
  const s = scopeSql(scope, 'institution_id');
  return db.tx(async (q) => {
    const row = await q.get<IncidentRow>(
      `UPDATE incidents SET legal_hold = ?, last_activity_at = ? WHERE id = ? AND ${s.sql} RETURNING *`,
      [hold, t, id, ...s.params],
    );
    if (!row) return null;
    await addAction(q, id, 'legal_hold', t, by, { hold });
    return toIncident(row);
  });
}

/**
 * A person's one-button alarm: critical, ended at once (the press is the event), new until
 * acknowledged; the timeline says who raised it and their note.
 */
export async function raiseAlarm(db: SqlDb, scope: Scope, a: NewAlarm): Promise<IncidentView | null> {
  const t = isoTime(a.at);
  const s = scopeSql(scope, 'id');
  return db.tx(async (q) => {
    const inScope = await q.get(`SELECT 1 AS one FROM institutions WHERE id = ? AND ${s.sql}`, [a.institutionId, ...s.params]);
    if (!inScope) return null;
    if (a.roomId !== null && !(await q.get('SELECT 1 AS one FROM rooms WHERE institution_id = ? AND id = ?', [a.institutionId, a.roomId]))) {
      throw new StoreError('unknown_room', `unknown room ${a.roomId} in institution ${a.institutionId}`);
    }
    const row = await q.get<IncidentRow>(
      `INSERT INTO incidents (id, institution_id, edge_id, camera_id, zone_id, zone_name, room_id, raised_by, kind, severity,
         message, active, status, seq, started_at, updated_at, resolved_at, evidence, last_activity_at)
       VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, 'alarm', 'critical', ?, ?, 'new', 0, ?, ?, ?, ?, ?) RETURNING *`,
      [a.id, a.institutionId, NONE, NONE, a.roomId, a.by, a.note || null, false, t, t, t, JSON.stringify({}), t],
    );
    if (!row) throw new Error(`insert of alarm ${a.id} returned no row`);
    await addAction(q, a.id, 'raised', t, a.by, a.note ? { note: a.note } : null);
    return toIncident(row);
  });
}

/**
 * Machine path: the JPEG of an incident, from the edge that raised it. Another edge's
 * incident (even of the same institution) is `not_owner`; on legal hold the first snapshot
 * is taken but a stored one is never replaced (`held`); the same bytes again are `duplicate`.
 */
export async function putSnapshot(
  db: SqlDb,
  edge: { institutionId: string; edgeId: string },
  incidentId: string,
  jpeg: Buffer,
): Promise<SnapshotPut> {
  return db.tx(async (q) => {
    await q.lockKey(`incident:${incidentId}`);
    const cur = await q.get<{ edge_id: string; legal_hold: unknown; jpeg: Buffer | null }>(
      `SELECT i.edge_id, i.legal_hold, s.jpeg FROM incidents i LEFT JOIN snapshots s ON s.incident_id = i.id
       WHERE i.id = ? AND i.institution_id = ?`,
      [incidentId, edge.institutionId],
    );
    if (!cur) return 'unknown';
    if (cur.edge_id !== edge.edgeId) return 'not_owner';
    if (cur.jpeg !== null && Buffer.from(cur.jpeg).equals(jpeg)) return 'duplicate';
    if (cur.jpeg !== null && bool(cur.legal_hold)) return 'held';
    await q.run('UPDATE incidents SET has_snapshot = TRUE WHERE id = ?', [incidentId]);
    await q.run(
      `INSERT INTO snapshots (incident_id, jpeg, stored_at) VALUES (?, ?, ?)
       ON CONFLICT (incident_id) DO UPDATE SET jpeg = excluded.jpeg, stored_at = excluded.stored_at`,
      [incidentId, jpeg, new Date().toISOString()],
    );
    return 'stored';
  });
}

export async function getSnapshot(db: SqlExecutor, scope: Scope, incidentId: string): Promise<Buffer | null> {
  const s = scopeSql(scope, 'i.institution_id');
  const r = await db.get<{ jpeg: Buffer }>(
    `SELECT s.jpeg FROM snapshots s JOIN incidents i ON i.id = s.incident_id WHERE s.incident_id = ? AND ${s.sql}`,
    [incidentId, ...s.params],
  );
  return r ? Buffer.from(r.jpeg) : null;
}

/**
 * Retention by the hub's clock: incidents nothing happened to since before `before` (no
 * edge event received, no person's action) and not on legal hold are deleted with their
 * timeline and snapshot. Edge-supplied times play no part, so a wrong edge clock can
 * neither keep an incident forever nor have it purged early.
 */
export async function purgeIncidents(db: SqlExecutor, before: string): Promise<PurgedIncident[]> {
  const rows = await db.all<{ id: string; institution_id: string }>(
    'DELETE FROM incidents WHERE legal_hold = FALSE AND last_activity_at < ? RETURNING id, institution_id',
    [isoTime(before)],
  );
  // What a purged incident concerned goes with it (guardians no longer see it either).
  if (rows.length > 0) await db.run('DELETE FROM incident_children WHERE incident_id NOT IN (SELECT id FROM incidents)');
  return rows.map((r) => ({ id: r.id, institutionId: r.institution_id }));
}
