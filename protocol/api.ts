/** HTTP bodies and responses of the hub's REST API (`/api/…`). */
import { z } from 'zod';
import { Id } from './topics.ts';
import { Role, RatingLevel, ZoneType, ClassType, Polygon, TimeZone, DEFAULT_TIME_ZONE } from './domain.ts';
import { Evidence, IncidentKind, Outcome, ReviewStatus, Severity } from './incident.ts';
import { CameraState } from './status.ts';

const IsoTime = z.iso.datetime({ offset: true });
const IsoDate = z.iso.date();

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const UserView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  /** Set for supervisors and institution admins. */
  institutionId: Id.nullable(),
  /** Set for regulators: the town or district they oversee. */
  regionId: Id.nullable(),
});
export type UserView = z.infer<typeof UserView>;

export const LoginResponse = z.object({ user: UserView, token: z.string() });
export type LoginResponse = z.infer<typeof LoginResponse>;

/**
 * An incident as the hub serves it. A regulator gets the same shape without people's data
 * (hub/api/regulator-view.ts): `evidence` keeps only counts, peak, limit, confidence,
 * tamper and input; `note` is null (and `message`, on a person's alarm: it is their note)
 * and `hasSnapshot` false.
 */
export const IncidentView = z.object({
  id: Id,
  institutionId: Id,
  /** Null for an alarm a person raised on the dashboard. */
  edgeId: Id.nullable(),
  /** Null for an alarm without a camera (dashboard, or an edge input no camera watches). */
  cameraId: Id.nullable(),
  /** The edge's zone id (`demo-zone`), as the edge configured it. */
  zoneId: Id.nullable(),
  /** The edge's display name of that zone, when it sent one. */
  zoneName: z.string().nullable(),
  /**
   * The hub's room the incident happened in: the zone when it is one of the institution's
   * rooms, else the room its camera was mapped to when the incident arrived.
   */
  roomId: Id.nullable(),
  /** Who raised an alarm from the dashboard; null for what edges report. */
  raisedBy: z.string().nullable(),
  kind: IncidentKind,
  severity: Severity,
  message: z.string().nullable(),
  /** True until the edge says the condition is over (`resolved`). */
  active: z.boolean(),
  status: ReviewStatus,
  seq: z.number().int(),
  startedAt: IsoTime,
  updatedAt: IsoTime,
  resolvedAt: IsoTime.nullable(),
  acknowledgedAt: IsoTime.nullable(),
  acknowledgedBy: z.string().nullable(),
  closedAt: IsoTime.nullable(),
  closedBy: z.string().nullable(),
  outcome: Outcome.nullable(),
  note: z.string().nullable(),
  legalHold: z.boolean(),
  hasSnapshot: z.boolean(),
  evidence: Evidence,
});
export type IncidentView = z.infer<typeof IncidentView>;

