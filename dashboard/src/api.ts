/**
 * The hub's REST API as typed functions. Types come from the protocol; responses of the
 * endpoints the live wall depends on are validated with the protocol's schemas.
 */
import {
  IncidentDetail,
  IncidentPage,
  IncidentView,
  LoginResponse,
  UserView,
} from '../../protocol/api.ts';
import {
  CameraView as CameraViewSchema,
  EdgeRegistered,
  InstitutionRegistered,
  RoomView as RoomViewSchema,
  UserCreated,
} from '../../protocol/api.ts';
import type {
  AlarmBody,
  RegionView,
  CameraBody,
  CameraView,
  CloseBody,
  EdgeBody,
  InstitutionBody,
  RoomBody,
  UserBody,
  CoverageReport,
  InstitutionView,
  RoomView,
  StatsResponse,
} from '../../protocol/api.ts';
import type {
  AttendanceDayView,
  AttendanceEventView,
  CheckBody,
  ChildBody,
  ChildView,
  ConsentView,
  CrossCheckFlag,
  EdgeConfigState,
  PlaceStats,
  SubmissionView,
  SubsidyReport,
} from '../../protocol/attendance-api.ts';
import type { GuardianCalendar, GuardianChild, GuardianConsentState, GuardianIncident, InviteCreated, NoticeView } from '../../protocol/guardian-api.ts';
import type { ZodType } from 'zod';

export interface CheckResult {
  childId: string;
  outcome: 'applied' | 'duplicate' | 'unknown_child';
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The parsed error body (e.g. the bad lines of a CSV import). */
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Query filters of the incident list and the CSV export (strings, as on the wire). */
export type IncidentFilters = Partial<
  Record<'from' | 'to' | 'kind' | 'status' | 'active' | 'cameraId' | 'zoneId' | 'roomId' | 'institutionId', string>
>;

export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  const text = await res.text();
  let parsed: unknown = null;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    parsed = body;
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch (err) {
    // Not JSON (a proxy error page, say): keep the status text and say so in the console.
    console.warn('non-JSON error body', res.status, err);
  }
  return new ApiError(res.status, code, message, parsed);
}

export interface ApiClient {
  login(username: string, password: string): Promise<LoginResponse>;
  logout(): Promise<void>;
  me(): Promise<UserView>;
  incidents(f: IncidentFilters & { limit?: number; offset?: number }): Promise<IncidentPage>;
  incident(id: string): Promise<IncidentDetail>;
  ack(id: string): Promise<IncidentView>;
  close(id: string, body: CloseBody): Promise<IncidentView>;
  legalHold(id: string, hold: boolean): Promise<IncidentView>;
  exportCsv(f: IncidentFilters): Promise<Blob>;
  snapshot(id: string): Promise<Blob>;
  cameras(): Promise<CameraView[]>;
  rooms(): Promise<RoomView[]>;
  institutions(): Promise<InstitutionView[]>;
  regions(): Promise<RegionView[]>;
  stats(from: string, to: string): Promise<StatsResponse>;
  coverage(from: string, to: string, institutionId?: string): Promise<CoverageReport>;
  coverageCsv(from: string, to: string, lang: string): Promise<Blob>;
  raiseAlarm(body: AlarmBody): Promise<IncidentView>;
  saveRoom(body: RoomBody): Promise<RoomView>;
  updateCamera(id: string, body: CameraBody): Promise<CameraView>;
  registerEdge(body: EdgeBody): Promise<EdgeRegistered>;
  createUser(body: UserBody): Promise<UserCreated>;
  registerInstitution(body: InstitutionBody): Promise<InstitutionRegistered>;
  // Attendance (issue 25)
  children(): Promise<ChildView[]>;
  saveChild(body: ChildBody): Promise<ChildView>;
  importChildren(csv: string): Promise<{ imported: number }>;
  grantConsent(childId: string, guardianName: string): Promise<ConsentView>;
  withdrawConsent(childId: string): Promise<ConsentView>;
  edgeConfigs(): Promise<EdgeConfigState[]>;
  check(body: CheckBody): Promise<CheckResult[]>;
  attendanceEvents(date: string, pendingOnly: boolean): Promise<AttendanceEventView[]>;
  decide(id: string, accept: boolean): Promise<AttendanceEventView>;
  attendanceDays(from: string, to: string): Promise<AttendanceDayView[]>;
  report(month: string, institutionId?: string): Promise<SubsidyReport>;
  reportCsv(month: string, lang: string, institutionId?: string): Promise<Blob>;
  submitReport(month: string): Promise<SubsidyReport>;
  submissions(): Promise<SubmissionView[]>;
  approve(institutionId: string, month: string): Promise<SubsidyReport>;
  crossCheck(from: string, to: string): Promise<CrossCheckFlag[]>;
  places(month: string): Promise<PlaceStats[]>;
  // Guardian port (issue 26).
  guardianSignup(body: { code: string; username: string; displayName: string; password: string }): Promise<LoginResponse>;
  createInvite(childId: string, guardian: number): Promise<InviteCreated>;
  incidentChildren(id: string): Promise<{ childIds: string[] }>;
  postNotice(title: string, body: string): Promise<{ id: string }>;
  notices(): Promise<NoticeView[]>;
  myChildren(): Promise<GuardianChild[]>;
  childCalendar(childId: string, month: string): Promise<GuardianCalendar>;
  childIncidents(childId: string): Promise<GuardianIncident[]>;
  guardianNotices(): Promise<NoticeView[]>;
  childConsent(childId: string): Promise<GuardianConsentState>;
  setChildConsent(childId: string, grant: boolean): Promise<GuardianConsentState>;
  childExport(childId: string): Promise<Blob>;
}

