/**
 * Attacker suite, web side: what issue 23 found open, each refused now.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { createTenant, incidentEvent, login, rid, startTestHub, type Tenant, type TestHub } from '../hub/hub-helpers.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('web boundaries', () => {
  let th: TestHub;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    th = await startTestHub({ loginRateLimit: { max: 1000, windowMs: 60_000 }, accountLoginLimit: { max: 5, windowMs: 60_000 } });
    a = await createTenant(th.store, 'a');
    b = await createTenant(th.store, 'b');
  });
  afterAll(async () => th?.close());

  describe('regions', () => {
    it('a town regulator cannot move an institution of its town into another district', async () => {
      const town = rid('town-reg');
      await th.store.createUser({ username: town, displayName: 'town', role: 'regulator', institutionId: null, regionId: a.townId, passwordHash: await hashOf('town-password-1') });
      const token = await login(th, { username: town, password: 'town-password-1' });
      const moved = await th.hub.app.inject({
        method: 'POST',
        url: '/api/institutions',
        headers: bearer(token),
        payload: { id: a.institutionId, name: 'moved', level: 'level2', townId: a.townId, districtId: b.districtId },
      });
      expect(moved.statusCode).toBe(403);
      const stored = (await th.store.listInstitutions({ kind: 'all' })).find((i) => i.id === a.institutionId);
      expect(stored?.districtId).toBe(a.districtId);
      // Nor file a new institution of its town under another district.
      const filed = await th.hub.app.inject({
        method: 'POST',
        url: '/api/institutions',
        headers: bearer(token),
        payload: { id: rid('inst-new'), name: 'new', level: 'level3', townId: a.townId, districtId: b.districtId },
      });
      expect(filed.statusCode).toBe(403);
      // District B's regulator sees neither.
      const bReg = await login(th, b.users.regulator);
      const seen = (await th.hub.app.inject({ method: 'GET', url: '/api/institutions', headers: bearer(bReg) })).json() as { id: string }[];
      expect(seen.map((i) => i.id)).toEqual([b.institutionId]);
    });
  });

  describe('cross-origin requests', () => {
    let incId: string;
    let cookie: string;
    beforeAll(async () => {
      const ev = incidentEvent(a);
      await th.store.applyIncidentEvent(ev);
      incId = ev.id;
      const res = await th.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: a.users.supervisor, headers: { host: 'hub.example' } });
      cookie = `anyu_session=${res.cookies.find((c) => c.name === 'anyu_session')!.value}`;
    });

    it('refuses a state change with the session cookie from another origin, a sibling subdomain included', async () => {
      for (const origin of ['https://evil.example', 'https://other.hub.example', 'null']) {
        const res = await th.hub.app.inject({ method: 'POST', url: `/api/incidents/${incId}/ack`, headers: { cookie, host: 'hub.example', origin } });
        expect(res.statusCode, origin).toBe(403);
      }
      const noOrigin = await th.hub.app.inject({ method: 'POST', url: `/api/incidents/${incId}/ack`, headers: { cookie, host: 'hub.example', 'sec-fetch-site': 'same-site' } });
      expect(noOrigin.statusCode).toBe(403);
      expect((await th.store.getIncident({ kind: 'all' }, incId))?.status).toBe('new');
    });

    it('refuses a one-button alarm raised from another origin (a page cannot ring every wall of the institution)', async () => {
      const alarms = async () => (await th.store.listIncidents({ kind: 'all' }, { kinds: ['alarm'], limit: 50, offset: 0 })).total;
      const before = await alarms();
      const res = await th.hub.app.inject({ method: 'POST', url: '/api/alarms', headers: { cookie, host: 'hub.example', origin: 'https://evil.example' }, payload: { roomId: null, note: '' } });
      expect(res.statusCode).toBe(403);
      expect(await alarms()).toBe(before);
      const same = await th.hub.app.inject({ method: 'POST', url: '/api/alarms', headers: { cookie, host: 'hub.example', origin: 'http://hub.example' }, payload: { roomId: null, note: '' } });
      expect(same.statusCode).toBe(200);
      expect(await alarms()).toBe(before + 1);
    });

    it('accepts the same origin, and a client without Origin (scripts, Bearer)', async () => {
      const same = await th.hub.app.inject({ method: 'POST', url: `/api/incidents/${incId}/ack`, headers: { cookie, host: 'hub.example', origin: 'http://hub.example' } });
      expect(same.statusCode).toBe(200);
      const script = await th.hub.app.inject({ method: 'POST', url: `/api/incidents/${incId}/ack`, headers: bearer(await login(th, a.users.supervisor)) });
      expect(script.statusCode).toBe(200);
    });

    it('refuses a Socket.IO connection from another origin (no acks can be sent through it)', async () => {
      const token = await login(th, a.users.supervisor);
      const attempt = (origin: string) =>
        new Promise<string>((resolve) => {
          const s = ioClient(th.url, { auth: { token }, transports: ['websocket'], reconnection: false, extraHeaders: { origin } });
          s.once('connect', () => {
            s.disconnect();
            resolve('connected');
          });
          s.once('connect_error', (err) => resolve(`refused: ${err.message}`));
        });
      expect(await attempt('https://evil.example')).toMatch(/^refused/);
      expect(await attempt(new URL(th.url).origin)).toBe('connected');
    });
  });

  describe('behind a TLS proxy', () => {
    it('trustProxy: cookies are Secure on X-Forwarded-Proto https, and the login limit counts each client', async () => {
      const proxied = await startTestHub({ listen: false, trustProxy: true, loginRateLimit: { max: 3, windowMs: 60_000 } });
      const t = await createTenant(proxied.store, 'p');
      try {
        const res = await proxied.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: t.users.supervisor, headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.1' } });
        expect(res.statusCode).toBe(200);
        expect(res.headers['set-cookie']).toMatch(/;\s*Secure/i);
        const from = (ip: string) => proxied.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'x' }, headers: { 'x-forwarded-for': ip } });
        for (let i = 0; i < 3; i++) await from('203.0.113.2');
        expect((await from('203.0.113.2')).statusCode).toBe(429);
        expect((await from('203.0.113.3')).statusCode).toBe(401);
      } finally {
        await proxied.close();
      }
    });

    it('without trustProxy the forwarded headers are ignored (no Secure over plain HTTP)', async () => {
      const res = await th.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: a.users.institution_admin, headers: { 'x-forwarded-proto': 'https' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['set-cookie']).not.toMatch(/;\s*Secure/i);
    });
  });

  describe('per-account lockout', () => {
    it('locks an account after 5 failed sign-ins, whatever the address, even for the right password, and audits it', async () => {
      const target = b.users.supervisor;
      for (let i = 0; i < 5; i++) {
        const res = await th.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: target.username, password: `guess-${i}` } });
        expect(res.statusCode).toBe(401);
      }
      const right = await th.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: target });
      expect(right.statusCode).toBe(429);
      expect(right.headers['retry-after']).toBeDefined();
      // Other accounts are not affected.
      expect((await th.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: b.users.institution_admin })).statusCode).toBe(200);
      const audit = await th.store.listAudit({ kind: 'institution', institutionId: b.institutionId }, 50);
      expect(audit.some((e) => e.action === 'auth.lockout')).toBe(true);
    });

    it('locks an unknown username the same way (the answers do not tell which accounts exist)', async () => {
      const ghost = rid('ghost');
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await th.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ghost, password: 'x' } })).statusCode);
      expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    });
  });

  describe("other tenants' names", () => {
    it("answers a name another tenant holds exactly like a free one: POST /users and /edges reveal nothing", async () => {
      const token = await login(th, a.users.institution_admin);
      const post = (url: string, payload: object) => th.hub.app.inject({ method: 'POST', url, headers: bearer(token), payload });
      // B's supervisor and edge exist; a free name does not. Both are made in A's namespace.
      const free = rid('free');
      for (const [taken, none] of [[b.users.supervisor.username, free], [b.edgeId, `${free}-e`]] as const) {
        const url = taken === b.edgeId ? '/api/edges' : '/api/users';
        const body = (name: string) => (url === '/api/edges' ? { id: name } : { username: name, displayName: 'x', role: 'supervisor' });
        const [r1, r2] = [await post(url, body(taken)), await post(url, body(none))];
        expect([r1.statusCode, r2.statusCode], url).toEqual([200, 200]);
      }
      const made = await post('/api/users', { username: b.users.supervisor.username, displayName: 'y', role: 'supervisor' });
      // The second time the name is A's own, and only then 409.
      expect(made.statusCode).toBe(409);
      expect((await th.store.getUserByUsername(b.users.supervisor.username))?.institutionId).toBe(b.institutionId);
      expect((await th.store.getEdge(b.edgeId))?.institutionId).toBe(b.institutionId);
    });
  });

  describe('headers, exports, files', () => {
    it('sends a CSP with frame-ancestors none, X-Frame-Options DENY and nosniff', async () => {
      for (const url of ['/', '/api/health']) {
        const res = await th.hub.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
        const csp = String(res.headers['content-security-policy']);
        expect(csp, url).toContain("frame-ancestors 'none'");
        expect(csp).toContain("script-src 'self'");
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
      const page = await th.hub.app.inject({ method: 'GET', url: '/' });
      const nonce = /script-src[^;]*'nonce-([^']+)'/.exec(String(page.headers['content-security-policy']))?.[1];
      expect(nonce).toBeDefined();
      expect(page.body).toContain(`<script nonce="${nonce}">`);
    });

    it('escapes spreadsheet formulas in the CSV export', async () => {
      const ev = incidentEvent(a, { message: '=HYPERLINK("http://evil.example","open me")' });
      await th.store.applyIncidentEvent(ev);
      await th.store.close({ kind: 'all' }, ev.id, 'admin', new Date().toISOString(), 'other', "+cmd|' /C calc'!A0");
      const token = await login(th, a.users.institution_admin);
      const csv = (await th.hub.app.inject({ method: 'GET', url: '/api/incidents/export.csv', headers: bearer(token) })).body;
      const line = csv.split('\n').find((l) => l.startsWith(ev.id))!;
      expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""open me"")"`);
      expect(line).toContain("'+cmd|");
      expect(line).not.toMatch(/,"?[=+@-][A-Za-z]/);
    });

    it('escapes spreadsheet formulas in the coverage CSV: institution and town names a regulator typed', async () => {
      const id = rid('inst-formula');
      await th.store.upsertInstitution({ id, name: '=HYPERLINK("http://evil.example","open me")', level: 'level2', townId: a.townId, districtId: a.districtId, registered: true });
      await th.store.upsertRegion({ id: a.townId, kind: 'town', name: '@SUM(1+1)', nameEn: '-2+3', parentId: a.districtId, demo: false });
      const token = await login(th, a.users.regulator);
      for (const [lang, town] of [['zh-CN', "'@SUM(1+1)"], ['en', "'-2+3"]] as const) {
        const res = await th.hub.app.inject({ method: 'GET', url: `/api/coverage/export.csv?from=2026-01-01&to=2026-01-07&lang=${lang}`, headers: bearer(token) });
        expect(res.statusCode).toBe(200);
        const line = res.body.split('\n').find((l) => l.startsWith(id))!;
        expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""open me"")"`);
        expect(line).toContain(town);
        expect(line).not.toMatch(/,"?[=+@-][A-Za-z0-9(]/);
      }
    });

    it('creates the SQLite database (and its WAL) readable by the hub user only', async () => {
      const own = await startTestHub({ listen: false, makeStore: undefined });
      try {
        const t = await createTenant(own.store, 'perm');
        await own.store.applyIncidentEvent(incidentEvent(t));
        for (const f of ['anyu.db', 'anyu.db-wal', 'anyu.db-shm']) {
          expect((statSync(join(own.dataDir, f)).mode & 0o777).toString(8), f).toBe('600');
        }
      } finally {
        await own.close();
      }
    });

    it('never serves source maps', async () => {
      const dist = join(th.dataDir, 'dist');
      mkdirSync(dist, { recursive: true });
      writeFileSync(join(dist, 'index.html'), '<!doctype html><script type="module" src="/app.js"></script>');
      writeFileSync(join(dist, 'app.js'), 'console.log(1)\n//# sourceMappingURL=app.js.map');
      writeFileSync(join(dist, 'app.js.map'), '{"version":3,"sources":["secret.ts"]}');
      const web = await startTestHub({ listen: false, dashboardDir: dist });
      try {
        expect((await web.hub.app.inject({ method: 'GET', url: '/app.js' })).statusCode).toBe(200);
        const map = await web.hub.app.inject({ method: 'GET', url: '/app.js.map' });
        expect(map.statusCode).toBe(404);
        expect(map.body).not.toContain('secret.ts');
      } finally {
        await web.close();
      }
    });

    it('audits a signed-in person trying a route their role may not use', async () => {
      const token = await login(th, a.users.supervisor);
      const res = await th.hub.app.inject({ method: 'POST', url: '/api/rooms', headers: bearer(token), payload: { id: 'room-x', name: 'x', type: 'room' } });
      expect(res.statusCode).toBe(403);
      const audit = await th.store.listAudit({ kind: 'institution', institutionId: a.institutionId }, 50);
      expect(audit.find((e) => e.action === 'access.denied')).toMatchObject({ actor: a.users.supervisor.username, target: 'route:POST /api/rooms' });
    });
  });
});

async function hashOf(password: string): Promise<string> {
  const { hashPassword } = await import('../../hub/auth/passwords.ts');
  return hashPassword(password);
}
