/**
 * The hub's persistence boundary. SQLite (embedded default) and PostgreSQL implement it
 * and pass one shared contract suite (`tests/hub/store-contract.ts`).
 *
 * Tenant scoping lives here, not only in routes: every read or write that a person can
 * cause takes a `Scope`, and a row outside the scope behaves exactly as a missing row
 * (null / empty), so a route cannot leak another tenant's data by forgetting a check.
 * Methods without a scope serve machines (broker auth, ingest) and never take input from
 * a person's request directly.
 */
import type {
  CameraView,
  CoverageQuery,
  EdgeStatus,
  IncidentDetail,
  IncidentEvent,
  IncidentKind,
  IncidentView,
  InstitutionView,
  Outcome,
  RegionView,
  ReviewStatus,
  RoomView,
  Role,
  StatsResponse,
  UserView,
} from '../../protocol/index.ts';
import type { AttendanceStore } from './attendance-types.ts';
import type { GuardianStore } from './guardian-types.ts';

export type Scope =
  | { kind: 'all' }
  | { kind: 'institution'; institutionId: string }
  /** A regulator's town or district: matches institutions whose townId or districtId is it. */
  | { kind: 'region'; regionId: string };

/** An institution to store; a missing time zone is Asia/Shanghai, a missing `demo` false. */
export type InstitutionInput = Omit<InstitutionView, 'timeZone' | 'demo'> & Partial<Pick<InstitutionView, 'timeZone' | 'demo'>>;

/** A one-button alarm a person raised on the dashboard (`raiseAlarm`). */
export interface NewAlarm {
  id: string;
  institutionId: string;
  /** A room of the institution, or null. */
  roomId: string | null;
  /** Username of who raised it. */
  by: string;
  at: string;
  note: string;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  institutionId: string | null;
  regionId: string | null;
  /** scrypt hash in the `scrypt$N$r$p$salt$hash` form made by hub/auth. */
  passwordHash: string;
}

export interface StoredUser extends UserView {
  passwordHash: string;
}

export interface EdgeRecord {
  id: string;
  institutionId: string;
  passwordHash: string;
}

export interface CameraRecord {
  id: string;
  institutionId: string;
  edgeId: string;
  name: string;
  roomId: string | null;
  expectedFps: number;
}

/** What an institution admin may change on a camera the edge reported (`updateCamera`). */
export interface CameraPatch {
  institutionId: string;
  id: string;
  name: string;
  /** A room of the same institution, or null to unmap. */
  roomId: string | null;
  expectedFps: number;
}

/** `taken`: the edge id belongs to another institution, or the institution is outside the scope. */
export type EdgeRegistration = 'created' | 'updated' | 'taken';
/** `out_of_scope`: the new fields or the stored institution lie outside the caller's scope. */
export type InstitutionRegistration = 'created' | 'updated' | 'out_of_scope';

export interface IncidentFilter {
  from?: string;
  to?: string;
  kinds?: IncidentKind[];
  statuses?: ReviewStatus[];
  active?: boolean;
  cameraId?: string;
  zoneId?: string;
  roomId?: string;
  institutionId?: string;
  limit: number;
  offset: number;
}

export type ApplyResult =
  /**
   * The event changed the incident (new, or newer seq). On an incident under legal hold
   * only its lifecycle moves (active, resolved, seq): `refused` names the fields the event
   * tried to change and did not (message, evidence, severity…).
   */
  | { outcome: 'applied'; incident: IncidentView; refused?: string[] }
  /** Same (id, seq) seen before: a QoS1 redelivery; nothing changed. */
  | { outcome: 'duplicate'; incident: IncidentView }
  /** Older seq than the stored one: kept in the timeline, state unchanged. */
  | { outcome: 'stale'; incident: IncidentView }
  /** The event's institution or edge does not own this incident id. */
  | { outcome: 'conflict' };

/**
 * `putSnapshot`: `unknown` (no such incident in that institution), `not_owner` (another
 * edge's incident), `held` (on legal hold, and a different snapshot is stored already),
 * `duplicate` (the same bytes again).
 */
export type SnapshotPut = 'stored' | 'duplicate' | 'unknown' | 'not_owner' | 'held';

export interface PurgedIncident {
  id: string;
  institutionId: string;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  /** e.g. `incident:<id>`, `snapshot:<id>`, `export:incidents`. */
  target: string;
  institutionId: string | null;
  detail: Record<string, unknown> | null;
}

