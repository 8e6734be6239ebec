/**
 * Access control over EVERY REST route, table-driven: without a session → 401, with a
 * role outside the route's list → 403, another tenant's incident → 404, the listed roles
 * → success. The table is checked against the routes the hub actually serves (its
 * OpenAPI document), so a new route without a row fails this suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../protocol/index.ts';
import { newInviteCode } from '../../hub/api/guardian-routes.ts';
import { sha256Hex } from '../../hub/auth/passwords.ts';
import { createTenant, incidentEvent, login, startTestHub, type Tenant, type TestHub } from './hub-helpers.ts';

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  url: (incidentId: string) => string;
  roles: Role[] | 'public';
  /** A value, or made from the caller's tenant (a regulator registers in its own district). */
  body?: unknown;
  /** The route addresses one incident: another tenant's id must answer 404. */
  incident?: boolean;
  /** The route addresses one child of the roster (the id given to `url`): another tenant's child must answer 404. */
  child?: boolean;
  /** Content type of a string body. */
  contentType?: string;
}

/** Tenant data the attendance rows need (filled in beforeAll). */
const att = { pending: [] as string[], month: '', approveUrl: '', codes: [] as string[] };
const CSV_ROSTER = 'id,name,birthMonth,classType,roomId,enrolledFrom,enrolledTo,guardianName,guardianRelation,guardianPhone\nkid-csv,导入,2025-01,,room-1,2026-01-01,,,,';

