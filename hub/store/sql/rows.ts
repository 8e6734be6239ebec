/** Row shapes as the drivers return them, and their mapping to protocol views. */
import type {
  CameraView,
  Evidence,
  IncidentView,
  InstitutionView,
  RegionView,
  RoomView,
  UserView,
} from '../../../protocol/index.ts';
import { StoreError } from '../errors.ts';

/** Normalises any ISO-8601 time (with offset) to UTC `toISOString()` form, so text order is time order. */
export function isoTime(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new StoreError('bad_time', `not an ISO-8601 time: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

/** SQLite gives JSON as text, PostgreSQL (jsonb) as parsed values. */
export function fromJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export function fromJsonOrNull<T>(v: unknown): T | null {
  return v === null || v === undefined ? null : fromJson<T>(v);
}

/** SQLite gives 0/1, PostgreSQL booleans; both arrive here. */
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';

export interface InstitutionRow {
  id: string;
  name: string;
  level: InstitutionView['level'];
  town_id: string;
  district_id: string;
  registered: number | boolean;
  time_zone: string;
  demo: number | boolean;
}

export const toInstitution = (r: InstitutionRow): InstitutionView => ({
  id: r.id,
  name: r.name,
  level: r.level,
  townId: r.town_id,
  districtId: r.district_id,
  registered: bool(r.registered),
  timeZone: r.time_zone,
  demo: bool(r.demo),
});

export interface RegionRow {
  id: string;
  kind: RegionView['kind'];
  name: string;
  name_en: string | null;
  parent_id: string | null;
  demo: number | boolean;
}

export const toRegion = (r: RegionRow): RegionView => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  nameEn: r.name_en,
  parentId: r.parent_id,
  demo: bool(r.demo),
});

export interface RoomRow {
  institution_id: string;
  id: string;
  name: string;
  type: RoomView['type'];
  class_type: RoomView['classType'];
  capacity: number | null;
  polygon: unknown;
}

export const toRoom = (r: RoomRow): RoomView => ({
  id: r.id,
  institutionId: r.institution_id,
  name: r.name,
  type: r.type,
  classType: r.class_type,
  capacity: r.capacity,
  polygon: fromJsonOrNull<RoomView['polygon']>(r.polygon),
});

export interface CameraRow {
  institution_id: string;
  id: string;
  edge_id: string;
  name: string;
  room_id: string | null;
  expected_fps: number;
  state: CameraView['state'];
  delivered_fps: number;
  analysed_fps: number;
  reconnects_last_hour: number;
  stalls_last_hour: number;
  last_frame_at: string | null;
  reason: string | null;
  open_incidents: number | string;
}

export const toCamera = (r: CameraRow): CameraView => ({
  id: r.id,
  institutionId: r.institution_id,
  edgeId: r.edge_id,
  name: r.name,
  roomId: r.room_id,
  state: r.state,
  expectedFps: Number(r.expected_fps),
  deliveredFps: Number(r.delivered_fps),
  analysedFps: Number(r.analysed_fps),
  reconnectsLastHour: Number(r.reconnects_last_hour),
  stallsLastHour: Number(r.stalls_last_hour),
  lastFrameAt: r.last_frame_at,
  reason: r.reason,
  openIncidents: Number(r.open_incidents),
});

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: UserView['role'];
  institution_id: string | null;
  region_id: string | null;
  password_hash: string;
}

export const toUser = (r: UserRow): UserView => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  institutionId: r.institution_id,
  regionId: r.region_id,
});

export interface IncidentRow {
  id: string;
  institution_id: string;
  edge_id: string;
  camera_id: string;
  zone_id: string | null;
  zone_name: string | null;
  room_id: string | null;
  raised_by: string | null;
  kind: IncidentView['kind'];
  severity: IncidentView['severity'];
  message: string | null;
  active: number | boolean;
  status: IncidentView['status'];
  seq: number;
  started_at: string;
  updated_at: string;
  resolved_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  closed_at: string | null;
  closed_by: string | null;
  outcome: IncidentView['outcome'];
  note: string | null;
  legal_hold: number | boolean;
  has_snapshot: number | boolean;
  evidence: unknown;
}

/** '' stands for "none" in the NOT NULL edge and camera columns (an alarm a person raised; migration 5). */
export const NONE = '';
const orNull = (v: string): string | null => (v === NONE ? null : v);

export const toIncident = (r: IncidentRow): IncidentView => ({
  id: r.id,
  institutionId: r.institution_id,
  edgeId: orNull(r.edge_id),
  cameraId: orNull(r.camera_id),
  zoneId: r.zone_id,
  zoneName: r.zone_name,
  roomId: r.room_id,
  raisedBy: r.raised_by,
  kind: r.kind,
  severity: r.severity,
  message: r.message,
  active: bool(r.active),
  status: r.status,
  seq: Number(r.seq),
  startedAt: r.started_at,
  updatedAt: r.updated_at,
  resolvedAt: r.resolved_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
  outcome: r.outcome,
  note: r.note,
  legalHold: bool(r.legal_hold),
  hasSnapshot: bool(r.has_snapshot),
  evidence: fromJson<Evidence>(r.evidence),
});
