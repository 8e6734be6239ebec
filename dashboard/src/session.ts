/** What every page of a signed-in user needs, passed down through one context. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { RoomView, CameraView, UserView } from '../../protocol/api.ts';
import type { ApiClient } from './api.ts';
import type { LiveConnection } from './live.ts';
import type { Alarm } from './alarm.ts';

export interface Session {
  user: UserView;
  api: ApiClient;
  live: LiveConnection;
  alarm: Alarm;
  rooms: ReadonlyMap<string, RoomView>;
  cameras: ReadonlyMap<string, CameraView>;
  /** Re-reads rooms and cameras after the setup page changed them. */
  refreshRefs: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

export function roomName(s: Session, zoneId: string | null): string {
  if (!zoneId) return '–';
  return s.rooms.get(zoneId)?.name ?? zoneId;
}

export function cameraName(s: Session, cameraId: string): string {
  return s.cameras.get(cameraId)?.name ?? cameraId;
}

export type Page = 'live' | 'incidents' | 'cameras' | 'charts' | 'coverage' | 'setup';

/** Role-aware navigation: what each role may open, first entry is its home page. */
export const PAGES_BY_ROLE: Record<UserView['role'], readonly Page[]> = {
  supervisor: ['live'],
  institution_admin: ['live', 'incidents', 'cameras', 'charts', 'setup'],
  regulator: ['coverage', 'charts', 'setup'],
};

export function canSeeSnapshots(user: UserView): boolean {
  return user.role !== 'regulator';
}
