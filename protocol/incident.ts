import { z } from 'zod';
import { SCHEMA_VERSION } from './version.ts';
import { Id } from './topics.ts';

export const IncidentKind = z.enum([
  'fall',
  'crowding',
  'ratio',
  'unattended',
  'camera_offline',
  'camera_tamper',
]);
export type IncidentKind = z.infer<typeof IncidentKind>;

export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const Posture = z.enum(['upright', 'sitting', 'lying', 'unknown']);
export type Posture = z.infer<typeof Posture>;

export const AgeClass = z.enum(['adult', 'child', 'unknown']);
export type AgeClass = z.infer<typeof AgeClass>;

/** Box in source pixels: [x, y, width, height]. */
export const Box = z.tuple([z.number(), z.number(), z.number().nonnegative(), z.number().nonnegative()]);
export type Box = z.infer<typeof Box>;

const IsoTime = z.iso.datetime({ offset: true });

/** One person involved in an incident, as the edge saw them. */
export const EvidencePerson = z.object({
  track: z.number().int().nonnegative(),
  box: Box,
  score: z.number().min(0).max(1),
  posture: Posture.optional(),
  age: AgeClass.optional(),
});

export const Evidence = z
  .object({
    /** Counts by class in the zone, e.g. { adults: 1, children: 6 }. */
    counts: z.record(z.string().max(32), z.number().int().nonnegative()).optional(),
    persons: z.array(EvidencePerson).max(64).optional(),
    /** Confidence of the rule or model that raised the incident. */
    confidence: z.number().min(0).max(1).optional(),
    /** Rule limit that was breached, e.g. capacity 10 or ratio 1:3 as 3. */
    limit: z.number().optional(),
    /** Free-form reason, e.g. the ffmpeg error for camera_offline. */
    reason: z.string().max(500).optional(),
  })
  .strict();
export type Evidence = z.infer<typeof Evidence>;

export const SnapshotMeta = z.object({
  contentType: z.literal('image/jpeg'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().positive().max(2_000_000),
});
export type SnapshotMeta = z.infer<typeof SnapshotMeta>;

const IncidentBase = z.object({
  schema: z.literal(SCHEMA_VERSION),
  /** Stable id made on the edge; ingest is idempotent on (id, seq). */
  id: Id,
  /** 0 for `open`, then +1 per event: the hub applies events in this order. */
  seq: z.number().int().nonnegative(),
  kind: IncidentKind,
  severity: Severity,
  institutionId: Id,
  edgeId: Id,
  cameraId: Id,
  zoneId: Id.nullable(),
  startedAt: IsoTime,
  /** When this event happened on the edge. */
  at: IsoTime,
  message: z.string().max(500).optional(),
  evidence: Evidence,
  /** Present when a JPEG is (or will be) published on …/snapshot/{id}. */
  snapshot: SnapshotMeta.optional(),
});

/** MQTT payload on `anyu/v1/{institutionId}/{edgeId}/incident`. */
export const IncidentEvent = z.discriminatedUnion('type', [
  IncidentBase.extend({ type: z.literal('open') }),
  IncidentBase.extend({ type: z.literal('update') }),
  IncidentBase.extend({ type: z.literal('resolved') }),
]);
export type IncidentEvent = z.infer<typeof IncidentEvent>;
export type IncidentEventType = IncidentEvent['type'];

/** People's side of the lifecycle. */
export const ReviewStatus = z.enum(['new', 'acknowledged', 'closed']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

export const Outcome = z.enum([
  'false_alarm',
  'no_injury',
  'minor_injury',
  'medical_referral',
  'reported_to_authority',
  'other',
]);
export type Outcome = z.infer<typeof Outcome>;