const ALL: Role[] = ['supervisor', 'institution_admin', 'regulator', 'guardian'];
/** Every role but guardians: the staff and regulator routes. */
const STAFF: Role[] = ['supervisor', 'institution_admin', 'regulator'];
const ROUTES: RouteCase[] = [
  { method: 'POST', path: '/api/auth/login', url: () => '/api/auth/login', roles: 'public' },
  { method: 'POST', path: '/api/auth/logout', url: () => '/api/auth/logout', roles: ALL },
  { method: 'GET', path: '/api/auth/me', url: () => '/api/auth/me', roles: ALL },
  { method: 'GET', path: '/api/health', url: () => '/api/health', roles: 'public' },
  { method: 'GET', path: '/api/incidents', url: () => '/api/incidents', roles: STAFF },
  { method: 'GET', path: '/api/incidents/export.csv', url: () => '/api/incidents/export.csv', roles: ['institution_admin', 'regulator'] },
  { method: 'GET', path: '/api/incidents/{id}', url: (id) => `/api/incidents/${id}`, roles: STAFF, incident: true },
  { method: 'POST', path: '/api/incidents/{id}/ack', url: (id) => `/api/incidents/${id}/ack`, roles: ['supervisor', 'institution_admin'], incident: true },
  { method: 'POST', path: '/api/incidents/{id}/close', url: (id) => `/api/incidents/${id}/close`, roles: ['institution_admin'], incident: true, body: { outcome: 'false_alarm', note: 'checked on camera' } },
  { method: 'POST', path: '/api/incidents/{id}/legal-hold', url: (id) => `/api/incidents/${id}/legal-hold`, roles: ['institution_admin'], incident: true, body: { hold: true } },
  { method: 'GET', path: '/api/incidents/{id}/snapshot', url: (id) => `/api/incidents/${id}/snapshot`, roles: ['supervisor', 'institution_admin'], incident: true },
  { method: 'GET', path: '/api/cameras', url: () => '/api/cameras', roles: STAFF },
  { method: 'GET', path: '/api/rooms', url: () => '/api/rooms', roles: STAFF },
  { method: 'GET', path: '/api/institutions', url: () => '/api/institutions', roles: STAFF },
  { method: 'GET', path: '/api/coverage', url: () => '/api/coverage?from=2026-01-01&to=2026-01-31', roles: ['regulator', 'institution_admin'] },
  { method: 'GET', path: '/api/stats', url: () => '/api/stats?from=2026-01-01&to=2026-01-31', roles: STAFF },
  { method: 'GET', path: '/api/audit', url: () => '/api/audit', roles: ['institution_admin', 'regulator'] },
  { method: 'POST', path: '/api/rooms', url: () => '/api/rooms', roles: ['institution_admin'], body: { id: 'room-2', name: '托大班', type: 'room', classType: 'toddler_large', capacity: 20 } },
  { method: 'PUT', path: '/api/cameras/{id}', url: () => '/api/cameras/cam-1', roles: ['institution_admin'], body: { name: 'Camera 1 east', roomId: 'room-1', expectedFps: 8 } },
  { method: 'POST', path: '/api/edges', url: () => '/api/edges', roles: ['institution_admin'], body: { id: 'edge-new-a' } },
  { method: 'POST', path: '/api/users', url: () => '/api/users', roles: ['institution_admin'], body: { username: 'new-supervisor-a', displayName: 'New supervisor', role: 'supervisor' } },
  { method: 'POST', path: '/api/institutions', url: () => '/api/institutions', roles: ['regulator'], body: (t: Tenant) => ({ id: `${t.institutionId}-2`, name: 'Second site', level: 'level3', townId: t.townId, districtId: t.districtId }) },
  { method: 'GET', path: '/api/regions', url: () => '/api/regions', roles: STAFF },
  { method: 'GET', path: '/api/coverage/export.csv', url: () => '/api/coverage/export.csv?from=2026-01-01&to=2026-01-31', roles: ['regulator', 'institution_admin'] },
  { method: 'POST', path: '/api/alarms', url: () => '/api/alarms', roles: ['supervisor', 'institution_admin'], body: { roomId: null, note: '' } },
  // Attendance (issue 25). Child routes get the caller's child, or another tenant's.
  { method: 'GET', path: '/api/children', url: () => '/api/children', roles: ['supervisor', 'institution_admin'] },
  { method: 'POST', path: '/api/children', url: () => '/api/children', roles: ['institution_admin'], body: { id: 'kid-new', name: '新生', birthMonth: '2025-05', roomId: 'room-1', enrolledFrom: '2026-01-01' } },
  { method: 'DELETE', path: '/api/children/{id}', url: (id) => `/api/children/${id}`, roles: ['institution_admin'], child: true },
  { method: 'POST', path: '/api/children/import', url: () => '/api/children/import', roles: ['institution_admin'], body: CSV_ROSTER, contentType: 'text/csv' },
  { method: 'GET', path: '/api/children/{id}/consents', url: (id) => `/api/children/${id}/consents`, roles: ['institution_admin'] },
  { method: 'POST', path: '/api/children/{id}/consent', url: (id) => `/api/children/${id}/consent`, roles: ['institution_admin'], child: true, body: { scope: 'face', guardianName: '妈妈' } },
  { method: 'DELETE', path: '/api/children/{id}/consent', url: (id) => `/api/children/${id}/consent`, roles: ['institution_admin'], child: true },
  { method: 'PUT', path: '/api/places', url: () => '/api/places', roles: ['institution_admin'], body: { places: { infant: 10 } } },
  { method: 'GET', path: '/api/edges/config', url: () => '/api/edges/config', roles: ['institution_admin'] },
  { method: 'POST', path: '/api/edges/config/push', url: () => '/api/edges/config/push', roles: ['institution_admin'] },
  { method: 'POST', path: '/api/attendance/check', url: () => '/api/attendance/check', roles: ['supervisor', 'institution_admin'], body: { childIds: ['kid-1'], direction: 'in' } },
  { method: 'POST', path: '/api/attendance/scan', url: () => '/api/attendance/scan', roles: ['supervisor', 'institution_admin'], body: { childId: 'kid-1', direction: 'in', source: 'qr' } },
  { method: 'GET', path: '/api/attendance/events', url: () => '/api/attendance/events', roles: ['supervisor', 'institution_admin'] },
  { method: 'POST', path: '/api/attendance/events/{id}/decide', url: () => `/api/attendance/events/${att.pending.shift() ?? '00000000-0000-4000-8000-000000000000'}/decide`, roles: ['supervisor', 'institution_admin'], body: { accept: true } },
  { method: 'GET', path: '/api/attendance/days', url: () => '/api/attendance/days?from=2026-01-01&to=2026-01-31', roles: ['supervisor', 'institution_admin'] },
  { method: 'GET', path: '/api/attendance/report', url: () => `/api/attendance/report?month=2026-01`, roles: ['institution_admin', 'regulator'] },
  { method: 'GET', path: '/api/attendance/report.csv', url: () => `/api/attendance/report.csv?month=2026-01`, roles: ['institution_admin', 'regulator'] },
  { method: 'POST', path: '/api/attendance/report/submit', url: () => '/api/attendance/report/submit', roles: ['institution_admin'], body: { month: '2026-02' } },
  { method: 'GET', path: '/api/attendance/submissions', url: () => '/api/attendance/submissions', roles: ['institution_admin', 'regulator'] },
  { method: 'POST', path: '/api/attendance/submissions/{institutionId}/{month}/approve', url: () => att.approveUrl, roles: ['regulator'] },
  { method: 'GET', path: '/api/attendance/cross-check', url: () => '/api/attendance/cross-check?from=2026-01-01&to=2026-01-31', roles: ['institution_admin', 'regulator'] },
  { method: 'GET', path: '/api/attendance/places', url: () => '/api/attendance/places', roles: ['institution_admin', 'regulator'] },
  // Guardian port (issue 26). Guardian child routes get the guardian's own child, or another tenant's.
  { method: 'POST', path: '/api/auth/guardian-signup', url: () => '/api/auth/guardian-signup', roles: 'public' },
  { method: 'POST', path: '/api/children/{id}/invites', url: (id) => `/api/children/${id}/invites`, roles: ['institution_admin'], child: true, body: { guardian: 0 } },
  { method: 'PUT', path: '/api/incidents/{id}/children', url: (id) => `/api/incidents/${id}/children`, roles: ['institution_admin'], incident: true, body: { childIds: [] } },
  { method: 'GET', path: '/api/incidents/{id}/children', url: (id) => `/api/incidents/${id}/children`, roles: ['supervisor', 'institution_admin'], incident: true },
  { method: 'POST', path: '/api/notices', url: () => '/api/notices', roles: ['institution_admin'], body: { title: '停水通知', body: '周五停水' } },
  { method: 'GET', path: '/api/notices', url: () => '/api/notices', roles: ['institution_admin'] },
  { method: 'POST', path: '/api/guardian/invites', url: () => '/api/guardian/invites', roles: ['guardian'], body: () => ({ code: att.codes.shift() ?? 'AAAA-BBBB-CCCC-DDDD' }) },
  { method: 'GET', path: '/api/guardian/children', url: () => '/api/guardian/children', roles: ['guardian'] },
  { method: 'GET', path: '/api/guardian/children/{id}/calendar', url: (id) => `/api/guardian/children/${id}/calendar?month=2026-01`, roles: ['guardian'], child: true },
  { method: 'GET', path: '/api/guardian/children/{id}/incidents', url: (id) => `/api/guardian/children/${id}/incidents`, roles: ['guardian'], child: true },
  { method: 'GET', path: '/api/guardian/notices', url: () => '/api/guardian/notices', roles: ['guardian'] },
  { method: 'GET', path: '/api/guardian/children/{id}/consent', url: (id) => `/api/guardian/children/${id}/consent`, roles: ['guardian'], child: true },
  { method: 'POST', path: '/api/guardian/children/{id}/consent', url: (id) => `/api/guardian/children/${id}/consent`, roles: ['guardian'], child: true },
  { method: 'DELETE', path: '/api/guardian/children/{id}/consent', url: (id) => `/api/guardian/children/${id}/consent`, roles: ['guardian'], child: true },
  { method: 'GET', path: '/api/guardian/children/{id}/export', url: (id) => `/api/guardian/children/${id}/export`, roles: ['guardian'], child: true },
];

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(32, 7), Buffer.from([0xff, 0xd9])]);

