/**
 * HTTP bodies and responses of the attendance routes (issue 25). The hub stores a child's
 * name, birth month, class, room, enrolment period and guardians; of attendance only the
 * child id, time, source and confidence. Regulators read aggregates only, never names.
 */
import { z } from 'zod';
import { AttendanceDirection, AttendanceSource } from './attendance.ts';
import { ClassType } from './domain.ts';
import { Id } from './topics.ts';

const DateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');
const IsoTime = z.iso.datetime({ offset: true });

export const GuardianInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  relation: z.string().trim().max(40).optional(),
  phone: z.string().trim().max(40).optional(),
});
export type GuardianInput = z.infer<typeof GuardianInput>;

/** Create or update one child of the admin's institution. */
export const ChildBody = z.strictObject({
  id: Id,
  name: z.string().trim().min(1).max(100),
  birthMonth: Month,
  /** Derived from the birth month at `enrolledFrom` when absent. */
  classType: ClassType.optional(),
  roomId: Id.nullable().optional(),
  enrolledFrom: DateOnly,
  enrolledTo: DateOnly.nullable().optional(),
  guardians: z.array(GuardianInput).max(6).default([]),
});
export type ChildBody = z.infer<typeof ChildBody>;

export const ConsentView = z.object({
  id: z.string(),
  childId: Id,
  scope: z.literal('face'),
  /** The guardian who gave it. */
  guardianName: z.string(),
  grantedAt: IsoTime,
  recordedBy: z.string(),
  withdrawnAt: IsoTime.nullable(),
  withdrawnBy: z.string().nullable(),
});
export type ConsentView = z.infer<typeof ConsentView>;

export const ChildView = z.object({
  id: Id,
  institutionId: Id,
  name: z.string(),
  birthMonth: Month,
  classType: ClassType,
  roomId: Id.nullable(),
  enrolledFrom: DateOnly,
  enrolledTo: DateOnly.nullable(),
  guardians: z.array(z.object({ name: z.string(), relation: z.string().nullable(), phone: z.string().nullable() })),
  /** Face-recognition consent in force. */
  faceConsent: z.boolean(),
  /** Edges that report a template of this child (from their config acks). */
  enrolledOn: z.array(Id),
});
export type ChildView = z.infer<typeof ChildView>;

export const ConsentBody = z.strictObject({
  scope: z.literal('face'),
  guardianName: z.string().trim().min(1).max(100),
  /** When the guardian signed; default now. */
  grantedAt: IsoTime.optional(),
});
export type ConsentBody = z.infer<typeof ConsentBody>;

export const PlacesBody = z.strictObject({
  places: z.partialRecord(ClassType, z.number().int().min(0).max(1000)),
});

/** Staff check-in or check-out of one or more children (a whole class at once). */
export const CheckBody = z.strictObject({
  childIds: z.array(Id).min(1).max(200),
  direction: AttendanceDirection,
  /** Default now; a correction may name another time of today or an earlier day. */
  at: IsoTime.optional(),
});
export type CheckBody = z.infer<typeof CheckBody>;

/** A card or QR scan through the same API (a reader at the door or a phone). */
export const ScanBody = z.strictObject({
  childId: Id,
  direction: AttendanceDirection,
  source: z.enum(['card', 'qr']),
  at: IsoTime.optional(),
});

export const AttendanceEventView = z.object({
  id: z.string(),
  childId: Id,
  direction: AttendanceDirection,
  at: IsoTime,
  source: AttendanceSource,
  confidence: z.number(),
  needsConfirm: z.boolean(),
  /** `pending` until staff confirm a proposal that needs it. */
  state: z.enum(['counted', 'pending', 'rejected']),
  decidedBy: z.string().nullable(),
  edgeId: z.string().nullable(),
  recordedBy: z.string().nullable(),
});
export type AttendanceEventView = z.infer<typeof AttendanceEventView>;