export const TimelineEntry = z.object({
  at: IsoTime,
  type: z.enum(['opened', 'updated', 'resolved', 'acknowledged', 'closed', 'legal_hold', 'raised']),
  by: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const IncidentDetail = IncidentView.extend({ timeline: z.array(TimelineEntry) });
export type IncidentDetail = z.infer<typeof IncidentDetail>;

/** Query string of `GET /api/incidents`; list filters accept comma-separated values. */
export const IncidentQuery = z.object({
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  kind: z.string().max(200).optional(),
  status: z.string().max(100).optional(),
  active: z.enum(['true', 'false']).optional(),
  cameraId: Id.optional(),
  zoneId: Id.optional(),
  /** The hub's room (see `IncidentView.roomId`): what people filter by. */
  roomId: Id.optional(),
  institutionId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type IncidentQuery = z.infer<typeof IncidentQuery>;

export const IncidentPage = z.object({
  items: z.array(IncidentView),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type IncidentPage = z.infer<typeof IncidentPage>;

export const CloseBody = z.object({
  outcome: Outcome,
  note: z.string().max(2000).default(''),
  /** The children this incident concerned (guardian port): their guardians see it and are told. */
  childIds: z.array(Id).max(200).optional(),
});
export type CloseBody = z.infer<typeof CloseBody>;

export const CameraView = z.object({
  id: Id,
  institutionId: Id,
  edgeId: Id,
  name: z.string(),
  roomId: Id.nullable(),
  state: CameraState,
  expectedFps: z.number(),
  deliveredFps: z.number(),
  analysedFps: z.number(),
  reconnectsLastHour: z.number().int(),
  stallsLastHour: z.number().int(),
  lastFrameAt: IsoTime.nullable(),
  reason: z.string().nullable(),
  openIncidents: z.number().int(),
});
export type CameraView = z.infer<typeof CameraView>;

export const RoomView = z.object({
  id: Id,
  institutionId: Id,
  name: z.string(),
  type: ZoneType,
  classType: ClassType.nullable(),
  capacity: z.number().int().nullable(),
  polygon: Polygon.nullable(),
});
export type RoomView = z.infer<typeof RoomView>;

export const InstitutionView = z.object({
  id: Id,
  name: z.string(),
  level: RatingLevel,
  townId: Id,
  districtId: Id,
  registered: z.boolean(),
  /** Its days, charts, coverage and reports are in this zone. */
  timeZone: TimeZone,
  /** Seeded demonstration data (`npm start`), not a real institution. */
  demo: z.boolean(),
});
export type InstitutionView = z.infer<typeof InstitutionView>;

/** A town or a district, with its display names. */
export const RegionView = z.object({
  id: Id,
  kind: z.enum(['town', 'district']),
  name: z.string(),
  /** English (or pinyin) name; the Chinese name stands in when missing. */
  nameEn: z.string().nullable(),
  /** A town's district. */
  parentId: Id.nullable(),
  demo: z.boolean(),
});
export type RegionView = z.infer<typeof RegionView>;

export const CoverageQuery = z.object({
  from: IsoDate,
  to: IsoDate,
  townId: Id.optional(),
  institutionId: Id.optional(),
});
export type CoverageQuery = z.infer<typeof CoverageQuery>;

/** Why an institution was not covered on a day: a code and its data; people read it in their language. */
export const GapReason = z.discriminatedUnion('code', [
  z.object({ code: z.literal('not_registered') }),
  z.object({ code: z.literal('no_cameras') }),
  z.object({ code: z.literal('camera_unmapped'), cameraId: Id }),
  z.object({ code: z.literal('no_edge_reported') }),
  /** Online and analysing at the required fps for `share` of the day, below `needed`. */
  z.object({ code: z.literal('camera_online_share'), cameraId: Id, share: z.number(), needed: z.number() }),
  z.object({ code: z.literal('not_started') }),
]);
export type GapReason = z.infer<typeof GapReason>;

export const CoverageInstitution = z.object({
  institutionId: Id,
  name: z.string(),
  level: RatingLevel,
  townId: Id,
  timeZone: TimeZone,
  demo: z.boolean(),
  cameras: z.number().int(),
  days: z.number().int(),
  daysCovered: z.number().int(),
  /** Days covered / days in the period. */
  share: z.number(),
  /** Each day not covered, with why (every one: a drill-down lists them all). */
  gaps: z.array(z.object({ date: IsoDate, reasons: z.array(GapReason) })),
});
export type CoverageInstitution = z.infer<typeof CoverageInstitution>;

export const CoverageGroup = z.object({
  key: z.string(),
  institutions: z.number().int(),
  /** Institutions covered on every day of the period. */
  covered: z.number().int(),
  share: z.number(),
});

/** Institutions counted and covered on one day. */
const DayCount = z.object({ institutions: z.number().int(), covered: z.number().int() });

export const CoverageDay = z.object({
  date: IsoDate,
  all: DayCount,
  level2AndAbove: DayCount,
  byLevel: z.record(z.string(), DayCount),
  byTown: z.record(z.string(), DayCount),
});
export type CoverageDay = z.infer<typeof CoverageDay>;

export const CoverageReport = z.object({
  from: IsoDate,
  to: IsoDate,
  /** The zones the dates are in (each institution's own; one for a district in one zone). */
  timeZones: z.array(TimeZone),
  params: z.object({ minOnlineShare: z.number(), minFpsRatio: z.number() }),
  institutions: z.array(CoverageInstitution),
  byLevel: z.array(CoverageGroup),
  byTown: z.array(CoverageGroup),
  /** Indicator 16 day by day: the trend overall, for 二级及以上, by level and by town. */
  trend: z.array(CoverageDay),
  /** Some of the institutions are seeded demonstration data. */
  demo: z.boolean(),
  /** Indicator 16: 2024 target (二级及以上 all covered) and 2027 target (all covered). */
  targets: z.object({
    level2AndAbove: CoverageGroup.extend({ met: z.boolean() }),
    all: CoverageGroup.extend({ met: z.boolean() }),
  }),
});
export type CoverageReport = z.infer<typeof CoverageReport>;

export const StatsResponse = z.object({
  perDay: z.array(z.object({ date: IsoDate, kind: IncidentKind, count: z.number().int() })),
  /** Incidents of the period by town and kind (counts only: no snapshots, no children's data). */
  byTown: z.array(z.object({ townId: Id, kind: IncidentKind, count: z.number().int() })),
  ackSeconds: z.object({ n: z.number().int(), median: z.number().nullable(), p90: z.number().nullable() }),
  /** The zones the dates are in (each incident's institution's own). */
  timeZones: z.array(TimeZone),
});
export type StatsResponse = z.infer<typeof StatsResponse>;

export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptimeS: z.number(),
  store: z.string(),
  broker: z.string(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** Onboarding (`POST /api/rooms|edges|users|institutions`, `PUT /api/cameras/:id`). */
const Name = z.string().trim().min(1).max(100);

/** `POST /api/rooms`: create or update a room; its institution is the signed-in admin's. */
export const RoomBody = z.strictObject({
  id: Id,
  name: Name,
  type: ZoneType,
  classType: ClassType.nullable().default(null),
  capacity: z.number().int().min(1).max(500).nullable().default(null),
  polygon: Polygon.max(64).nullable().default(null),
});
export type RoomBody = z.infer<typeof RoomBody>;

/** `PUT /api/cameras/:id`: maps a camera its edge reported to a room of the same institution. */
export const CameraBody = z.strictObject({
  name: Name,
  roomId: Id.nullable(),
  expectedFps: z.number().positive().max(60),
});
export type CameraBody = z.infer<typeof CameraBody>;

/**
 * `POST /api/edges`: registers an edge, or rotates its MQTT password when it exists. A new
 * edge's id is `<institutionId>.<id>` (edge ids are global MQTT usernames; the prefix keeps
 * each institution in its own namespace); an existing edge of the institution is named as is.
 */
export const EdgeBody = z.strictObject({ id: Id });
export type EdgeBody = z.infer<typeof EdgeBody>;

/** The MQTT password is shown only here, once; the hub keeps its scrypt hash. */
export const EdgeRegistered = z.object({
  /** The edge id (and MQTT username), `<institutionId>.<name>` for an edge made here. */
  id: Id,
  institutionId: Id,
  /** MQTT username is the edge id. */
  password: z.string(),
  rotated: z.boolean(),
});
export type EdgeRegistered = z.infer<typeof EdgeRegistered>;

export const PASSWORD_MIN_LENGTH = 12;

/**
 * `POST /api/users`: an admin adds supervisors or admins of their own institution. The login
 * name is `<username>@<institutionId>` (login names are global; the suffix keeps each
 * institution in its own namespace).
 */
export const UserBody = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/, 'must be 3–64 letters, digits, ".", "_", "@" or "-"'),
  displayName: Name,
  role: Role.extract(['supervisor', 'institution_admin']),
  /** Omit to have the hub generate one (returned once). */
  password: z.string().min(PASSWORD_MIN_LENGTH).max(256).optional(),
});
export type UserBody = z.infer<typeof UserBody>;

export const UserCreated = z.object({
  user: UserView,
  /** The generated password, shown once; null when the caller chose it. */
  password: z.string().nullable(),
});
export type UserCreated = z.infer<typeof UserCreated>;

/** `POST /api/institutions`: a regulator registers an institution of their town or district. */
export const InstitutionBody = z.strictObject({
  id: Id,
  name: Name,
  level: RatingLevel,
  townId: Id,
  districtId: Id,
  registered: z.boolean().default(true),
  timeZone: TimeZone.default(DEFAULT_TIME_ZONE),
});
export type InstitutionBody = z.infer<typeof InstitutionBody>;

export const InstitutionRegistered = z.object({ institution: InstitutionView, created: z.boolean() });
export type InstitutionRegistered = z.infer<typeof InstitutionRegistered>;

/** `POST /api/alarms`: one-button alarm from the dashboard (critical, pushed to every wall of the institution). */
export const AlarmBody = z.strictObject({
  /** The room it is about, when the person chose one. */
  roomId: Id.nullable().default(null),
  note: z.string().trim().max(500).default(''),
});
export type AlarmBody = z.infer<typeof AlarmBody>;
