/**
 * The `Store` for both SQL backends: one implementation over a `SqlDb`, so SQLite and
 * PostgreSQL cannot drift apart in semantics; only schemas and drivers differ.
 */
import type {
  CameraView,
  EdgeStatus,
  IncidentDetail,
  IncidentEvent,
  IncidentView,
  InstitutionView,
  Outcome,
  RegionView,
  RoomView,
  StatsResponse,
  UserView,
} from '../../../protocol/index.ts';
import { runMigrations } from '../migrations/run.ts';
import type { Migration } from '../migrations/types.ts';
import type {
  ApplyResult,
  AuditEntry,
  CameraPatch,
  CameraRecord,
  CameraSample,
  EdgeRecord,
  EdgeRegistration,
  IncidentFilter,
  InstitutionInput,
  InstitutionRegistration,
  NewAlarm,
  NewUser,
  PurgedIncident,
  Scope,
  SnapshotPut,
  Store,
  StoredUser,
} from '../types.ts';
import type { AttendanceStore } from '../attendance-types.ts';
import * as admin from './admin.ts';
import { attendanceStore } from './attendance.ts';
import { guardianStore } from './guardian.ts';
import type { GuardianStore } from '../guardian-types.ts';
import { applyIncidentEvent } from './apply.ts';
import type { SqlDb } from './executor.ts';
import * as inc from './incidents.ts';
import * as org from './org.ts';
import * as samples from './samples.ts';
import { incidentStats } from './stats.ts';
import * as users from './users.ts';

export class SqlStore implements Store {
  readonly #db: SqlDb;
  readonly #migrations: readonly Migration[];
  readonly attendance: AttendanceStore;
  readonly guardian: GuardianStore;

  constructor(db: SqlDb, migrations: readonly Migration[]) {
    this.#db = db;
    this.#migrations = migrations;
    this.attendance = attendanceStore(db);
    this.guardian = guardianStore(db);
  }

  get kind(): 'sqlite' | 'postgres' {
    return this.#db.kind;
  }

  async migrate(): Promise<void> {
    await runMigrations(this.#db, this.#migrations);
  }

  /** The interface overloads `close`: no arguments closes the store, six close an incident. */
  close(): Promise<void>;
  close(scope: Scope, id: string, by: string, at: string, outcome: Outcome, note: string): Promise<IncidentView | null>;
  close(...args: [] | [Scope, string, string, string, Outcome, string]): Promise<void | IncidentView | null> {
    if (args.length === 0) return this.#db.close();
    return inc.close(this.#db, ...args);
  }

  upsertInstitution(i: InstitutionInput): Promise<void> {
    return org.upsertInstitution(this.#db, i);
  }
  upsertRegion(r: RegionView): Promise<void> {
    return org.upsertRegion(this.#db, r);
  }
  listRegions(scope: Scope): Promise<RegionView[]> {
    return org.listRegions(this.#db, scope);
  }
  listInstitutions(scope: Scope): Promise<InstitutionView[]> {
    return org.listInstitutions(this.#db, scope);
  }
  upsertRoom(r: RoomView): Promise<void> {
    return org.upsertRoom(this.#db, r);
  }
  listRooms(scope: Scope): Promise<RoomView[]> {
    return org.listRooms(this.#db, scope);
  }
  upsertEdge(e: EdgeRecord): Promise<void> {
    return org.upsertEdge(this.#db, e);
  }
  getEdge(edgeId: string): Promise<EdgeRecord | null> {
    return org.getEdge(this.#db, edgeId);
  }
  upsertCamera(c: CameraRecord): Promise<void> {
    return org.upsertCamera(this.#db, c);
  }
  listCameras(scope: Scope): Promise<CameraView[]> {
    return org.listCameras(this.#db, scope);
  }
  registerInstitution(scope: Scope, i: InstitutionInput): Promise<InstitutionRegistration> {
    return admin.registerInstitution(this.#db, scope, i);
  }
  saveRoom(scope: Scope, r: RoomView): Promise<boolean> {
    return admin.saveRoom(this.#db, scope, r);
  }
  registerEdge(scope: Scope, e: EdgeRecord): Promise<EdgeRegistration> {
    return admin.registerEdge(this.#db, scope, e);
  }
  updateCamera(scope: Scope, c: CameraPatch): Promise<CameraView | null> {
    return admin.updateCamera(this.#db, scope, c);
  }

  createUser(u: NewUser): Promise<string> {
    return users.createUser(this.#db, u);
  }
  getUserByUsername(username: string): Promise<StoredUser | null> {
    return users.getUserByUsername(this.#db, username);
  }
  getUser(id: string): Promise<UserView | null> {
    return users.getUser(this.#db, id);
  }
  createSession(tokenHash: string, userId: string, expiresAt: string): Promise<void> {
    return users.createSession(this.#db, tokenHash, userId, expiresAt);
  }
  getSessionUser(tokenHash: string, now: string): Promise<UserView | null> {
    return users.getSessionUser(this.#db, tokenHash, now);
  }
  deleteSession(tokenHash: string): Promise<void> {
    return users.deleteSession(this.#db, tokenHash);
  }

  applyIncidentEvent(ev: IncidentEvent, receivedAt?: string): Promise<ApplyResult> {
    return applyIncidentEvent(this.#db, ev, receivedAt);
  }
  listIncidents(scope: Scope, f: IncidentFilter): Promise<{ items: IncidentView[]; total: number }> {
    return inc.listIncidents(this.#db, scope, f);
  }
  getIncident(scope: Scope, id: string): Promise<IncidentDetail | null> {
    return inc.getIncident(this.#db, scope, id);
  }
  acknowledge(scope: Scope, id: string, by: string, at: string): Promise<IncidentView | null> {
    return inc.acknowledge(this.#db, scope, id, by, at);
  }
  setLegalHold(scope: Scope, id: string, hold: boolean, by: string, at: string): Promise<IncidentView | null> {
    return inc.setLegalHold(this.#db, scope, id, hold, by, at);
  }
  raiseAlarm(scope: Scope, a: NewAlarm): Promise<IncidentView | null> {
    return inc.raiseAlarm(this.#db, scope, a);
  }
  putSnapshot(edge: { institutionId: string; edgeId: string }, incidentId: string, jpeg: Buffer): Promise<SnapshotPut> {
    return inc.putSnapshot(this.#db, edge, incidentId, jpeg);
  }
  getSnapshot(scope: Scope, incidentId: string): Promise<Buffer | null> {
    return inc.getSnapshot(this.#db, scope, incidentId);
  }
  purgeIncidents(before: string): Promise<PurgedIncident[]> {
    return inc.purgeIncidents(this.#db, before);
  }

  recordEdgeStatus(s: EdgeStatus): Promise<void> {
    return org.recordEdgeStatus(this.#db, s);
  }
  importCameraSamples(list: readonly CameraSample[]): Promise<number> {
    return this.#db.tx((q) => samples.importCameraSamples(q, list));
  }
  cameraSamples(scope: Scope, from: string, to: string): Promise<CameraSample[]> {
    return samples.cameraSamples(this.#db, scope, from, to);
  }
  purgeCameraSamples(before: string): Promise<number> {
    return samples.purgeCameraSamples(this.#db, before);
  }

  audit(e: AuditEntry): Promise<void> {
    return users.audit(this.#db, e);
  }
  listAudit(scope: Scope, limit: number): Promise<AuditEntry[]> {
    return users.listAudit(this.#db, scope, limit);
  }

  incidentStats(scope: Scope, q: { from: string; to: string }): Promise<StatsResponse> {
    return incidentStats(this.#db, scope, q);
  }
}
