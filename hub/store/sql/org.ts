/** Institutions, rooms, edges, cameras and camera status history. */
import { DEFAULT_TIME_ZONE, type CameraView, type EdgeStatus, type InstitutionView, type RegionView, type RoomView } from '../../../protocol/index.ts';
import { StoreError } from '../errors.ts';
import type { CameraRecord, EdgeRecord, InstitutionInput, Scope } from '../types.ts';
import type { SqlDb, SqlExecutor } from './executor.ts';
import { appendSample } from './samples.ts';
import { scopeSql } from './scope.ts';
import {
  isoTime,
  toCamera,
  toInstitution,
  toRegion,
  toRoom,
  type CameraRow,
  type InstitutionRow,
  type RegionRow,
  type RoomRow,
} from './rows.ts';

export async function upsertInstitution(db: SqlExecutor, i: InstitutionInput): Promise<void> {
  await db.run(
    `INSERT INTO institutions (id, name, level, town_id, district_id, registered, time_zone, demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, town_id = excluded.town_id,
       district_id = excluded.district_id, registered = excluded.registered, time_zone = excluded.time_zone, demo = excluded.demo`,
    [i.id, i.name, i.level, i.townId, i.districtId, i.registered, i.timeZone ?? DEFAULT_TIME_ZONE, i.demo ?? false],
  );
}

export async function upsertRegion(db: SqlExecutor, r: RegionView): Promise<void> {
  await db.run(
    `INSERT INTO regions (id, kind, name, name_en, parent_id, demo) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, name_en = excluded.name_en,
       parent_id = excluded.parent_id, demo = excluded.demo`,
    [r.id, r.kind, r.name, r.nameEn, r.parentId, r.demo],
  );
}

export async function listRegions(db: SqlExecutor, scope: Scope): Promise<RegionView[]> {
  const s = scopeSql(scope, 'i.id');
  const own = scope.kind === 'region' ? { sql: ' OR r.id = ? OR r.parent_id = ?', params: [scope.regionId, scope.regionId] } : { sql: '', params: [] };
  const rows = await db.all<RegionRow>(
    `SELECT r.* FROM regions r WHERE EXISTS (
       SELECT 1 FROM institutions i WHERE (i.town_id = r.id OR i.district_id = r.id) AND ${s.sql})${own.sql}
     ORDER BY r.kind, r.id`,
    [...s.params, ...own.params],
  );
  return rows.map(toRegion);
}

export async function listInstitutions(db: SqlExecutor, scope: Scope): Promise<InstitutionView[]> {
  const s = scopeSql(scope, 'id');
  const rows = await db.all<InstitutionRow>(`SELECT * FROM institutions WHERE ${s.sql} ORDER BY id`, s.params);
  return rows.map(toInstitution);
}

export async function upsertRoom(db: SqlExecutor, r: RoomView): Promise<void> {
  await db.run(
    `INSERT INTO rooms (institution_id, id, name, type, class_type, capacity, polygon) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (institution_id, id) DO UPDATE SET name = excluded.name, type = excluded.type,
       class_type = excluded.class_type, capacity = excluded.capacity, polygon = excluded.polygon`,
    [r.institutionId, r.id, r.name, r.type, r.classType, r.capacity, r.polygon ? JSON.stringify(r.polygon) : null],
  );
}

export async function listRooms(db: SqlExecutor, scope: Scope): Promise<RoomView[]> {
  const s = scopeSql(scope, 'institution_id');
  const rows = await db.all<RoomRow>(`SELECT * FROM rooms WHERE ${s.sql} ORDER BY institution_id, id`, s.params);
  return rows.map(toRoom);
}

export async function upsertEdge(db: SqlExecutor, e: EdgeRecord): Promise<void> {
  await db.run(
    `INSERT INTO edges (id, institution_id, password_hash) VALUES (?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET institution_id = excluded.institution_id, password_hash = excluded.password_hash`,
    [e.id, e.institutionId, e.passwordHash],
  );
}

export async function getEdge(db: SqlExecutor, edgeId: string): Promise<EdgeRecord | null> {
  const r = await db.get<{ id: string; institution_id: string; password_hash: string }>(
    'SELECT id, institution_id, password_hash FROM edges WHERE id = ?',
    [edgeId],
  );
  return r ? { id: r.id, institutionId: r.institution_id, passwordHash: r.password_hash } : null;
}

async function requireInstitution(db: SqlExecutor, institutionId: string): Promise<void> {
  const found = await db.get('SELECT 1 AS one FROM institutions WHERE id = ?', [institutionId]);
  if (!found) throw new StoreError('unknown_institution', `unknown institution ${institutionId}`);
}

