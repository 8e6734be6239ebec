/**
 * The attendance part of the store (issue 25): roster, consent, places, attendance events
 * and their one derived row per child and local day, subsidy reports, room people counts,
 * and the per-edge config channel state. Scoped like the rest of the store: rows outside
 * the scope behave as missing.
 */
import type {
  AttendanceDayView,
  AttendanceEventView,
  AttendanceSource,
  ChildView,
  ClassType,
  ConsentView,
  CrossCheckFlag,
  EdgeConfig,
  EdgeConfigAck,
  EdgeConfigState,
  GuardianInput,
  SubsidyReport,
  SubmissionView,
} from '../../protocol/index.ts';
import type { Scope } from './types.ts';

export interface ChildInput {
  institutionId: string;
  id: string;
  name: string;
  birthMonth: string;
  classType: ClassType;
  roomId: string | null;
  enrolledFrom: string;
  enrolledTo: string | null;
  guardians: GuardianInput[];
}

export interface NewAttendanceEvent {
  institutionId: string;
  childId: string;
  /** Null for staff taps and card/QR scans through the API. */
  edgeId: string | null;
  /** The edge's event id, or a hub-made one. */
  eventId: string;
  direction: 'in' | 'out';
  at: string;
  source: AttendanceSource;
  confidence: number;
  needsConfirm: boolean;
  /** Username of the person who tapped or scanned; null for an edge. */
  recordedBy: string | null;
  cameraId?: string | null;
  receivedAt: string;
}

export type RecordOutcome = 'applied' | 'duplicate' | 'unknown_child';

export interface InstitutionPlaces {
  institutionId: string;
  name: string;
  townId: string;
  districtId: string;
  places: Partial<Record<ClassType, number>>;
  /** Children enrolled on the given date, by class type. */
  enrolled: Partial<Record<ClassType, number>>;
}

export interface ChildMonthRecord {
  childId: string;
  name: string;
  classType: ClassType;
  dayMinutes: number[];
}

export interface AttendanceStore {
  /** `out_of_scope` when the institution is not in scope; `unknown_room` for a room not of it. */
  saveChild(scope: Scope, c: ChildInput, at: string): Promise<'saved' | 'out_of_scope' | 'unknown_room'>;
  /** Deletes a child without attendance; `has_attendance` keeps a child the subsidy record needs. */
  deleteChild(scope: Scope, institutionId: string, id: string): Promise<'deleted' | 'missing' | 'has_attendance'>;
  listChildren(scope: Scope, institutionId: string): Promise<ChildView[]>;
  getChild(scope: Scope, institutionId: string, id: string): Promise<ChildView | null>;

  /** Records a new consent (null when the child is not in scope); a consent in force is returned unchanged. */
  grantConsent(scope: Scope, institutionId: string, childId: string, c: { guardianName: string; grantedAt: string; by: string }): Promise<ConsentView | null>;
  /** Withdraws the consent in force; null when there is none (or out of scope). */
  withdrawConsent(scope: Scope, institutionId: string, childId: string, by: string, at: string): Promise<ConsentView | null>;
  listConsents(scope: Scope, institutionId: string, childId: string): Promise<ConsentView[]>;
  /** Machine path: children of the institution whose face consent is in force, sorted. */
  faceConsentChildIds(institutionId: string): Promise<string[]>;

  setPlaces(scope: Scope, institutionId: string, places: Partial<Record<ClassType, number>>): Promise<boolean>;
  /** Approved places and children enrolled on `date`, per institution in scope. */
  places(scope: Scope, date: string): Promise<InstitutionPlaces[]>;

  /** Idempotent on (edgeId, eventId); refuses children not on the institution's roster. */
  recordEvent(e: NewAttendanceEvent): Promise<{ outcome: RecordOutcome; event?: AttendanceEventView }>;
  /** Staff confirm or reject a proposal that needs it; null when missing, out of scope or decided. */
  decide(scope: Scope, institutionId: string, id: string, accept: boolean, by: string, at: string): Promise<AttendanceEventView | null>;
  listEvents(scope: Scope, institutionId: string, q: { from: string; to: string; pendingOnly?: boolean }): Promise<AttendanceEventView[]>;
  /** Derived day rows for local dates in [from, to]. */
  listDays(scope: Scope, institutionId: string, from: string, to: string): Promise<AttendanceDayView[]>;
  /** Children enrolled some day of the month, with the minutes of each of their day rows. */
  monthRecords(scope: Scope, institutionId: string, month: string): Promise<ChildMonthRecord[] | null>;

  getStoredReport(scope: Scope, institutionId: string, month: string): Promise<SubsidyReport | null>;
  /** Locks the report; `locked` when one is stored already. */
  submitReport(scope: Scope, report: SubsidyReport): Promise<'submitted' | 'locked' | 'out_of_scope'>;
  approveReport(scope: Scope, institutionId: string, month: string, by: string, at: string): Promise<SubsidyReport | 'not_submitted' | 'approved_already' | null>;
  listSubmissions(scope: Scope): Promise<SubmissionView[]>;

  /** Machine path (edge status): the most people a camera saw on a local day. */
  recordPeopleSeen(institutionId: string, cameraId: string, sinceIso: string, maxPeople: number): Promise<void>;
  /** Days in [from, to] where more children were checked in to a room than its cameras saw people. */
  crossCheck(scope: Scope, from: string, to: string): Promise<CrossCheckFlag[]>;

  /** Machine path: the next config version for an edge (1 for a new one), stored unacknowledged. */
  nextEdgeConfig(institutionId: string, edgeId: string, build: (version: number) => EdgeConfig): Promise<EdgeConfig>;
  /** Configs whose version is not acknowledged yet. */
  pendingEdgeConfigs(): Promise<{ config: EdgeConfig; publishes: number; lastPublishedAt: string | null }[]>;
  markPublished(edgeId: string, version: number, at: string): Promise<void>;
  /** `stale` for an ack of an older version than the one acknowledged; `unknown` without a config of that version. */
  recordAck(ack: EdgeConfigAck, at: string): Promise<'applied' | 'stale' | 'unknown'>;
  edgeConfigStates(scope: Scope, institutionId: string): Promise<EdgeConfigState[]>;
  /** Edges of an institution (to publish configs to). */
  edgeIdsOf(institutionId: string): Promise<string[]>;
}