describe('REST access control, every route', () => {
  let th: TestHub;
  let a: Tenant;
  let b: Tenant;
  let incA: string;
  let incB: string;
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    th = await startTestHub({ listen: false, loginRateLimit: { max: 1000, windowMs: 60_000 } });
    a = await createTenant(th.store, 'a');
    b = await createTenant(th.store, 'b');
    for (const [t, set] of [[a, (id: string) => (incA = id)], [b, (id: string) => (incB = id)]] as const) {
      const ev = incidentEvent(t);
      await th.store.applyIncidentEvent(ev);
      await th.store.putSnapshot(t, ev.id, JPEG);
      set(ev.id);
    }
    for (const role of ALL) tokens[role] = await login(th, a.users[role]);
    // Attendance: a child per tenant (A's with consent in force), one to delete, face
    // proposals waiting, a submitted report to approve.
    const NOW = new Date().toISOString();
    for (const t of [a, b]) {
      const kid = t === a ? 'kid-1' : 'kid-b';
      await th.store.attendance.saveChild({ kind: 'all' }, { institutionId: t.institutionId, id: kid, name: `孩子 ${kid}`, birthMonth: '2025-01', classType: 'toddler_small', roomId: 'room-1', enrolledFrom: '2026-01-01', enrolledTo: null, guardians: [] }, NOW);
      await th.store.attendance.grantConsent({ kind: 'all' }, t.institutionId, kid, { guardianName: '妈妈', grantedAt: NOW, by: 'seed' });
    }
    // A's guardian account is linked to kid-1 (B's kid-b has a guardian of B), and holds spare invites.
    for (const t of [a, b]) {
      const kid = t === a ? 'kid-1' : 'kid-b';
      const child = (await th.store.attendance.getChild({ kind: 'all' }, t.institutionId, kid))!;
      await th.store.attendance.saveChild({ kind: 'all' }, { ...child, enrolledTo: null, guardians: [{ name: '妈妈', relation: 'mother' }] }, NOW);
      const g = (await th.store.getUserByUsername(t.users.guardian.username))!;
      const hash = `seed-${t.institutionId}`;
      await th.store.guardian.createInvite(hash, { institutionId: t.institutionId, childId: kid, guardianN: 0, createdBy: 'seed', createdAt: NOW, expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
      expect((await th.store.guardian.redeemInviteFor(hash, g.id, t.institutionId, NOW)).outcome).toBe('created');
    }
    // Each call of the redeem row takes the next code (401 and 403 calls included).
    for (let i = 0; i < 8; i++) {
      const code = newInviteCode();
      await th.store.guardian.createInvite(sha256Hex(`invite:${code}`), { institutionId: a.institutionId, childId: 'kid-1', guardianN: 0, createdBy: 'seed', createdAt: NOW, expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
      att.codes.push(code);
    }
    await th.store.attendance.saveChild({ kind: 'all' }, { institutionId: a.institutionId, id: 'kid-del', name: 'x', birthMonth: '2025-01', classType: 'toddler_small', roomId: null, enrolledFrom: '2026-01-01', enrolledTo: null, guardians: [] }, NOW);
    // Each call of the decide row takes the next one (401, 403 and success calls included).
    for (let i = 0; i < 8; i++) {
      const res = await th.store.attendance.recordEvent({ institutionId: a.institutionId, childId: 'kid-1', edgeId: a.edgeId, eventId: `p${i}`, direction: 'in', at: NOW, source: 'face', confidence: 0.5, needsConfirm: true, recordedBy: null, receivedAt: NOW });
      att.pending.push(res.event!.id);
    }
    const report = { institutionId: a.institutionId, month: '2025-12', timeZone: 'Asia/Shanghai', rules: { fullDayHours: 8, halfDayHours: 4, fullMonthDays: 15, rates: {} }, rows: [], totals: { children: 0, fullDays: 0, halfDays: 0, countedDays: 0, fullMonths: 0, amount: 0 }, status: 'submitted' as const, submittedBy: 'x', submittedAt: NOW, approvedBy: null, approvedAt: null };
    await th.store.attendance.submitReport({ kind: 'all' }, report);
    att.approveUrl = `/api/attendance/submissions/${a.institutionId}/2025-12/approve`;
  });
  afterAll(async () => th?.close());

  const call = (r: RouteCase, id: string, token?: string, role?: Role) => {
    // Child routes address a child: tenant A's own, or (for the incident of B) tenant B's.
    const target = r.child ? (id === incB ? 'kid-b' : r.method === 'DELETE' && r.path === '/api/children/{id}' ? 'kid-del' : 'kid-1') : id;
    let url = r.url(target);
    // A regulator names the institution whose report it reads.
    if (role === 'regulator' && url.startsWith('/api/attendance/report')) url += `&institutionId=${a.institutionId}`;
    return th.hub.app.inject({
      method: r.method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(r.contentType ? { 'content-type': r.contentType } : {}) },
      ...(r.body !== undefined ? { payload: (typeof r.body === 'function' ? r.body(a) : r.body) as object } : {}),
    });
  };
  const as = (role: Role, method: 'POST' | 'PUT', url: string, payload: object) =>
    th.hub.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[role]}` }, payload });

  it('raises an alarm only in the caller\'s own institution, audited, and refuses a room of another', async () => {
    const res = await as('supervisor', 'POST', '/api/alarms', { roomId: null, note: '幼儿误吞异物' });
    expect(res.statusCode).toBe(200);
    const alarm = res.json() as { id: string; institutionId: string; kind: string; severity: string; raisedBy: string; status: string };
    expect(alarm).toMatchObject({ institutionId: a.institutionId, kind: 'alarm', severity: 'critical', status: 'new', raisedBy: a.users.supervisor.username });
    const bad = await as('supervisor', 'POST', '/api/alarms', { roomId: 'no-such-room', note: '' });
    expect(bad.statusCode).toBe(400);
    const extra = await as('supervisor', 'POST', '/api/alarms', { roomId: null, note: '', institutionId: b.institutionId });
    expect(extra.statusCode).toBe(400);
    const audit = await th.store.listAudit({ kind: 'institution', institutionId: a.institutionId }, 50);
    expect(audit.some((e) => e.action === 'incident.alarm' && e.target === `incident:${alarm.id}`)).toBe(true);
    expect(await th.store.getIncident({ kind: 'institution', institutionId: b.institutionId }, alarm.id)).toBeNull();
  });

  it('the table lists exactly the /api routes the hub serves', async () => {
    const doc = (await th.hub.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/'))
      .flatMap(([p, ops]) => Object.keys(ops).filter((m) => m !== 'parameters').map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(served).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("the table's roles are the ones each route declares (hub/SECURITY.md is made from those)", () => {
    const declared = new Map(th.hub.routes.map((d) => [`${d.method} ${d.url.replace(/:(\w+)/g, '{$1}')}`, d.roles]));
    for (const r of ROUTES) expect(declared.get(`${r.method} ${r.path}`), `${r.method} ${r.path}`).toEqual(r.roles);
  });

  describe.each(ROUTES.filter((r) => r.roles !== 'public'))('$method $path', (r) => {
    it('401 without a session, and with a bogus token', async () => {
      const res = await call(r, incA);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
      expect((await call(r, incA, 'x'.repeat(43))).statusCode).toBe(401);
    });

    it('403 for roles outside the route', async () => {
      const denied = ALL.filter((role) => !(r.roles as Role[]).includes(role));
      for (const role of denied) {
        const res = await call(r, incA, tokens[role]);
        expect(res.statusCode, role).toBe(403);
        expect(res.json().error.code).toBe('FORBIDDEN');
      }
    });

    if (r.child) {
      it("404 for another tenant's child", async () => {
        for (const role of r.roles as Role[]) {
          const res = await call(r, incB, tokens[role], role);
          expect(res.statusCode, role).toBe(404);
        }
      });
    }

    if (r.incident) {
      it("404 for another tenant's incident", async () => {
        for (const role of r.roles as Role[]) {
          const res = await call(r, incB, tokens[role]);
          expect(res.statusCode, role).toBe(404);
          expect(res.json().error.code).toBe('NOT_FOUND');
        }
      });
    }

    it('succeeds for the listed roles in their own tenant', async () => {
      for (const role of r.roles as Role[]) {
        // Logging out ends the session, so it gets a session of its own.
        const token = r.path === '/api/auth/logout' ? await login(th, a.users[role]) : tokens[role];
        const res = await call(r, incA, token, role);
        // Coverage answers 503 only on a hub built without the coverage module.
        const ok = res.statusCode < 300 || (r.path === '/api/coverage' && res.statusCode === 503 && th.hub.app.coverage === null);
        expect(ok, `${role}: ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(true);
      }
    });
  });

  describe('onboarding stays inside the tenant', () => {
    it("cannot map another tenant's camera or take over its edge id", async () => {
      await th.store.recordEdgeStatus({
        schema: 1, institutionId: b.institutionId, edgeId: b.edgeId, state: 'online', version: '0.1.0', at: new Date().toISOString(), uptimeS: 1,
        cameras: [{ id: 'cam-only-b', state: 'online', expectedFps: 5, deliveredFps: 5, analysedFps: 5, reconnectsLastHour: 0, stallsLastHour: 0, lastFrameAt: null }],
      });
      const cam = await as('institution_admin', 'PUT', '/api/cameras/cam-only-b', { name: 'mine now', roomId: null, expectedFps: 5 });
      expect(cam.statusCode).toBe(404);
      expect((await th.store.listCameras({ kind: 'institution', institutionId: b.institutionId })).find((c) => c.id === 'cam-only-b')?.name).toBe('cam-only-b');
      // B's edge id names a new edge in A's own namespace; B's edge is untouched.
      const edge = await as('institution_admin', 'POST', '/api/edges', { id: b.edgeId });
      expect(edge.statusCode).toBe(200);
      expect(edge.json()).toMatchObject({ id: `${a.institutionId}.${b.edgeId}`, rotated: false });
      expect((await th.store.getEdge(b.edgeId))?.institutionId).toBe(b.institutionId);
    });

    it('rejects a room body naming another institution, and a room that is not its own', async () => {
      const room = await as('institution_admin', 'POST', '/api/rooms', { id: 'room-x', name: 'x', type: 'room', institutionId: b.institutionId });
      expect(room.statusCode).toBe(400);
      await th.store.upsertRoom({ id: 'room-only-b', institutionId: b.institutionId, name: 'b', type: 'room', classType: null, capacity: null, polygon: null });
      const cam = await as('institution_admin', 'PUT', '/api/cameras/cam-1', { name: 'Camera 1', roomId: 'room-only-b', expectedFps: 5 });
      expect(cam.statusCode).toBe(400);
    });

    it('admins create only supervisors and admins, of their own institution; login names are unique within it', async () => {
      expect((await as('institution_admin', 'POST', '/api/users', { username: 'reg-x', displayName: 'x', role: 'regulator' })).statusCode).toBe(400);
      expect((await as('institution_admin', 'POST', '/api/users', { username: 'sup-x', displayName: 'x', role: 'supervisor', institutionId: b.institutionId })).statusCode).toBe(400);
      expect((await as('institution_admin', 'POST', '/api/users', { username: 'sup-short', displayName: 'x', role: 'supervisor', password: 'short' })).statusCode).toBe(400);
      // B's user name makes a user of A's namespace (no 409 that would say B has it)…
      const mine = await as('institution_admin', 'POST', '/api/users', { username: b.users.supervisor.username, displayName: 'x', role: 'supervisor' });
      expect(mine.json()).toMatchObject({ user: { username: `${b.users.supervisor.username}@${a.institutionId}`, institutionId: a.institutionId } });
      // …and only A's own names answer 409.
      const dup = await as('institution_admin', 'POST', '/api/users', { username: b.users.supervisor.username, displayName: 'x', role: 'supervisor' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.code).toBe('CONFLICT');
      expect((await as('institution_admin', 'POST', '/api/users', { username: 'x@other-inst', displayName: 'x', role: 'supervisor' })).statusCode).toBe(400);
    });

    it('a regulator registers institutions of its region only', async () => {
      const outside = { id: 'inst-far', name: 'Far', level: 'level1', townId: b.townId, districtId: b.districtId };
      const res = await as('regulator', 'POST', '/api/institutions', outside);
      expect(res.statusCode).toBe(403);
      const hijack = await as('regulator', 'POST', '/api/institutions', { id: b.institutionId, name: 'mine', level: 'level1', townId: a.townId, districtId: a.districtId });
      expect(hijack.statusCode).toBe(403);
      expect((await th.store.listInstitutions({ kind: 'all' })).find((i) => i.id === b.institutionId)?.districtId).toBe(b.districtId);
      expect((await th.store.listInstitutions({ kind: 'all' })).some((i) => i.id === 'inst-far')).toBe(false);
    });
  });

  it('public routes answer without a session', async () => {
    expect((await th.hub.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const bad = await th.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: a.users.supervisor.username, password: 'nope' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('BAD_CREDENTIALS');
  });

  it('accepts the session cookie set by login, and logout ends it', async () => {
    const res = await th.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: a.users.supervisor });
    const cookie = res.cookies.find((c) => c.name === 'anyu_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    const me = await th.hub.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { anyu_session: cookie!.value } });
    expect(me.json()).toMatchObject({ username: a.users.supervisor.username, role: 'supervisor' });
    await th.hub.app.inject({ method: 'POST', url: '/api/auth/logout', cookies: { anyu_session: cookie!.value } });
    expect((await th.hub.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { anyu_session: cookie!.value } })).statusCode).toBe(401);
  });

  it('scopes lists: B sees none of A, the regulator of A sees A only', async () => {
    const tokenB = await login(th, b.users.institution_admin);
    const listB = (await th.hub.app.inject({ method: 'GET', url: '/api/incidents', headers: { authorization: `Bearer ${tokenB}` } })).json();
    // Alarms the route table raised in A are A's too; the edge incidents tell the scopes apart.
    const edgeIds = (list: { items: { id: string; kind: string }[] }) => list.items.filter((i) => i.kind !== 'alarm').map((i) => i.id);
    expect(edgeIds(listB)).toEqual([incB]);
    const listReg = (await th.hub.app.inject({ method: 'GET', url: '/api/incidents', headers: { authorization: `Bearer ${tokens.regulator}` } })).json();
    expect(edgeIds(listReg)).toEqual([incA]);
    expect(listB.items.some((i: { kind: string }) => i.kind === 'alarm')).toBe(false);
  });

  it('audits actions, snapshot views and exports', async () => {
    const res = await th.hub.app.inject({ method: 'GET', url: '/api/audit?limit=200', headers: { authorization: `Bearer ${tokens.institution_admin}` } });
    const actions = new Set((res.json() as Array<{ action: string }>).map((e) => e.action));
    for (const action of ['incident.ack', 'incident.close', 'incident.legal_hold', 'snapshot.view', 'incident.export', 'room.save', 'camera.update', 'edge.register', 'user.create']) {
      expect(actions.has(action), action).toBe(true);
    }
  });

  it('exports CSV as UTF-8 with a BOM', async () => {
    const res = await th.hub.app.inject({ method: 'GET', url: '/api/incidents/export.csv?kind=fall', headers: { authorization: `Bearer ${tokens.institution_admin}` } });
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toMatch(/^id,institutionId,edgeId/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(incA);
  });

  it('rate limits login attempts', async () => {
    const strict = await startTestHub({ listen: false, loginRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await strict.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong' } });
        codes.push(res.statusCode);
      }
      expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
      expect(codes.slice(3)).toEqual([429, 429]);
    } finally {
      await strict.close();
    }
  });
});
