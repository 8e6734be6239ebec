/**
 * Attacker suite for the guardian port (issue 26): invites are single use, expire and
 * cannot be guessed; a guardian reaches their own child only, by REST and over Socket.IO;
 * consent withdrawal reaches the edge through the config channel and the page shows the
 * edge's deletion; notifications go to that child's guardians only, and to a webhook (a
 * real local HTTP server). The route × role table is in tests/hub/api-auth.test.ts.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { EdgeConfig, SCHEMA_VERSION, topics, type EdgeConfigAck, type GuardianPush } from '../../protocol/index.ts';
import { connectEdge, connectLive, createTenant, login, startTestHub, waitFor, type LiveSocket, type Tenant, type TestHub } from '../hub/hub-helpers.ts';

const PW = 'a-long-guardian-password';

describe('guardian port under attack', () => {
  let th: TestHub;
  let a: Tenant;
  let b: Tenant;
  let edgeA: MqttClient;
  let webhook: Server;
  const hooked: unknown[] = [];
  const tokens: Record<string, string> = {};
  const sockets: LiveSocket[] = [];

  const call = (token: string | undefined, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    th.hub.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) });
  const invite = async (t: string, child: string, guardian = 0) => {
    const res = await call(tokens[t], 'POST', `/api/children/${child}/invites`, { guardian });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { code: string; expiresAt: string };
  };
  const signup = (code: string, username: string) => call(undefined, 'POST', '/api/auth/guardian-signup', { code, username, displayName: `家长 ${username}`, password: PW });

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hooked.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
    const port = (webhook.address() as { port: number }).port;
    th = await startTestHub({ guardianWebhookUrl: `http://127.0.0.1:${port}/sms`, loginRateLimit: { max: 1000, windowMs: 60_000 } });
    a = await createTenant(th.store, 'a');
    b = await createTenant(th.store, 'b');
    for (const [k, t] of [['a', a], ['b', b]] as const) {
      for (const role of ['supervisor', 'institution_admin'] as const) tokens[`${k}.${role}`] = await login(th, t.users[role]);
    }
    for (const [adm, kids] of [['a.institution_admin', ['mine', 'other']], ['b.institution_admin', ['mine', 'b-kid']]] as const) {
      for (const id of kids) {
        const res = await call(tokens[adm], 'POST', '/api/children', { id, name: `孩子 ${id} ${adm[0]}`, birthMonth: '2025-02', roomId: 'room-1', enrolledFrom: '2026-01-01', guardians: [{ name: '妈妈', relation: '母亲' }, { name: '爸爸' }] });
        expect(res.statusCode, res.body).toBe(200);
      }
    }
    edgeA = await connectEdge(th.hub.mqttUrl, a);
    await edgeA.subscribeAsync(topics.config(a.institutionId, a.edgeId), { qos: 1 });
    // The stand-in edge acks every config per protocol/config.ts: it holds templates for the consented children.
    let held: string[] = [];
    edgeA.on('message', (topic, payload) => {
      if (topic !== topics.config(a.institutionId, a.edgeId)) return;
      const cfg = EdgeConfig.parse(JSON.parse(payload.toString()));
      const ids = cfg.faceConsent.childIds;
      const deleted = held.filter((id) => !ids.includes(id));
      held = ids;
      const ack: EdgeConfigAck = { schema: SCHEMA_VERSION, institutionId: a.institutionId, edgeId: a.edgeId, version: cfg.version, at: new Date().toISOString(), ok: true, enrolled: ids, deleted };
      // At teardown an ack in flight meets a closed connection: that is not a failure of the hub.
      edgeA.publishAsync(topics.configAck(a.institutionId, a.edgeId), JSON.stringify(ack), { qos: 1 }).catch(() => undefined);
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    edgeA?.removeAllListeners('message');
    await edgeA?.endAsync(true);
    await th?.close();
    await new Promise((r) => webhook?.close(r));
  });

  it('an invite is single use, audited, and its code is never stored or logged', async () => {
    const inv = await invite('a.institution_admin', 'mine');
    const res = await signup(inv.code, 'mum-a');
    expect(res.statusCode, res.body).toBe(200);
    tokens['a.guardian'] = (res.json() as { token: string }).token;
    expect((await signup(inv.code, 'mum-a2')).statusCode).toBe(400);
    expect((await call(tokens['a.guardian'], 'POST', '/api/guardian/invites', { code: inv.code })).statusCode).toBe(400);
    const audit = await th.store.listAudit({ kind: 'institution', institutionId: a.institutionId }, 100);
    expect(audit.some((e) => e.action === 'guardian.invite')).toBe(true);
    expect(audit.some((e) => e.action === 'guardian.signup')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(inv.code);
    const all = await th.store.listAudit({ kind: 'all' }, 500);
    expect(JSON.stringify(all)).not.toContain(inv.code);
  });

  it('refuses guessed, malformed and expired codes with one answer, and a guardian not on the roster', async () => {
    expect((await signup('ABCD-EFGH-JKLM-NPQR', 'guess')).statusCode).toBe(400);
    expect((await signup('0000-0000', 'guess')).statusCode).toBe(400);
    expect((await call(tokens['a.institution_admin'], 'POST', '/api/children/mine/invites', { guardian: 5 })).statusCode).toBe(400);
    // Another institution's child: not found, no code.
    expect((await call(tokens['a.institution_admin'], 'POST', '/api/children/b-kid/invites', { guardian: 0 })).statusCode).toBe(404);
    const inv = await invite('a.institution_admin', 'mine', 1);
    await th.store.guardian.createInvite('expired-hash', { institutionId: a.institutionId, childId: 'mine', guardianN: 1, createdBy: 'x', createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-02T00:00:00.000Z' });
    const { sha256Hex } = await import('../../hub/auth/passwords.ts');
    const { newInviteCode } = await import('../../hub/api/guardian-routes.ts');
    const expiredCode = newInviteCode();
    await th.store.guardian.createInvite(sha256Hex(`invite:${expiredCode}`), { institutionId: a.institutionId, childId: 'mine', guardianN: 1, createdBy: 'x', createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-02T00:00:00.000Z' });
    const expired = await signup(expiredCode, 'late-dad');
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.message).toBe((await signup('ABCD-EFGH-JKLM-NPQR', 'guess2')).json().error.message);
    // A taken username does not burn the invite.
    expect((await signup(inv.code, 'mum-a')).statusCode).toBe(409);
    expect((await signup(inv.code, 'dad-a')).statusCode).toBe(200);
  });

  it("a guardian reaches their own child only: every other id answers 404, audited", async () => {
    const g = tokens['a.guardian']!;
    const kids = (await call(g, 'GET', '/api/guardian/children')).json() as { id: string; name: string }[];
    expect(kids.map((k) => k.id)).toEqual(['mine']);
    const paths = ['calendar?month=2026-01', 'incidents', 'consent', 'export'];
    for (const other of ['other', 'b-kid', 'nope', '..%2Fmine']) {
      for (const p of paths) {
        const res = await call(g, 'GET', `/api/guardian/children/${other}/${p}`);
        expect([400, 404], `${other}/${p}`).toContain(res.statusCode);
        expect(res.body).not.toContain('孩子');
      }
      for (const m of ['POST', 'DELETE'] as const) expect([400, 404]).toContain((await call(g, m, `/api/guardian/children/${other}/consent`)).statusCode);
    }
    // B's child with the same id as A's is never A's guardian's data.
    const mine = await call(g, 'GET', '/api/guardian/children/mine/export');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('孩子 mine a');
    expect(mine.body).not.toContain('孩子 mine b');
    // Staff and regulator routes are closed to guardians.
    for (const url of ['/api/children', '/api/incidents', '/api/attendance/days?from=2026-01-01&to=2026-01-31', '/api/rooms', '/api/audit']) {
      expect((await call(g, 'GET', url)).statusCode, url).toBe(403);
    }
    const audit = await th.store.listAudit({ kind: 'institution', institutionId: a.institutionId }, 200);
    expect(audit.some((e) => e.action === 'access.denied' && e.target === 'guardian:calendar')).toBe(true);
    expect(audit.some((e) => e.action === 'guardian.export' && e.target === 'child:mine')).toBe(true);
  });

  it('live push: check-in and a closed incident reach that child\'s guardian only, never the institution room; the webhook gets them too', async () => {
    const mineSock = await connectLive(th.url, tokens['a.guardian']!);
    sockets.push(mineSock);
    const inv = await invite('a.institution_admin', 'other');
    const otherRes = await signup(inv.code, 'other-mum');
    const otherSock = await connectLive(th.url, (otherRes.json() as { token: string }).token);
    sockets.push(otherSock);
    const got: GuardianPush[] = [];
    const gotOther: GuardianPush[] = [];
    const leaked: unknown[] = [];
    mineSock.on('guardian', (p) => got.push(p));
    otherSock.on('guardian', (p) => gotOther.push(p));
    for (const s of [mineSock, otherSock]) {
      s.on('incident', (x) => leaked.push(x));
      s.on('attendance', (x) => leaked.push(x));
    }
    // A guardian cannot watch a camera or acknowledge an incident over the socket.
    const watch = await mineSock.emitWithAck('camera:watch', { cameraId: 'cam-1' });
    expect('error' in watch && watch.error.code).toBe('FORBIDDEN');
    const { incidentEvent: mk } = await import('../hub/hub-helpers.ts');
    const open = mk(a);
    await th.store.applyIncidentEvent(open);
    const ack = await mineSock.emitWithAck('incident:ack', { id: open.id });
    expect('error' in ack && ack.error.code).toBe('FORBIDDEN');
    expect((await th.store.getIncident({ kind: 'all' }, open.id))?.acknowledgedAt).toBeNull();
    await call(tokens['a.supervisor'], 'POST', '/api/attendance/check', { childIds: ['mine'], direction: 'in' });
    await waitFor('check-in push', () => got.find((p) => p.type === 'attendance'));
    const { incidentEvent } = await import('../hub/hub-helpers.ts');
    const inc = incidentEvent(a);
    await th.store.applyIncidentEvent(inc);
    const closed = await call(tokens['a.institution_admin'], 'POST', `/api/incidents/${inc.id}/close`, { outcome: 'no_injury', note: '已处理，孩子无碍', childIds: ['mine'] });
    expect(closed.statusCode, closed.body).toBe(200);
    await waitFor('incident push', () => got.find((p) => p.type === 'incident_closed'));
    await waitFor('webhook', () => hooked.length >= 2);
    expect(gotOther).toEqual([]);
    expect(leaked).toEqual([]);
    expect(hooked.every((h) => JSON.stringify(h).includes('"childId":"mine"'))).toBe(true);
    // The guardian sees the incident: kind, time, room, outcome, note; no snapshot field, no evidence.
    const list = (await call(tokens['a.guardian'], 'GET', '/api/guardian/children/mine/incidents')).json() as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: inc.id, outcome: 'no_injury', note: '已处理，孩子无碍', roomName: 'Room 1' });
    expect(Object.keys(list[0]!).sort()).toEqual(['closedAt', 'id', 'kind', 'note', 'outcome', 'roomId', 'roomName', 'startedAt']);
    expect((await call(tokens['a.guardian'], 'GET', '/api/guardian/children/other/incidents')).statusCode).toBe(404);
    // Linking another tenant's incident or a child not on the roster fails.
    expect((await call(tokens['b.institution_admin'], 'PUT', `/api/incidents/${inc.id}/children`, { childIds: ['mine'] })).statusCode).toBe(404);
    expect((await call(tokens['a.institution_admin'], 'PUT', `/api/incidents/${inc.id}/children`, { childIds: ['b-kid'] })).statusCode).toBe(400);
  });

  it('consent: grant and withdraw reach the edge through the config channel; the edge confirms deletion', async () => {
    const g = tokens['a.guardian']!;
    const granted = await call(g, 'POST', '/api/guardian/children/mine/consent');
    expect(granted.statusCode, granted.body).toBe(200);
    await waitFor('enrolled on the edge', async () => {
      const s = (await call(g, 'GET', '/api/guardian/children/mine/consent')).json() as { edges: { holdsTemplate: boolean }[] };
      return s.edges.some((e) => e.holdsTemplate);
    });
    const withdrawn = await call(g, 'DELETE', '/api/guardian/children/mine/consent');
    expect(withdrawn.statusCode).toBe(200);
    const state = await waitFor('deleted on the edge', async () => {
      const s = (await call(g, 'GET', '/api/guardian/children/mine/consent')).json() as { faceConsent: boolean; edges: { holdsTemplate: boolean; deletedAt: string | null; ackedVersion: number | null; version: number }[] };
      return s.edges.length > 0 && s.edges.every((e) => !e.holdsTemplate && e.deletedAt && e.ackedVersion === e.version) ? s : undefined;
    });
    expect(state.faceConsent).toBe(false);
    const audit = await th.store.listAudit({ kind: 'institution', institutionId: a.institutionId }, 200);
    expect(audit.some((e) => e.action === 'consent.withdraw' && (e.detail as { by?: string })?.by === 'guardian')).toBe(true);
  });

  it('a guardian socket of institution A never hears institution B', async () => {
    const got: unknown[] = [];
    const s = sockets[0]!;
    s.on('guardian', (p) => got.push(p));
    await call(tokens['b.supervisor'], 'POST', '/api/attendance/check', { childIds: ['mine'], direction: 'in' });
    // The same tenant's check-in afterwards arrives: so B's would have arrived first had it leaked.
    await call(tokens['a.supervisor'], 'POST', '/api/attendance/check', { childIds: ['mine'], direction: 'out' });
    await waitFor('A push', () => got.length >= 1);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ type: 'attendance', direction: 'out' });
  });
});