export async function upsertCamera(db: SqlExecutor, c: CameraRecord): Promise<void> {
  await requireInstitution(db, c.institutionId);
  if (c.roomId !== null) {
    const room = await db.get('SELECT 1 AS one FROM rooms WHERE institution_id = ? AND id = ?', [c.institutionId, c.roomId]);
    if (!room) throw new StoreError('unknown_room', `unknown room ${c.roomId} in institution ${c.institutionId}`);
  }
  await db.run(
    `INSERT INTO cameras (institution_id, id, edge_id, name, room_id, expected_fps) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (institution_id, id) DO UPDATE SET edge_id = excluded.edge_id, name = excluded.name,
       room_id = excluded.room_id, expected_fps = excluded.expected_fps`,
    [c.institutionId, c.id, c.edgeId, c.name, c.roomId, c.expectedFps],
  );
}

export async function listCameras(db: SqlExecutor, scope: Scope): Promise<CameraView[]> {
  const s = scopeSql(scope, 'c.institution_id');
  const rows = await db.all<CameraRow>(
    `SELECT c.*, (SELECT count(*) FROM incidents i
        WHERE i.institution_id = c.institution_id AND i.camera_id = c.id AND i.active = TRUE) AS open_incidents
     FROM cameras c WHERE ${s.sql} ORDER BY c.institution_id, c.id`,
    s.params,
  );
  return rows.map(toCamera);
}

/**
 * Latest status per reported camera plus its history sample (see `appendSample`). An edge that is
 * offline (its Last Will) takes all its cameras offline, whatever the message lists.
 * A status older than the one already applied (a replayed retained message) only adds
 * history: the latest state never moves back in time.
 */
export async function recordEdgeStatus(db: SqlDb, s: EdgeStatus): Promise<void> {
  const at = isoTime(s.at);
  await db.tx(async (q) => {
    await requireInstitution(q, s.institutionId);
    if (s.state === 'offline') {
      const reason = 'edge offline';
      await q.run(
        `UPDATE cameras SET state = 'offline', delivered_fps = 0, analysed_fps = 0, reason = ?, status_at = ?
         WHERE institution_id = ? AND edge_id = ? AND (status_at IS NULL OR status_at <= ?)`,
        [reason, at, s.institutionId, s.edgeId, at],
      );
      const cams = await q.all<{ id: string; expected_fps: number }>(
        'SELECT id, expected_fps FROM cameras WHERE institution_id = ? AND edge_id = ?',
        [s.institutionId, s.edgeId],
      );
      for (const c of cams) {
        await appendSample(q, {
          institutionId: s.institutionId,
          edgeId: s.edgeId,
          cameraId: c.id,
          at,
          state: 'offline',
          expectedFps: Number(c.expected_fps),
          analysedFps: 0,
        });
      }
      return;
    }
    for (const c of s.cameras) {
      await q.run(
        `INSERT INTO cameras (institution_id, id, edge_id, name, room_id, expected_fps, state, delivered_fps,
           analysed_fps, reconnects_last_hour, stalls_last_hour, last_frame_at, reason, status_at)
         VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (institution_id, id) DO UPDATE SET edge_id = excluded.edge_id,
           expected_fps = COALESCE(cameras.configured_fps, excluded.expected_fps), state = excluded.state, delivered_fps = excluded.delivered_fps,
           analysed_fps = excluded.analysed_fps, reconnects_last_hour = excluded.reconnects_last_hour,
           stalls_last_hour = excluded.stalls_last_hour, last_frame_at = excluded.last_frame_at,
           reason = excluded.reason, status_at = excluded.status_at
         WHERE cameras.status_at IS NULL OR cameras.status_at <= excluded.status_at`,
        [
          s.institutionId,
          c.id,
          s.edgeId,
          c.name ?? c.id,
          c.expectedFps,
          c.state,
          c.deliveredFps,
          c.analysedFps,
          c.reconnectsLastHour,
          c.stallsLastHour,
          c.lastFrameAt === null ? null : isoTime(c.lastFrameAt),
          c.reason ?? null,
          at,
        ],
      );
      // An fps the institution configured outranks the one the edge reports.
      const configured = await q.get<{ configured_fps: number | null }>(
        'SELECT configured_fps FROM cameras WHERE institution_id = ? AND id = ?',
        [s.institutionId, c.id],
      );
      await appendSample(q, {
        institutionId: s.institutionId,
        edgeId: s.edgeId,
        cameraId: c.id,
        at,
        state: c.state,
        expectedFps: configured?.configured_fps == null ? c.expectedFps : Number(configured.configured_fps),
        analysedFps: c.analysedFps,
      });
    }
  });
}
