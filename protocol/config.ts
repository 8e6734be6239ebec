/**
 * The hub → edge configuration channel (issue 25, /work/contract-25.md).
 *
 * - `anyu/v1/{inst}/{edge}/config`: `EdgeConfig`, QoS 1, RETAINED, so a reconnecting edge
 *   gets the latest. `version` grows per edge; an edge ignores a version ≤ the one it applied.
 * - `anyu/v1/{inst}/{edge}/config-ack`: `EdgeConfigAck`, QoS 1, edge → hub, after applying
 *   (or refusing, `ok: false`) a version.
 *
 * The hub re-publishes a version until its ack arrives, audits both, and records per edge the
 * last acknowledged version, the children enrolled there and when templates were deleted.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from './version.ts';
import { Id } from './topics.ts';

const IsoTime = z.iso.datetime({ offset: true });

/** Most children one institution's consent list may name (far above any real roster). */
export const FACE_CONSENT_MAX = 2000;

export const FaceConsent = z.strictObject({
  /**
   * Children whose guardian's face-recognition consent is in force. The edge may enrol
   * only these, and must delete (and report) every template of a child not listed.
   */
  childIds: z.array(Id).max(FACE_CONSENT_MAX),
});
export type FaceConsent = z.infer<typeof FaceConsent>;

export const EdgeConfig = z.strictObject({
  schema: z.literal(SCHEMA_VERSION),
  institutionId: Id,
  edgeId: Id,
  /** ≥ 1 and increasing per edge. */
  version: z.number().int().min(1),
  issuedAt: IsoTime,
  faceConsent: FaceConsent,
  /** Reserved for remote camera and zone configuration; an edge may refuse it (ok: false). */
  cameras: z.unknown().optional(),
});
export type EdgeConfig = z.infer<typeof EdgeConfig>;

export const EdgeConfigAck = z.strictObject({
  schema: z.literal(SCHEMA_VERSION),
  institutionId: Id,
  edgeId: Id,
  version: z.number().int().min(1),
  at: IsoTime,
  ok: z.boolean(),
  error: z.string().max(500).optional(),
  /** Child ids with a template on this edge after applying. */
  enrolled: z.array(Id).max(FACE_CONSENT_MAX),
  /** Child ids whose templates this version deleted. */
  deleted: z.array(Id).max(FACE_CONSENT_MAX),
});
export type EdgeConfigAck = z.infer<typeof EdgeConfigAck>;
