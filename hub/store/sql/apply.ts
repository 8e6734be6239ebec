/**
 * The ingest path: applies one edge incident event. Runs once per MQTT message, so it is
 * one transaction with a handful of indexed statements and no extra reads: inserts and
 * updates return the new row (`RETURNING *`).
 */
import type { IncidentEvent } from '../../../protocol/index.ts';
import { StoreError } from '../errors.ts';
import type { ApplyResult } from '../types.ts';
import type { SqlDb, SqlExecutor } from './executor.ts';
import { NONE, bool, isoTime, toIncident, type IncidentRow } from './rows.ts';

const INSERT_EVENT = `INSERT INTO incident_events (incident_id, seq, type, at, received_at, stale, payload)
  VALUES (?, ?, ?, ?, ?, ?, ?)`;

/** What the timeline shows of an edge event; the full evidence stays on the incident. */
function eventPayload(ev: IncidentEvent): string {
  return JSON.stringify({
    severity: ev.severity,
    message: ev.message ?? null,
    zoneId: ev.zoneId,
    evidence: ev.evidence,
  });
}

async function insertEvent(q: SqlExecutor, ev: IncidentEvent, at: string, stale: boolean): Promise<void> {
  await q.run(INSERT_EVENT, [ev.id, ev.seq, ev.type, at, new Date().toISOString(), stale, eventPayload(ev)]);
}

/**
 * The hub's room of an incident: its zone when that is a room of the institution (the edge
 * named its zones after the rooms), else the room its camera is mapped to now. Parameters:
 * institution, zone, zone, institution, camera.
 */
export const ROOM_OF_INCIDENT = `(SELECT CASE
    WHEN EXISTS (SELECT 1 FROM rooms r WHERE r.institution_id = ? AND r.id = ?) THEN ?
    ELSE (SELECT c.room_id FROM cameras c WHERE c.institution_id = ? AND c.id = ?) END)`;

async function createIncident(q: SqlExecutor, ev: IncidentEvent, at: string): Promise<IncidentRow> {
  const known = await q.get('SELECT 1 AS one FROM institutions WHERE id = ?', [ev.institutionId]);
  if (!known) throw new StoreError('unknown_institution', `unknown institution ${ev.institutionId}`);
  const resolved = ev.type === 'resolved';
  const camera = ev.cameraId ?? NONE;
  const row = await q.get<IncidentRow>(
    `INSERT INTO incidents (id, institution_id, edge_id, camera_id, zone_id, zone_name, room_id, kind, severity, message, active,
       status, seq, started_at, updated_at, resolved_at, evidence)
     VALUES (?, ?, ?, ?, ?, ?, ${ROOM_OF_INCIDENT}, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?) RETURNING *`,
    [
      ev.id,
      ev.institutionId,
      ev.edgeId,
      camera,
      ev.zoneId,
      ev.zoneName ?? null,
      ev.institutionId,
      ev.zoneId,
      ev.zoneId,
      ev.institutionId,
      camera,
      ev.kind,
      ev.severity,
      ev.message ?? null,
      !resolved,
      ev.seq,
      isoTime(ev.startedAt),
      at,
      resolved ? at : null,
      JSON.stringify(ev.evidence),
    ],
  );
  if (!row) throw new Error(`insert of incident ${ev.id} returned no row`);
  return row;
}

async function advanceIncident(q: SqlExecutor, cur: IncidentRow, ev: IncidentEvent, at: string): Promise<IncidentRow> {
  const resolved = ev.type === 'resolved';
  // Once the edge said the condition is over, a later event cannot reopen it: a new
  // breach is a new incident id on the edge.
  const active = bool(cur.active) && !resolved;
  const row = await q.get<IncidentRow>(
    `UPDATE incidents SET camera_id = ?, zone_id = ?, zone_name = COALESCE(?, zone_name), kind = ?, severity = ?, message = ?, active = ?, seq = ?,
       updated_at = ?, resolved_at = ?, evidence = ? WHERE id = ? RETURNING *`,
    [
      ev.cameraId ?? NONE,
      ev.zoneId,
      ev.zoneName ?? null,
      ev.kind,
      ev.severity,
      ev.message ?? cur.message,
      active,
      ev.seq,
      at,
      resolved && cur.resolved_at === null ? at : cur.resolved_at,
      JSON.stringify(ev.evidence),
      ev.id,
    ],
  );
  if (!row) throw new Error(`update of incident ${ev.id} returned no row`);
  return row;
}

export async function applyIncidentEvent(db: SqlDb, ev: IncidentEvent): Promise<ApplyResult> {
  const at = isoTime(ev.at);
  return db.tx(async (q) => {
    await q.lockKey(`incident:${ev.id}`);
    // One round trip for the current state and whether this (id, seq) was seen before.
    const cur = await q.get<IncidentRow & { seen: unknown }>(
      `SELECT i.*, EXISTS (SELECT 1 FROM incident_events e WHERE e.incident_id = i.id AND e.seq = ?) AS seen
       FROM incidents i WHERE i.id = ?`,
      [ev.seq, ev.id],
    );
    if (!cur) {
      // An update or resolved may overtake its open (or the open was lost): the event
      // carries every field, so it creates the incident.
      const row = await createIncident(q, ev, at);
      await insertEvent(q, ev, at, false);
      return { outcome: 'applied', incident: toIncident(row) };
    }
    if (cur.institution_id !== ev.institutionId || cur.edge_id !== ev.edgeId) return { outcome: 'conflict' };
    if (bool(cur.seen)) return { outcome: 'duplicate', incident: toIncident(cur) };
    if (ev.seq < Number(cur.seq)) {
      await insertEvent(q, ev, at, true);
      return { outcome: 'stale', incident: toIncident(cur) };
    }
    const row = await advanceIncident(q, cur, ev, at);
    await insertEvent(q, ev, at, false);
    return { outcome: 'applied', incident: toIncident(row) };
  });
}