/**
 * `getToken` is read on every call so a new login takes effect at once; `onUnauthorized`
 * lets the app drop back to the login screen when a session expires.
 */
export function createApi(getToken: () => string | null, onUnauthorized: () => void): ApiClient {
  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const token = getToken();
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
    if (res.status === 401 && !path.startsWith('/api/auth/login')) onUnauthorized();
    if (!res.ok) throw await errorOf(res);
    return res;
  }
  async function json<T>(path: string, init?: RequestInit, schema?: ZodType<T>): Promise<T> {
    const res = await request(path, init);
    const body: unknown = await res.json();
    return schema ? schema.parse(body) : (body as T);
  }
  const post = (body?: unknown): RequestInit => ({
    method: 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  return {
    login: (username, password) => json('/api/auth/login', post({ username, password }), LoginResponse),
    logout: async () => {
      await request('/api/auth/logout', { method: 'POST' });
    },
    me: () => json('/api/auth/me', undefined, UserView),
    incidents: (f) => json(`/api/incidents${queryString(f)}`, undefined, IncidentPage),
    incident: (id) => json(`/api/incidents/${encodeURIComponent(id)}`, undefined, IncidentDetail),
    ack: (id) => json(`/api/incidents/${encodeURIComponent(id)}/ack`, { method: 'POST' }, IncidentView),
    close: (id, body) => json(`/api/incidents/${encodeURIComponent(id)}/close`, post(body), IncidentView),
    legalHold: (id, hold) => json(`/api/incidents/${encodeURIComponent(id)}/legal-hold`, post({ hold }), IncidentView),
    exportCsv: async (f) => (await request(`/api/incidents/export.csv${queryString(f)}`)).blob(),
    snapshot: async (id) => (await request(`/api/incidents/${encodeURIComponent(id)}/snapshot`)).blob(),
    cameras: () => json('/api/cameras'),
    rooms: () => json('/api/rooms'),
    institutions: () => json('/api/institutions'),
    regions: () => json('/api/regions'),
    stats: (from, to) => json(`/api/stats${queryString({ from, to })}`),
    coverage: (from, to, institutionId) => json(`/api/coverage${queryString({ from, to, institutionId })}`),
    coverageCsv: async (from, to, lang) => (await request(`/api/coverage/export.csv${queryString({ from, to, lang })}`)).blob(),
    raiseAlarm: (body) => json('/api/alarms', post(body), IncidentView),
    saveRoom: (body) => json('/api/rooms', post(body), RoomViewSchema),
    updateCamera: (id, body) =>
      json(`/api/cameras/${encodeURIComponent(id)}`, { method: 'PUT', body: JSON.stringify(body) }, CameraViewSchema),
    registerEdge: (body) => json('/api/edges', post(body), EdgeRegistered),
    createUser: (body) => json('/api/users', post(body), UserCreated),
    registerInstitution: (body) => json('/api/institutions', post(body), InstitutionRegistered),
    children: () => json('/api/children'),
    saveChild: (body) => json('/api/children', post(body)),
    importChildren: (csv) => json('/api/children/import', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } }),
    grantConsent: (childId, guardianName) => json(`/api/children/${encodeURIComponent(childId)}/consent`, post({ scope: 'face', guardianName })),
    withdrawConsent: (childId) => json(`/api/children/${encodeURIComponent(childId)}/consent`, { method: 'DELETE' }),
    edgeConfigs: () => json('/api/edges/config'),
    check: (body) => json('/api/attendance/check', post(body)),
    attendanceEvents: (date, pendingOnly) => json(`/api/attendance/events${queryString({ date, pending: pendingOnly ? 'true' : undefined })}`),
    decide: (id, accept) => json(`/api/attendance/events/${encodeURIComponent(id)}/decide`, post({ accept })),
    attendanceDays: (from, to) => json(`/api/attendance/days${queryString({ from, to })}`),
    report: (month, institutionId) => json(`/api/attendance/report${queryString({ month, institutionId })}`),
    reportCsv: async (month, lang, institutionId) => (await request(`/api/attendance/report.csv${queryString({ month, lang, institutionId })}`)).blob(),
    submitReport: (month) => json('/api/attendance/report/submit', post({ month })),
    submissions: () => json('/api/attendance/submissions'),
    approve: (institutionId, month) => json(`/api/attendance/submissions/${encodeURIComponent(institutionId)}/${month}/approve`, { method: 'POST' }),
    crossCheck: (from, to) => json(`/api/attendance/cross-check${queryString({ from, to })}`),
    places: (month) => json(`/api/attendance/places${queryString({ month })}`),
    guardianSignup: (body) => json('/api/auth/guardian-signup', post(body), LoginResponse),
    createInvite: (childId, guardian) => json(`/api/children/${encodeURIComponent(childId)}/invites`, post({ guardian })),
    incidentChildren: (id) => json(`/api/incidents/${encodeURIComponent(id)}/children`),
    postNotice: (title, body) => json('/api/notices', post({ title, body })),
    notices: () => json('/api/notices'),
    myChildren: () => json('/api/guardian/children'),
    childCalendar: (childId, month) => json(`/api/guardian/children/${encodeURIComponent(childId)}/calendar${queryString({ month })}`),
    childIncidents: (childId) => json(`/api/guardian/children/${encodeURIComponent(childId)}/incidents`),
    guardianNotices: () => json('/api/guardian/notices'),
    childConsent: (childId) => json(`/api/guardian/children/${encodeURIComponent(childId)}/consent`),
    setChildConsent: (childId, grant) => json(`/api/guardian/children/${encodeURIComponent(childId)}/consent`, { method: grant ? 'POST' : 'DELETE' }),
    childExport: async (childId) => (await request(`/api/guardian/children/${encodeURIComponent(childId)}/export`)).blob(),
  };
}
