import { z } from 'zod';
import { SCHEMA_VERSION } from './version.ts';
import { Id } from './topics.ts';

export const CameraState = z.enum(['starting', 'online', 'offline']);
export type CameraState = z.infer<typeof CameraState>;

export const CameraStatus = z.object({
  id: Id,
  name: z.string().max(100).optional(),
  state: CameraState,
  expectedFps: z.number().nonnegative(),
  /** Frames delivered by capture per second over the last status period. */
  deliveredFps: z.number().nonnegative(),
  /** Frames analysed per second over the last status period. */
  analysedFps: z.number().nonnegative(),
  /** Frames dropped because the consumer was busy, last status period. */
  droppedFrames: z.number().int().nonnegative().optional(),
  reconnectsLastHour: z.number().int().nonnegative(),
  stallsLastHour: z.number().int().nonnegative(),
  lastFrameAt: z.iso.datetime({ offset: true }).nullable(),
  /** Why the camera is not online (e.g. the last ffmpeg error line). */
  reason: z.string().max(500).optional(),
  /**
   * The most people this camera saw at once since `since` (the start of the edge's local
   * day, or its start-up that day). Optional (issue 25): the hub's attendance cross-check
   * compares it with the children checked in to the camera's room.
   */
  peopleSeen: z.strictObject({ since: z.iso.datetime({ offset: true }), max: z.number().int().nonnegative().max(1000) }).optional(),
});
export type CameraStatus = z.infer<typeof CameraStatus>;

/**
 * MQTT payload on `…/status` (retained). The broker's Last Will publishes the same shape
 * with `state: 'offline'`.
 */
export const EdgeStatus = z.object({
  schema: z.literal(SCHEMA_VERSION),
  institutionId: Id,
  edgeId: Id,
  state: z.enum(['online', 'offline']),
  version: z.string().max(40),
  at: z.iso.datetime({ offset: true }),
  uptimeS: z.number().nonnegative(),
  /** TF.js backend in use: tensorflow, wasm, cpu, or none. */
  backend: z.string().max(40).optional(),
  cameras: z.array(CameraStatus).max(256),
});
export type EdgeStatus = z.infer<typeof EdgeStatus>;
