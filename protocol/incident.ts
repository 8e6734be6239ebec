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
  /** One-button alarm: a person pressed it (dashboard or an edge input); always critical. */
  'alarm',
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

/** Why a camera's view counts as tampered with (edge/health/tamper.ts). */
export const TamperKind = z.enum(['blacked_out', 'covered', 'frozen', 'blurred']);
export type TamperKind = z.infer<typeof TamperKind>;

/** One fallen person as the fall rule measured them (edge/analytics/fall-detector.ts). */
export const FallMeasure = z.object({
  track: z.number().int().nonnegative(),
  /** What started it: the pose, the box shape, the activity model, or a body lost going down (the fall sweep). */
  path: z.enum(['pose', 'box', 'model', 'vanish']),
  /** Head drop in body heights. */
  drop: z.number(),
  /** Peak head speed in body heights a second, when measured. */
  speed: z.number().nullable(),
  /** Seconds the whole descent took, when measured. */
  descentSeconds: z.number().nullable(),
});
export type FallMeasure = z.infer<typeof FallMeasure>;

const Counts = z.record(z.string().max(32), z.number().int().nonnegative());

/**
 * What the edge saw, as data: the dashboard writes the sentence in the reader's language
 * from it (`message` is the edge's English line, kept for logs and other clients).
 */
export const Evidence = z
  .object({
    /** Counts by class in the zone, e.g. { adults: 1, children: 6 }. */
    counts: Counts.optional(),
    /** The counts at the worst moment of the breach (most people, fewest adults per child). */
    peak: Counts.optional(),
    persons: z.array(EvidencePerson).max(64).optional(),
    /** Confidence of the rule or model that raised the incident. */
    confidence: z.number().min(0).max(1).optional(),
    /** Rule limit that was breached, e.g. capacity 10 or ratio 1:3 as 3. */
    limit: z.number().optional(),
    /** Free-form reason, e.g. the ffmpeg error for camera_offline (technical, not translated). */
    reason: z.string().max(500).optional(),
    tamper: TamperKind.optional(),
    falls: z.array(FallMeasure).max(8).optional(),
    /** The edge input (alarm button) that raised an `alarm`. */
    input: Id.optional(),
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
  /** Null only for an `alarm` from an input that no camera watches. */
  cameraId: Id.nullable(),
  zoneId: Id.nullable(),
  /** The zone's display name in the edge's config (the hub shows its own room names first). */
  zoneName: z.string().min(1).max(100).optional(),
  startedAt: IsoTime,
  /** When this event happened on the edge. */
  at: IsoTime,
  message: z.string().max(500).optional(),
  evidence: Evidence,
  /** Present when a JPEG is (or will be) published on …/snapshot/{id}. */
  snapshot: SnapshotMeta.optional(),
});

/** MQTT payload on `anyu/v1/{institutionId}/{edgeId}/incident`. */
export const IncidentEvent = z
  .discriminatedUnion('type', [
    IncidentBase.extend({ type: z.literal('open') }),
    IncidentBase.extend({ type: z.literal('update') }),
    IncidentBase.extend({ type: z.literal('resolved') }),
  ])
  .refine((e) => e.cameraId !== null || e.kind === 'alarm', { path: ['cameraId'], message: 'only an alarm may come without a camera' });
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
