/**
 * The guardian port (issue 26): invites, sign-up, and what a guardian reads about their
 * own children. No video, no snapshot, no other child.
 */
import { z } from 'zod';
import { AttendanceDayView, AttendanceEventView, ConsentView, EdgeConfigState, Month, SubsidyRow } from './attendance-api.ts';
import { ClassType } from './domain.ts';
import { IncidentKind, Outcome } from './incident.ts';
import { Id } from './topics.ts';
import { PASSWORD_MIN_LENGTH, UserView } from './api.ts';

const IsoTime = z.iso.datetime({ offset: true });

/** The printable one-time code: 4 groups of 4 from an alphabet without 0/O/1/I. */
export const InviteCode = z.string().trim().toUpperCase().regex(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/, 'must look like ABCD-EFGH-JKLM-NPQR');

export const InviteBody = z.strictObject({
  /** Which guardian of the child (0-based, in roster order). */
  guardian: z.number().int().min(0).max(20),
  /** Days until the code expires (default 7). */
  days: z.number().int().min(1).max(30).default(7),
});
export const InviteCreated = z.object({ code: z.string(), childId: Id, guardianName: z.string(), expiresAt: IsoTime });
export type InviteCreated = z.infer<typeof InviteCreated>;

export const GuardianSignupBody = z.strictObject({
  code: InviteCode,
  username: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/, 'must be 3–64 letters, digits, ".", "_", "@" or "-"'),
  displayName: z.string().trim().min(1).max(100),
  password: z.string().min(PASSWORD_MIN_LENGTH).max(256),
});
export const GuardianSignupResponse = z.object({ user: UserView, token: z.string() });

export const RedeemBody = z.strictObject({ code: InviteCode });

export const GuardianChild = z.object({
  id: Id,
  name: z.string(),
  classType: ClassType,
  roomId: Id.nullable(),
  roomName: z.string().nullable(),
  enrolledFrom: z.string(),
  enrolledTo: z.string().nullable(),
  /** The guardian this account was invited as. */
  guardianName: z.string(),
  faceConsent: z.boolean(),
});
export type GuardianChild = z.infer<typeof GuardianChild>;

export const GuardianCalendar = z.object({
  childId: Id,
  month: Month,
  timeZone: z.string(),
  days: z.array(AttendanceDayView),
  /** Counted and pending check-ins/outs of the month (rejected proposals are left out). */
  events: z.array(AttendanceEventView.pick({ id: true, direction: true, at: true, source: true, state: true })),
  /** The month as the subsidy report counts it (same code, same district rules). */
  subsidy: SubsidyRow.omit({ amount: true }).nullable(),
});
export type GuardianCalendar = z.infer<typeof GuardianCalendar>;

export const GuardianIncident = z.object({
  id: Id,
  kind: IncidentKind,
  startedAt: IsoTime,
  closedAt: IsoTime.nullable(),
  roomId: Id.nullable(),
  roomName: z.string().nullable(),
  outcome: Outcome.nullable(),
  /** The institution's closing note. */
  note: z.string().nullable(),
});
export type GuardianIncident = z.infer<typeof GuardianIncident>;

export const NoticeBody = z.strictObject({ title: z.string().trim().min(1).max(200), body: z.string().trim().min(1).max(5000) });
export const NoticeView = z.object({ id: z.string(), title: z.string(), body: z.string(), postedAt: IsoTime, unread: z.boolean() });
export type NoticeView = z.infer<typeof NoticeView>;

export const GuardianConsentState = z.object({
  childId: Id,
  faceConsent: z.boolean(),
  history: z.array(ConsentView),
  /** Per edge of the institution: whether it still reports a template of this child, and when it last confirmed deletions. */
  edges: z.array(z.object({ edgeId: Id, holdsTemplate: z.boolean(), ackedVersion: z.number().int().nullable(), version: z.number().int(), ackedAt: IsoTime.nullable(), deletedAt: IsoTime.nullable() })),
});
export type GuardianConsentState = z.infer<typeof GuardianConsentState>;

export const IncidentChildrenBody = z.strictObject({ childIds: z.array(Id).max(200) });

/** What a guardian's page is pushed over Socket.IO (event `guardian`). */
export const GuardianPush = z.discriminatedUnion('type', [
  z.object({ type: z.literal('attendance'), childId: Id, childName: z.string(), direction: z.enum(['in', 'out']), at: IsoTime, source: z.string() }),
  z.object({ type: z.literal('incident_closed'), childId: Id, childName: z.string(), incidentId: Id, kind: IncidentKind, outcome: Outcome.nullable(), closedAt: IsoTime.nullable() }),
]);
export type GuardianPush = z.infer<typeof GuardianPush>;

export { EdgeConfigState as GuardianEdgeState };
