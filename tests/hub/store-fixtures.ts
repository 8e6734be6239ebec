/** Shared data for the store contract suite: three institutions in two districts. */
import {
  SCHEMA_VERSION,
  type CameraStatus,
  type EdgeStatus,
  type IncidentEvent,
  type InstitutionView,
} from '../../protocol/index.ts';
import type { Scope, Store } from '../../hub/store/types.ts';

export const INST_A: InstitutionView = {
  id: 'inst-a',
  name: '阳光托育',
  level: 'level2',
  townId: 'town-1',
  districtId: 'dist-1',
  registered: true,
  timeZone: 'Asia/Shanghai',
  demo: false,
};
export const INST_B: InstitutionView = {
  id: 'inst-b',
  name: '小树苗',
  level: 'level1',
  townId: 'town-2',
  districtId: 'dist-1',
  registered: true,
  timeZone: 'Asia/Shanghai',
  demo: false,
};
export const INST_C: InstitutionView = {
  id: 'inst-c',
  name: '彩虹家',
  level: 'unrated',
  townId: 'town-3',
  districtId: 'dist-2',
  registered: false,
  timeZone: 'Asia/Shanghai',
  demo: false,
};

export const ALL: Scope = { kind: 'all' };
export const inst = (institutionId: string): Scope => ({ kind: 'institution', institutionId });
export const region = (regionId: string): Scope => ({ kind: 'region', regionId });

/** Institutions, one room each, and edge `edge-<x>` with camera `cam-1` (in the room) per institution. */
export async function seed(store: Store): Promise<void> {
  for (const i of [INST_A, INST_B, INST_C]) {
    const x = i.id.slice(-1);
    await store.upsertInstitution(i);
    await store.upsertRoom({
      id: 'room-1',
      institutionId: i.id,
      name: '乳儿班',
      type: 'room',
      classType: 'infant',
      capacity: 10,
      polygon: [
        [0, 0],
        [1, 0],
        [1, 1],
      ],
    });
    await store.upsertEdge({ id: `edge-${x}`, institutionId: i.id, passwordHash: `hash-${x}` });
    await store.upsertCamera({
      id: 'cam-1',
      institutionId: i.id,
      edgeId: `edge-${x}`,
      name: '乳儿班 1',
      roomId: 'room-1',
      expectedFps: 5,
    });
  }
}

type EventType = IncidentEvent['type'];

export function event(type: EventType, seq: number, over: Partial<IncidentEvent> = {}): IncidentEvent {
  return {
    schema: SCHEMA_VERSION,
    type,
    id: 'inc-1',
    seq,
    kind: 'fall',
    severity: 'warning',
    institutionId: 'inst-a',
    edgeId: 'edge-a',
    cameraId: 'cam-1',
    zoneId: 'room-1',
    startedAt: '2026-11-20T02:00:00.000Z',
    at: new Date(Date.parse('2026-11-20T02:00:00.000Z') + seq * 10_000).toISOString(),
    evidence: { confidence: 0.8, counts: { children: 3 } },
    ...over,
  } as IncidentEvent;
}

export function camStatus(id: string, over: Partial<CameraStatus> = {}): CameraStatus {
  return {
    id,
    state: 'online',
    expectedFps: 5,
    deliveredFps: 5,
    analysedFps: 4.5,
    reconnectsLastHour: 0,
    stallsLastHour: 0,
    lastFrameAt: '2026-11-20T02:00:00.000Z',
    ...over,
  };
}

export function edgeStatus(at: string, cameras: CameraStatus[], over: Partial<EdgeStatus> = {}): EdgeStatus {
  return {
    schema: SCHEMA_VERSION,
    institutionId: 'inst-a',
    edgeId: 'edge-a',
    state: 'online',
    version: '0.1.0',
    at,
    uptimeS: 100,
    cameras,
    ...over,
  };
}