/** One status sample of one camera, as recorded from an edge status message. */
export interface CameraSample {
  institutionId: string;
  edgeId: string;
  cameraId: string;
  at: string;
  /**
   * Time of the last status of the run this sample stands for: consecutive statuses that
   * say the same thing are stored once, covering [at, lastAt]. Absent means `at`.
   */
  lastAt?: string;
  /** `offline` also when the edge itself went offline (Last Will). */
  state: 'starting' | 'online' | 'offline';
  expectedFps: number;
  analysedFps: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Roster, consent, attendance, subsidy reports and the edge config channel (issue 25). */
  readonly attendance: AttendanceStore;
  /** Guardian invites and links, incident ↔ child links, notices (issue 26). */
  readonly guardian: GuardianStore;
  /** Applies pending versioned migrations; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  upsertInstitution(i: InstitutionInput): Promise<void>;
  listInstitutions(scope: Scope): Promise<InstitutionView[]>;
  /** Creates or renames a town or district (display names). */
  upsertRegion(r: RegionView): Promise<void>;
  /** The scope's own region, its towns, and the towns and districts of its institutions. */
  listRegions(scope: Scope): Promise<RegionView[]>;
  upsertRoom(r: RoomView): Promise<void>;
  listRooms(scope: Scope): Promise<RoomView[]>;
  upsertEdge(e: EdgeRecord): Promise<void>;
  /** Unscoped: for broker authentication only. */
  getEdge(edgeId: string): Promise<EdgeRecord | null>;
  upsertCamera(c: CameraRecord): Promise<void>;
  /** Cameras with their latest status and count of active incidents. */
  listCameras(scope: Scope): Promise<CameraView[]>;

  /** Scoped onboarding (people's requests). Creates or updates; never moves a row across scopes. */
  registerInstitution(scope: Scope, i: InstitutionInput): Promise<InstitutionRegistration>;
  /** False when the room's institution is outside the scope. */
  saveRoom(scope: Scope, r: RoomView): Promise<boolean>;
  /** Creates the edge or replaces its password hash (rotation). */
  registerEdge(scope: Scope, e: EdgeRecord): Promise<EdgeRegistration>;
  /** Null when the camera is missing or outside the scope; throws `unknown_room` for a room not of its institution. */
  updateCamera(scope: Scope, c: CameraPatch): Promise<CameraView | null>;

  /** Throws if the username exists. Returns the new user's id. */
  createUser(u: NewUser): Promise<string>;
  /** Unscoped: for login only. */
  getUserByUsername(username: string): Promise<StoredUser | null>;
  getUser(id: string): Promise<UserView | null>;
  /** Sessions are stored by the SHA-256 of their token, never the token. */
  createSession(tokenHash: string, userId: string, expiresAt: string): Promise<void>;
  getSessionUser(tokenHash: string, now: string): Promise<UserView | null>;
  deleteSession(tokenHash: string): Promise<void>;

  /**
   * Idempotent on (id, seq); applies events in seq order. Machine path (ingest).
   * `receivedAt` is the hub's clock (default now): retention counts from it.
   */
  applyIncidentEvent(ev: IncidentEvent, receivedAt?: string): Promise<ApplyResult>;
  listIncidents(scope: Scope, f: IncidentFilter): Promise<{ items: IncidentView[]; total: number }>;
  getIncident(scope: Scope, id: string): Promise<IncidentDetail | null>;
  /** Idempotent: acknowledging twice keeps the first ack. Null when not in scope. */
  acknowledge(scope: Scope, id: string, by: string, at: string): Promise<IncidentView | null>;
  close(scope: Scope, id: string, by: string, at: string, outcome: Outcome, note: string): Promise<IncidentView | null>;
  setLegalHold(scope: Scope, id: string, hold: boolean, by: string, at: string): Promise<IncidentView | null>;
  /**
   * A person's one-button alarm: a critical `alarm` incident of the scope's institution,
   * ended at once (the press is the event) and new until someone acknowledges it. Null
   * when the institution is outside the scope; throws `unknown_room` for a room not of it.
   */
  raiseAlarm(scope: Scope, a: NewAlarm): Promise<IncidentView | null>;
  /** Machine path: stores the JPEG for an incident published by its own edge. */
  putSnapshot(edge: { institutionId: string; edgeId: string }, incidentId: string, jpeg: Buffer): Promise<SnapshotPut>;
  getSnapshot(scope: Scope, incidentId: string): Promise<Buffer | null>;
  /**
   * Deletes incidents (and snapshots) with no activity on the hub since before `before`
   * (hub clock: events received, people's actions), except legal holds.
   */
  purgeIncidents(before: string): Promise<PurgedIncident[]>;

  /**
   * Updates latest camera state and records history samples (for coverage); a status
   * that repeats the previous one extends that sample's run instead of adding a row.
   */
  recordEdgeStatus(s: EdgeStatus): Promise<void>;
  /**
   * Machine path (demo seeding, imports): stores runs of camera samples as given, each a
   * row [at, lastAt]; cameras must exist. Live statuses go through `recordEdgeStatus`.
   */
  importCameraSamples(samples: readonly CameraSample[]): Promise<number>;
  /** Samples in [from, to) plus the last sample before `from` for each camera. */
  cameraSamples(scope: Scope, from: string, to: string): Promise<CameraSample[]>;
  /** Retention of status history: deletes samples taken before `before`; returns the count. */
  purgeCameraSamples(before: string): Promise<number>;

  audit(e: AuditEntry): Promise<void>;
  listAudit(scope: Scope, limit: number): Promise<AuditEntry[]>;

  /** Days are local to each incident's institution (its time zone); `to` is included. */
  incidentStats(scope: Scope, q: Pick<CoverageQuery, 'from' | 'to'>): Promise<StatsResponse>;
}
