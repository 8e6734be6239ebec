/**
 * Onboarding writes people cause (institution admins, regulators): every one takes the
 * caller's scope and refuses rows outside it, the same way scoped reads treat them as missing.
 */
import type { CameraView, RoomView } from '../../../protocol/index.ts';
import { StoreError } from '../errors.ts';
import type { CameraPatch, EdgeRecord, EdgeRegistration, InstitutionInput, InstitutionRegistration, Scope } from '../types.ts';
import type { SqlDb, SqlExecutor } from './executor.ts';
import { upsertEdge, upsertInstitution, upsertRoom } from './org.ts';
import { scopeSql } from './scope.ts';
import { toCamera, type CameraRow } from './rows.ts';

export async function institutionInScope(q: SqlExecutor, scope: Scope, institutionId: string): Promise<boolean> {
  const s = scopeSql(scope, 'id');
  return (await q.get(`SELECT 1 AS one FROM institutions WHERE id = ? AND ${s.sql}`, [institutionId, ...s.params])) !== undefined;
}

/** Whether an institution with these fields would lie inside the scope (before it exists). */
function fieldsInScope(scope: Scope, i: InstitutionInput): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'institution':
      return scope.institutionId === i.id;
    case 'region':
      return scope.regionId !== '' && (i.townId === scope.regionId || i.districtId === scope.regionId);
  }
}

export async function registerInstitution(db: SqlDb, scope: Scope, i: InstitutionInput): Promise<InstitutionRegistration> {
  return db.tx(async (q) => {
    if (!fieldsInScope(scope, i)) return 'out_of_scope';
    const existing = await q.get<{ district_id: string }>('SELECT district_id FROM institutions WHERE id = ?', [i.id]);
    const exists = existing !== undefined;
    // An institution of another region cannot be pulled into this one by re-registering it.
    if (exists && !(await institutionInScope(q, scope, i.id))) return 'out_of_scope';
    if (scope.kind !== 'all') {
      // Nor pushed out into another district (where that district's regulator would see
      // it): a regulator never changes an institution's district…
      if (existing && existing.district_id !== i.districtId) return 'out_of_scope';
      // …and a town lies in one district, so a town regulator cannot file one elsewhere.
      const elsewhere = await q.get('SELECT 1 AS one FROM institutions WHERE town_id = ? AND district_id <> ? AND id <> ?', [i.townId, i.districtId, i.id]);
      if (elsewhere) return 'out_of_scope';
    }
    await upsertInstitution(q, i);
    return exists ? 'updated' : 'created';
  });
}

export async function saveRoom(db: SqlDb, scope: Scope, r: RoomView): Promise<boolean> {
  return db.tx(async (q) => {
    if (!(await institutionInScope(q, scope, r.institutionId))) return false;
    await upsertRoom(q, r);
    return true;
  });
}

export async function registerEdge(db: SqlDb, scope: Scope, e: EdgeRecord): Promise<EdgeRegistration> {
  return db.tx(async (q) => {
    if (!(await institutionInScope(q, scope, e.institutionId))) return 'taken';
    const existing = await q.get<{ institution_id: string }>('SELECT institution_id FROM edges WHERE id = ?', [e.id]);
    // Edge ids are broker usernames, global across tenants: another institution's edge is never taken over.
    if (existing && existing.institution_id !== e.institutionId) return 'taken';
    await upsertEdge(q, e);
    return existing ? 'updated' : 'created';
  });
}

export async function updateCamera(db: SqlDb, scope: Scope, c: CameraPatch): Promise<CameraView | null> {
  return db.tx(async (q) => {
    if (!(await institutionInScope(q, scope, c.institutionId))) return null;
    const found = await q.get('SELECT 1 AS one FROM cameras WHERE institution_id = ? AND id = ?', [c.institutionId, c.id]);
    if (!found) return null;
    if (c.roomId !== null) {
      const room = await q.get('SELECT 1 AS one FROM rooms WHERE institution_id = ? AND id = ?', [c.institutionId, c.roomId]);
      if (!room) throw new StoreError('unknown_room', `unknown room ${c.roomId} in institution ${c.institutionId}`);
    }
    await q.run('UPDATE cameras SET name = ?, room_id = ?, expected_fps = ?, configured_fps = ? WHERE institution_id = ? AND id = ?', [
      c.name,
      c.roomId,
      c.expectedFps,
      c.expectedFps,
      c.institutionId,
      c.id,
    ]);
    const row = await q.get<CameraRow>(
      `SELECT c.*, (SELECT count(*) FROM incidents i
          WHERE i.institution_id = c.institution_id AND i.camera_id = c.id AND i.active = TRUE) AS open_incidents
       FROM cameras c WHERE c.institution_id = ? AND c.id = ?`,
      [c.institutionId, c.id],
    );
    return row ? toCamera(row) : null;
  });
}
