/** Socket.IO contract between hub and dashboard; payloads are validated on receipt. */
import { z } from 'zod';
import { Id } from './topics.ts';
import type { GuardianPush } from './guardian-api.ts';
import type { EdgeStatus } from './status.ts';
import type { IncidentView, UserView } from './api.ts';
import type { AttendanceEventView } from './attendance-api.ts';

export const AckRequest = z.object({ id: Id });
export type AckRequest = z.infer<typeof AckRequest>;

export const WatchRequest = z.object({ cameraId: Id });
export type WatchRequest = z.infer<typeof WatchRequest>;

/** Every ack answers `{ data }` on success or `{ error }` on failure. */
export type AckResult<T> = { data: T } | { error: { code: string; message: string } };

export interface ServerToClientEvents {
  /** Full view of an incident after any change (open, update, resolved, ack, close). */
  incident: (incident: IncidentView) => void;
  'edge:status': (status: EdgeStatus) => void;
  /**
   * An attendance event of the user's institution was recorded or decided (a face proposal
   * to confirm, a check-in from another tablet). Institution rooms only: never regulators.
   */
  attendance: (event: AttendanceEventView) => void;
  /** To one guardian's own room only: their child checked in or out, an incident concerning their child closed. */
  guardian: (push: GuardianPush) => void;
}

export interface ClientToServerEvents {
  'incident:ack': (req: AckRequest, ack: (res: AckResult<IncidentView>) => void) => void;
  'camera:watch': (req: WatchRequest, ack: (res: AckResult<true>) => void) => void;
  'camera:unwatch': (req: WatchRequest, ack: (res: AckResult<true>) => void) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  user: UserView;
}

/** Room names: one per institution, one per camera, one per region (regulators). */
export const rooms = {
  institution: (id: string) => `inst:${id}`,
  camera: (institutionId: string, cameraId: string) => `cam:${institutionId}:${cameraId}`,
  region: (id: string) => `region:${id}`,
  guardian: (userId: string) => `guardian:${userId}`,
} as const;
