/** What every page of a signed-in user needs, passed down through one context. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { DEFAULT_TIME_ZONE } from '../../protocol/domain.ts';
import type { CameraView, IncidentView, InstitutionView, RegionView, RoomView, UserView } from '../../protocol/api.ts';
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
  institutions: ReadonlyMap<string, InstitutionView>;
  /** Towns and districts with their display names. */
  regions: ReadonlyMap<string, RegionView>;
  /** The zone days and times are shown in: the institutions' (`sessionTimeZone`). */
  timeZone: string;
  /** Re-reads rooms and cameras after the setup page changed them. */
  refreshRefs: () => void;
}

/**
 * The zone of the institutions a user sees (the most common one when a regulator's differ;
 * a district is one zone in practice), Asia/Shanghai before they are loaded.
 */
export function sessionTimeZone(institutions: Iterable<InstitutionView>): string {
  const counts = new Map<string, number>();
  for (const i of institutions) counts.set(i.timeZone, (counts.get(i.timeZone) ?? 0) + 1);
  let best = DEFAULT_TIME_ZONE;
  let n = 0;
  for (const [tz, c] of counts) if (c > n) [best, n] = [tz, c];
  return best;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

/** A room's display name; `–` for none. */
export function roomName(s: Session, roomId: string | null): string {
  if (!roomId) return '–';
  return s.rooms.get(roomId)?.name ?? roomId;
}

/**
 * Where an incident happened, in words: the hub's room (its display name), and the edge's
 * zone name when that zone is not the room itself (a play mat inside it).
 */
export function placeName(s: Session, i: Pick<IncidentView, 'roomId' | 'zoneId' | 'zoneName'>): string {
  const room = i.roomId ? roomName(s, i.roomId) : null;
  const zone = i.zoneId && i.zoneId !== i.roomId ? (i.zoneName ?? (s.rooms.get(i.zoneId)?.name ?? null)) : null;
  if (room && zone) return `${room} · ${zone}`;
  return room ?? zone ?? '–';
}

export function cameraName(s: Session, cameraId: string | null): string {
  if (!cameraId) return '–';
  return s.cameras.get(cameraId)?.name ?? cameraId;
}

/** A town's or district's display name in the page language; its id when the hub has no name for it. */
export function regionName(s: Session, id: string, lang: string): string {
  const r = s.regions.get(id);
  if (!r) return id;
  return lang === 'en' ? (r.nameEn ?? r.name) : r.name;
}

export type Page = 'live' | 'incidents' | 'cameras' | 'charts' | 'coverage' | 'setup' | 'attendance' | 'subsidy' | 'guardian';

/** Role-aware navigation: what each role may open, first entry is its home page. */
export const PAGES_BY_ROLE: Record<UserView['role'], readonly Page[]> = {
  supervisor: ['live', 'attendance'],
  institution_admin: ['live', 'incidents', 'cameras', 'charts', 'attendance', 'setup'],
  regulator: ['coverage', 'charts', 'subsidy', 'setup'],
  guardian: ['guardian'],
};

export function canSeeSnapshots(user: UserView): boolean {
  return user.role !== 'regulator';
}