export const AttendanceDayView = z.object({
  childId: Id,
  date: DateOnly,
  firstIn: IsoTime.nullable(),
  lastOut: IsoTime.nullable(),
  /** Minutes present from counted in/out pairs. */
  minutes: z.number().int(),
  /** In without a matching out at the end of the day. */
  open: z.boolean(),
  sources: z.array(AttendanceSource),
});
export type AttendanceDayView = z.infer<typeof AttendanceDayView>;

export const DecideBody = z.strictObject({ accept: z.boolean() });

export const SubsidyRules = z.strictObject({
  fullDayHours: z.number().positive().max(24).default(8),
  halfDayHours: z.number().positive().max(24).default(4),
  fullMonthDays: z.number().positive().max(31).default(15),
  /** Yuan per child per full month, by class type. */
  rates: z.partialRecord(ClassType, z.number().min(0).max(100000)).default({}),
});
export type SubsidyRules = z.infer<typeof SubsidyRules>;

export const SubsidyRow = z.object({
  childId: Id,
  /** Absent in a regulator's view: regulators see no children's names. */
  name: z.string().optional(),
  classType: ClassType,
  fullDays: z.number().int(),
  halfDays: z.number().int(),
  /** full + half ÷ 2 */
  countedDays: z.number(),
  fullMonth: z.boolean(),
  amount: z.number(),
});
export type SubsidyRow = z.infer<typeof SubsidyRow>;

export const SubsidyReport = z.object({
  institutionId: Id,
  month: Month,
  timeZone: z.string(),
  rules: SubsidyRules,
  rows: z.array(SubsidyRow),
  totals: z.object({ children: z.number().int(), fullDays: z.number().int(), halfDays: z.number().int(), countedDays: z.number(), fullMonths: z.number().int(), amount: z.number() }),
  status: z.enum(['draft', 'submitted', 'approved']),
  submittedBy: z.string().nullable(),
  submittedAt: IsoTime.nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: IsoTime.nullable(),
});
export type SubsidyReport = z.infer<typeof SubsidyReport>;

export const SubmissionView = SubsidyReport.pick({ institutionId: true, month: true, status: true, submittedAt: true, approvedAt: true, approvedBy: true, submittedBy: true }).extend({
  institutionName: z.string(),
  children: z.number().int(),
  amount: z.number(),
});
export type SubmissionView = z.infer<typeof SubmissionView>;

/** Indicator 8 (托位使用率) and 4 (share of places for under-2s), for one unit. */
export const PlaceStats = z.object({
  id: z.string(),
  kind: z.enum(['institution', 'town', 'district']),
  name: z.string(),
  approvedPlaces: z.number().int(),
  enrolled: z.number().int(),
  /** enrolled ÷ approved places; null without approved places. */
  utilisation: z.number().nullable(),
  /** Approved places of 乳儿班 and 托小班 (under 2) ÷ all approved places. */
  under2PlacesShare: z.number().nullable(),
  under2Places: z.number().int(),
  /** Days in the month where attendance and the room cameras disagree. */
  crossCheckFlags: z.number().int(),
});
export type PlaceStats = z.infer<typeof PlaceStats>;

/** A day where more children were checked in to a room than its cameras ever saw people. */
export const CrossCheckFlag = z.object({
  institutionId: Id,
  roomId: Id,
  date: DateOnly,
  checkedIn: z.number().int(),
  maxPeopleSeen: z.number().int(),
});
export type CrossCheckFlag = z.infer<typeof CrossCheckFlag>;

export const EdgeConfigState = z.object({
  edgeId: Id,
  version: z.number().int(),
  issuedAt: IsoTime,
  publishes: z.number().int(),
  ackedVersion: z.number().int().nullable(),
  ackedAt: IsoTime.nullable(),
  ackOk: z.boolean().nullable(),
  ackError: z.string().nullable(),
  enrolled: z.array(Id),
  /** Last time this edge reported deleting templates. */
  deletedAt: IsoTime.nullable(),
});
export type EdgeConfigState = z.infer<typeof EdgeConfigState>;

export { DateOnly as AttendanceDate };
