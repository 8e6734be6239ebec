/**
 * Attacker suite for attendance (issue 25): what a person of another tenant, a supervisor,
 * a regulator or an edge can try against the roster, consent, attendance and reports.
 * The route × role table (401/403/404 on every attendance route) is in
 * tests/hub/api-auth.test.ts; the topic ACLs in config-acl.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { SCHEMA_VERSION, topics, type AttendanceEvent, type ChildView, type EdgeConfigAck } from '../../protocol/index.ts';
import { connectEdge, createTenant, login, metricValue, rid, startTestHub, waitFor, type Tenant, type TestHub } from '../hub/hub-helpers.ts';

const NAMES = ['甲孩子', '乙孩子'];

describe('attendance under attack', () => {
  let th: TestHub;
  let a: Tenant;
  let b: Tenant;
  const tokens: Record<string, string> = {};
  let edgeA: MqttClient;

  const call = (who: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    th.hub.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    th = await startTestHub({ listen: false });
    a = await createTenant(th.store, 'a');
    b = await createTenant(th.store, 'b');
    for (const [k, t] of [['a', a], ['b', b]] as const) {
      for (const role of ['supervisor', 'institution_admin', 'regulator'] as const) tokens[`${k}.${role}`] = await login(th, t.users[role]);
    }
    // The same child id in both institutions: ids are per institution.
    await call('a.institution_admin', 'POST', '/api/children', { id: 'kid', name: NAMES[0], birthMonth: '2025-02', roomId: 'room-1', enrolledFrom: '2026-01-01', guardians: [{ name: '甲妈妈', phone: '13800000000' }] });
    await call('b.institution_admin', 'POST', '/api/children', { id: 'kid', name: NAMES[1], birthMonth: '2025-02', roomId: 'room-1', enrolledFrom: '2026-01-01' });
    await call('b.institution_admin', 'POST', '/api/children', { id: 'only-b', name: '丙孩子', birthMonth: '2025-02', roomId: 'room-1', enrolledFrom: '2026-01-01' });
    await call('b.institution_admin', 'POST', '/api/children', { id: 'b-child', name: '丁孩子', birthMonth: '2025-02', roomId: 'room-1', enrolledFrom: '2026-01-01' });
    edgeA = await connectEdge(th.hub.mqttUrl, a);
  });
  afterAll(async () => {
    await edgeA?.endAsync(true);
    await th?.close();
  });

  it("an admin's writes with another tenant's child id touch only their own roster", async () => {
    const res = await call('a.institution_admin', 'POST', '/api/children', { id: 'only-b', name: 'taken over', birthMonth: '2025-02', enrolledFrom: '2026-01-01' });
    expect(res.statusCode).toBe(200);
    const bList = (await call('b.institution_admin', 'GET', '/api/children')).json() as ChildView[];
    expect(bList.find((c) => c.id === 'only-b')!.name).toBe('丙孩子');
    expect((await call('a.institution_admin', 'POST', '/api/children', { id: 'x', name: 'x', birthMonth: '2025-02', enrolledFrom: '2026-01-01', institutionId: b.institutionId })).statusCode).toBe(400);
    expect((await call('a.institution_admin', 'POST', '/api/children', { id: 'x', name: 'x', birthMonth: '2025-02', enrolledFrom: '2026-01-01', roomId: 'room-of-b' })).statusCode).toBe(400);
  });

  it("staff cannot check in, confirm or consent for another institution's child", async () => {
    const check = (await call('a.supervisor', 'POST', '/api/attendance/check', { childIds: ['b-child'], direction: 'in' })).json() as { outcome: string }[];
    expect(check).toEqual([{ childId: 'b-child', outcome: 'unknown_child' }]);
    expect((await call('a.institution_admin', 'POST', '/api/children/b-child/consent', { scope: 'face', guardianName: 'x' })).statusCode).toBe(404);
    const ev = await th.store.attendance.recordEvent({ institutionId: b.institutionId, childId: 'b-child', edgeId: b.edgeId, eventId: rid('e'), direction: 'in', at: new Date().toISOString(), source: 'face', confidence: 0.5, needsConfirm: true, recordedBy: null, receivedAt: new Date().toISOString() });
    expect((await call('a.supervisor', 'POST', `/api/attendance/events/${ev.event!.id}/decide`, { accept: true })).statusCode).toBe(404);
    expect((await th.store.attendance.listEvents({ kind: 'all' }, b.institutionId, { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', pendingOnly: true })).map((e) => e.id)).toEqual([ev.event!.id]);
  });

  it('a supervisor cannot change the roster, consent, places, or submit a report; an admin cannot approve one', async () => {
    for (const [method, url, body] of [
      ['POST', '/api/children', { id: 'x', name: 'x', birthMonth: '2025-02', enrolledFrom: '2026-01-01' }],
      ['DELETE', '/api/children/kid', undefined],
      ['POST', '/api/children/kid/consent', { scope: 'face', guardianName: 'x' }],
      ['PUT', '/api/places', { places: { infant: 99 } }],
      ['POST', '/api/attendance/report/submit', { month: '2025-01' }],
      ['POST', '/api/edges/config/push', undefined],
    ] as const) {
      expect((await call('a.supervisor', method, url, body)).statusCode, `${method} ${url}`).toBe(403);
    }
    expect((await call('a.institution_admin', 'POST', `/api/attendance/submissions/${a.institutionId}/2025-01/approve`)).statusCode).toBe(403);
  });

  it('a regulator reads aggregates only: no child name or guardian in any attendance answer', async () => {
    await call('a.institution_admin', 'PUT', '/api/places', { places: { toddler_small: 10 } });
    const month = '2025-11';
    await call('a.supervisor', 'POST', '/api/attendance/check', { childIds: ['kid'], direction: 'in', at: `${month}-03T08:00:00+08:00` });
    await call('a.supervisor', 'POST', '/api/attendance/check', { childIds: ['kid'], direction: 'out', at: `${month}-03T17:00:00+08:00` });
    expect((await call('a.institution_admin', 'POST', '/api/attendance/report/submit', { month })).statusCode).toBe(200);
    const bodies: string[] = [];
    for (const url of [
      '/api/attendance/submissions',
      `/api/attendance/report?month=${month}&institutionId=${a.institutionId}`,
      `/api/attendance/report.csv?month=${month}&institutionId=${a.institutionId}`,
      `/api/attendance/places?month=${month}`,
      `/api/attendance/cross-check?from=${month}-01&to=${month}-30`,
      '/api/audit?limit=500',
    ]) {
      const res = await call('a.regulator', 'GET', url);
      expect(res.statusCode, url).toBe(200);
      bodies.push(res.body);
    }
    const approved = await call('a.regulator', 'POST', `/api/attendance/submissions/${a.institutionId}/${month}/approve`);
    expect(approved.statusCode).toBe(200);
    bodies.push(approved.body);
    for (const body of bodies) {
      for (const secret of [...NAMES, '甲妈妈', '13800000000']) expect(body).not.toContain(secret);
    }
    // The admin's own report does carry the name (so the check above can fail).
    expect((await call('a.institution_admin', 'GET', `/api/attendance/report?month=${month}`)).body).toContain(NAMES[0]);
    // The roster itself is closed to regulators, and other districts' reports are not theirs.
    expect((await call('a.regulator', 'GET', '/api/children')).statusCode).toBe(403);
    expect((await call('b.regulator', 'GET', `/api/attendance/report?month=${month}&institutionId=${a.institutionId}`)).statusCode).toBe(404);
    expect((await call('b.regulator', 'POST', `/api/attendance/submissions/${a.institutionId}/${month}/approve`)).statusCode).toBe(404);
  });

  it("an edge cannot check in another institution's child, nor speak for another edge or institution", async () => {
    const base: AttendanceEvent = { schema: SCHEMA_VERSION, institutionId: a.institutionId, edgeId: a.edgeId, id: rid('e'), childId: 'b-child', direction: 'in', at: new Date().toISOString(), source: 'face', confidence: 0.99, needsConfirm: false };
    const t = topics.attendance(a.institutionId, a.edgeId);
    const unknown = await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'unknown_child' });
    const mismatch = await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'id_mismatch' });
    const schema = await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'schema' });
    await edgeA.publishAsync(t, JSON.stringify(base), { qos: 1 });
    await edgeA.publishAsync(t, JSON.stringify({ ...base, id: rid('e'), institutionId: b.institutionId }), { qos: 1 });
    await edgeA.publishAsync(t, JSON.stringify({ ...base, id: rid('e'), edgeId: b.edgeId }), { qos: 1 });
    // A face template smuggled into an event is refused whole.
    await edgeA.publishAsync(t, JSON.stringify({ ...base, id: rid('e'), childId: 'kid', descriptor: Array.from({ length: 128 }, () => 0.1) }), { qos: 1 });
    const ack: EdgeConfigAck = { schema: SCHEMA_VERSION, institutionId: b.institutionId, edgeId: b.edgeId, version: 1, at: new Date().toISOString(), ok: true, enrolled: [], deleted: ['b-child'] };
    await edgeA.publishAsync(topics.configAck(a.institutionId, a.edgeId), JSON.stringify(ack), { qos: 1 });
    await waitFor('refusals counted', async () => (await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'id_mismatch' })) === mismatch + 3);
    expect(await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'unknown_child' })).toBe(unknown + 1);
    expect(await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'schema' })).toBe(schema + 1);
    expect(await th.store.attendance.listEvents({ kind: 'all' }, b.institutionId, { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })).toHaveLength(1);
    expect(await th.store.attendance.listEvents({ kind: 'all' }, a.institutionId, { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })).toHaveLength(2);
  });
});
