/**
 * Attendance on the wire (issue 25, /work/contract-25.md): an edge that recognised a child
 * at an entrance camera (or read a card / QR code) publishes one `AttendanceEvent` on
 * `anyu/v1/{inst}/{edge}/attendance` (QoS 1, not retained). Strict: the event carries the
 * child's roster id, the time, the source and a confidence — never an image, a face box or
 * a template. The hub de-duplicates on (edgeId, id).
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from './version.ts';
import { Id } from './topics.ts';

const IsoTime = z.iso.datetime({ offset: true });

export const AttendanceDirection = z.enum(['in', 'out']);
export type AttendanceDirection = z.infer<typeof AttendanceDirection>;

/** What an edge may report; the hub adds `staff` for a tap on the dashboard. */
export const EdgeAttendanceSource = z.enum(['face', 'card', 'qr']);
export type EdgeAttendanceSource = z.infer<typeof EdgeAttendanceSource>;

/** Every source an attendance event can have at the hub. */
export const AttendanceSource = z.enum(['staff', 'face', 'card', 'qr']);
export type AttendanceSource = z.infer<typeof AttendanceSource>;

export const AttendanceEvent = z.strictObject({
  schema: z.literal(SCHEMA_VERSION),
  institutionId: Id,
  edgeId: Id,
  /** Edge-generated and unique per edge; the hub de-duplicates on (edgeId, id). */
  id: Id,
  /** The hub's roster id of the child. */
  childId: Id,
  direction: AttendanceDirection,
  at: IsoTime,
  source: EdgeAttendanceSource,
  /** Face similarity mapped to 0..1; 1 for card and QR. */
  confidence: z.number().min(0).max(1),
  /** Below the edge's accept threshold: staff confirm with one tap before it counts. */
  needsConfirm: z.boolean(),
  cameraId: Id.optional(),
});
export type AttendanceEvent = z.infer<typeof AttendanceEvent>;
