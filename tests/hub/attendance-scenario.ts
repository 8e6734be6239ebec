/**
 * The hub half of issue 25's path, on a real hub and a real broker (embedded aedes, or the
 * machine's Mosquitto when MQTT_URL is set): roster CSV import → consent → config published
 * retained to the edge and acknowledged → check-in by face (AttendanceEvent over MQTT) and
 * by hand (a whole class in one request) → staff confirm a low-confidence proposal →
 * cross-check against the people the room camera saw → monthly report (CSV, submit →
 * locked) → regulator approval → consent withdrawal → the edge reports the templates deleted.
 *
 * The edge here is a STAND-IN: a real mqtt.js client with the edge's credentials that
 * answers each config version with a contract-conforming ack (protocol/config.ts). The
 * real edge's face code is exercised in tests/e2e/attendance-path.test.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import {
  EdgeConfig,
  SCHEMA_VERSION,
  topics,
  type AttendanceEvent,
  type AttendanceEventView,
  type ChildView,
  type EdgeConfigAck,
  type EdgeConfigState,
  type EdgeStatus,
  type PlaceStats,
  type SubmissionView,
  type SubsidyReport,
} from '../../protocol/index.ts';
import { hashPassword } from '../../hub/auth/passwords.ts';
import { connectEdge, connectLive, createTenant, login, metricValue, rid, startTestHub, waitFor, type StoreFactory, type Tenant, type TestHub } from './hub-helpers.ts';

/** The month before the current one (a report can be submitted once its month has ended). */
export function previousMonth(now = new Date()): string {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth(); // 0-based: the previous month's 1-based number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
}

/** A stand-in edge: applies each config version by acknowledging it as the contract says. */
export async function standInEdge(url: string, t: { institutionId: string; edgeId: string; edgePassword: string }) {
  const client = await connectEdge(url, t);
  const enrolled = new Set<string>();
  const configs: EdgeConfig[] = [];
  let applied = 0;
  client.on('message', (topic, payload) => {
    if (topic !== topics.config(t.institutionId, t.edgeId) || payload.length === 0) return;
    const config = EdgeConfig.parse(JSON.parse(payload.toString('utf8')));
    configs.push(config);
    if (config.version <= applied) return;
    applied = config.version;
    const allowed = new Set(config.faceConsent.childIds);
    const deleted = [...enrolled].filter((id) => !allowed.has(id));
    for (const id of deleted) enrolled.delete(id);
    // The stand-in "enrols" every consented child at once (a real edge needs photos).
    for (const id of allowed) enrolled.add(id);
    const ack: EdgeConfigAck = { schema: SCHEMA_VERSION, institutionId: t.institutionId, edgeId: t.edgeId, version: config.version, at: new Date().toISOString(), ok: true, enrolled: [...enrolled].sort(), deleted };
    client.publishAsync(topics.configAck(t.institutionId, t.edgeId), JSON.stringify(ack), { qos: 1 }).catch(() => undefined);
  });
  await client.subscribeAsync(topics.config(t.institutionId, t.edgeId), { qos: 1 });
  return { client, enrolled, configs };
}

export function defineAttendanceScenario(mode: ({ kind: 'embedded' } | { kind: 'external'; url: string }) & { makeStore?: StoreFactory }): void {
  let th: TestHub;
  let a: Tenant;
  let admin: string;
  let supervisor: string;
  let regulator: string;
  let edge: Awaited<ReturnType<typeof standInEdge>>;
  const clients: MqttClient[] = [];
  const month = previousMonth();
  const day = (d: number) => `${month}-${String(d).padStart(2, '0')}`;
  const ids = Array.from({ length: 20 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);

  const call = async <T>(token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object | string, headers: Record<string, string> = {}) => {
    const res = await th.hub.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload !== undefined ? { payload } : {}) });
    return { status: res.statusCode, body: (res.headers['content-type']?.toString().includes('json') ? res.json() : res.body) as T, raw: res };
  };

  beforeAll(async () => {
    th = await startTestHub({
      configRetry: { initialMs: 200, maxMs: 400 },
      subsidyRules: { rates: { infant: 1000, toddler_small: 800, toddler_large: 500 } },
      ...(mode.kind === 'external' ? { mqtt: { url: mode.url } } : {}),
      ...(mode.makeStore ? { makeStore: mode.makeStore } : {}),
    });
    a = await createTenant(th.store, 'att');
    admin = await login(th, a.users.institution_admin);
    supervisor = await login(th, a.users.supervisor);
    regulator = await login(th, a.users.regulator);
    edge = await standInEdge(th.hub.mqttUrl, a);
    clients.push(edge.client);
  });
  afterAll(async () => {
    // A shared Mosquitto keeps retained messages: clear this run's config topics.
    if (mode.kind === 'external' && edge) {
      for (const edgeId of await th.store.attendance.edgeIdsOf(a.institutionId)) {
        await edge.client.publishAsync(topics.config(a.institutionId, edgeId), '', { qos: 1, retain: true }).catch(() => undefined);
      }
    }
    for (const c of clients) await c.endAsync(true);
    await th?.close();
  });

  it('imports a roster from CSV: all rows or none, with the bad lines named', async () => {
    const header = 'id,name,birthMonth,classType,roomId,enrolledFrom,enrolledTo,guardianName,guardianRelation,guardianPhone';
    const bad = [header, 'c01,王小明,2025-03,,room-1,2026-01-01,,王妈妈,mother,138', 'c02,李小红,2025-13,,room-1,2026-01-01,,,,', 'c03,张三,2025-03,,no-room,2026-01-01,,,,'].join('\n');
    const refused = await call<{ lines: { line: number; message: string }[] }>(admin, 'POST', '/api/children/import', bad, { 'content-type': 'text/csv' });
    expect(refused.status).toBe(400);
    expect(refused.body.lines.map((l) => l.line)).toEqual([3, 4]);
    expect(refused.body.lines[0]!.message).toMatch(/birthMonth/);
    expect((await call<ChildView[]>(admin, 'GET', '/api/children')).body).toEqual([]);
    const rows = ids.map((id, i) => `${id},孩子${i + 1},${i < 5 ? '2025-09' : '2024-11'},,room-1,2026-01-01,,家长${i + 1},mother,1380000${String(i).padStart(4, '0')}`);
    const ok = await call<{ imported: number }>(admin, 'POST', '/api/children/import', `\uFEFF${[header, ...rows].join('\r\n')}`, { 'content-type': 'text/csv' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.imported).toBe(20);
    const list = (await call<ChildView[]>(supervisor, 'GET', '/api/children')).body;
    expect(list).toHaveLength(20);
    expect(list.find((c) => c.id === 'c01')).toMatchObject({ name: '孩子1', roomId: 'room-1', guardians: [{ name: '家长1', relation: 'mother' }], faceConsent: false });
    expect((await call(admin, 'PUT', '/api/places', { places: { toddler_small: 15, toddler_large: 10, infant: 5 } })).status).toBe(204);
  });

  it('consent publishes a retained config to the edge, which acknowledges it', async () => {
    const t0 = performance.now();
    const c = await call<{ guardianName: string; withdrawnAt: null }>(admin, 'POST', '/api/children/c01/consent', { scope: 'face', guardianName: '家长1' });
    expect(c.status).toBe(200);
    await waitFor('config v1 acknowledged', async () => (await call<EdgeConfigState[]>(admin, 'GET', '/api/edges/config')).body[0]?.ackedVersion === 1);
    console.log(`${mode.kind}: consent recorded → config published → edge ack stored: ${(performance.now() - t0).toFixed(0)} ms`);
    await call(admin, 'POST', '/api/children/c02/consent', { scope: 'face', guardianName: '家长2' });
    const state = await waitFor('config v2 acknowledged', async () => {
      const s = (await call<EdgeConfigState[]>(admin, 'GET', '/api/edges/config')).body;
      return s[0]?.ackedVersion === 2 ? s[0] : undefined;
    });
    expect(state).toMatchObject({ edgeId: a.edgeId, version: 2, ackOk: true, enrolled: ['c01', 'c02'] });
    expect(edge.configs.at(-1)!.faceConsent.childIds).toEqual(['c01', 'c02']);
    const child = (await call<ChildView[]>(admin, 'GET', '/api/children')).body.find((x) => x.id === 'c01')!;
    expect(child).toMatchObject({ faceConsent: true, enrolledOn: [a.edgeId] });
    const audit = (await call<{ action: string; actor: string }[]>(admin, 'GET', '/api/audit?limit=100')).body;
    expect(audit.filter((e) => e.action === 'config.publish')).toHaveLength(2);
    expect(audit.some((e) => e.action === 'config.ack' && e.actor === `edge:${a.edgeId}`)).toBe(true);
    expect(audit.some((e) => e.action === 'consent.grant')).toBe(true);
  });

  it('re-publishes to an offline edge until it comes online, gets the retained config and acks', async () => {
    const edgeId = rid('edge-att2');
    const edgePassword = rid('pw');
    await th.store.upsertEdge({ id: edgeId, institutionId: a.institutionId, passwordHash: await hashPassword(edgePassword) });
    await call(admin, 'POST', '/api/edges/config/push');
    await waitFor('three publishes without an ack', async () => {
      const s = (await call<EdgeConfigState[]>(admin, 'GET', '/api/edges/config')).body.find((x) => x.edgeId === edgeId);
      return s && s.publishes >= 3 && s.ackedVersion === null ? s : undefined;
    });
    expect(await metricValue(th, 'anyu_config_publishes_total', { attempt: 'retry' })).toBeGreaterThanOrEqual(2);
    const late = await standInEdge(th.hub.mqttUrl, { institutionId: a.institutionId, edgeId, edgePassword });
    clients.push(late.client);
    const s = await waitFor('late edge acknowledged', async () => {
      const x = (await call<EdgeConfigState[]>(admin, 'GET', '/api/edges/config')).body.find((e) => e.edgeId === edgeId);
      return x?.ackedVersion === x?.version ? x : undefined;
    });
    expect(s!.enrolled).toEqual(['c01', 'c02']);
    const publishes = s!.publishes;
    await new Promise((r) => setTimeout(r, 1000));
    const after = (await call<EdgeConfigState[]>(admin, 'GET', '/api/edges/config')).body.find((e) => e.edgeId === edgeId)!;
    expect(after.publishes).toBe(publishes);
  });

  it('takes face check-ins from the edge: deduped, proposals wait for a tap, unknown children refused', async () => {
    const ev = (id: string, childId: string, direction: 'in' | 'out', at: string, confidence: number, needsConfirm: boolean): AttendanceEvent => ({
      schema: SCHEMA_VERSION, institutionId: a.institutionId, edgeId: a.edgeId, id, childId, direction, at, source: 'face', confidence, needsConfirm, cameraId: a.cameraId,
    });
    const t = topics.attendance(a.institutionId, a.edgeId);
    // Live push: the institution's dashboards hear of each new event, regulators never.
    const staffLive = await connectLive(th.url, supervisor);
    const regulatorLive = await connectLive(th.url, regulator);
    const heard: AttendanceEventView[] = [];
    const regulatorHeard: unknown[] = [];
    staffLive.on('attendance', (e) => heard.push(e));
    regulatorLive.on('attendance', (e) => regulatorHeard.push(e));
    const sure = ev(rid('f'), 'c01', 'in', `${day(3)}T07:55:00+08:00`, 0.95, false);
    await edge.client.publishAsync(t, JSON.stringify(sure), { qos: 1 });
    await edge.client.publishAsync(t, JSON.stringify(sure), { qos: 1 });
    const unsure = ev(rid('f'), 'c02', 'in', `${day(3)}T08:01:00+08:00`, 0.55, true);
    await edge.client.publishAsync(t, JSON.stringify(unsure), { qos: 1 });
    const before = await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'unknown_child' });
    await edge.client.publishAsync(t, JSON.stringify(ev(rid('f'), 'not-on-roster', 'in', `${day(3)}T08:02:00+08:00`, 0.9, false)), { qos: 1 });
    await waitFor('unknown child counted', async () => (await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'unknown_child' })) === before + 1);
    const events = await waitFor('two events stored', async () => {
      const e = (await call<AttendanceEventView[]>(supervisor, 'GET', `/api/attendance/events?date=${day(3)}`)).body;
      return e.length === 2 ? e : undefined;
    });
    expect(events.map((e) => [e.childId, e.state, e.source])).toEqual([['c01', 'counted', 'face'], ['c02', 'pending', 'face']]);
    const pending = (await call<AttendanceEventView[]>(supervisor, 'GET', `/api/attendance/events?date=${day(3)}&pending=true`)).body;
    expect(pending.map((e) => e.childId)).toEqual(['c02']);
    // Two new events and nothing for the duplicate; the regulator heard none.
    await waitFor('two pushes', () => heard.length === 2);
    expect(heard.map((e) => [e.childId, e.state])).toEqual([['c01', 'counted'], ['c02', 'pending']]);
    const decided = await call<AttendanceEventView>(supervisor, 'POST', `/api/attendance/events/${pending[0]!.id}/decide`, { accept: true });
    await waitFor('the decision pushed', () => heard.length === 3);
    expect(heard[2]).toMatchObject({ childId: 'c02', state: 'counted' });
    expect(regulatorHeard).toEqual([]);
    staffLive.disconnect();
    regulatorLive.disconnect();
    expect(decided.body).toMatchObject({ state: 'counted', decidedBy: a.users.supervisor.username });
    expect((await call(supervisor, 'POST', `/api/attendance/events/${pending[0]!.id}/decide`, { accept: false })).status).toBe(404);
  });

  it('staff check in and out a whole class in one request each; cards and QR codes use the same API', async () => {
    const t0 = performance.now();
    for (const d of [3, 4, 5, 6, 7]) {
      const inRes = await call<{ outcome: string }[]>(supervisor, 'POST', '/api/attendance/check', { childIds: ids, direction: 'in', at: `${day(d)}T08:00:00+08:00` });
      expect(inRes.status).toBe(200);
      // Days 3–6 full days (8.5 h), day 7 a half day (5 h).
      await call(supervisor, 'POST', '/api/attendance/check', { childIds: ids, direction: 'out', at: `${day(d)}T${d === 7 ? '13' : '16'}:30:00+08:00` });
    }
    const ms = performance.now() - t0;
    console.log(`staff check-in and check-out of 20 children on 5 days (10 requests): ${ms.toFixed(0)} ms`);
    const scan = await call<{ outcome: string }>(supervisor, 'POST', '/api/attendance/scan', { childId: 'c03', direction: 'in', source: 'qr', at: `${day(8)}T08:00:00+08:00` });
    expect(scan.body.outcome).toBe('applied');
    expect((await call(supervisor, 'POST', '/api/attendance/scan', { childId: 'nobody', direction: 'in', source: 'card' })).status).toBe(404);
    const days = (await call<{ childId: string; date: string; minutes: number; sources: string[] }[]>(supervisor, 'GET', `/api/attendance/days?from=${day(3)}&to=${day(3)}`)).body;
    expect(days).toHaveLength(20);
    // c01 came in by face at 07:55, then a staff tap at 08:00 (a second "in" while present), out at 16:30.
    expect(days.find((d) => d.childId === 'c01')).toMatchObject({ minutes: 515, sources: ['face', 'staff'] });
  });

  it('flags a day where 20 children were checked in and the room camera never saw more than 8 people', async () => {
    const status: EdgeStatus = {
      schema: SCHEMA_VERSION, institutionId: a.institutionId, edgeId: a.edgeId, state: 'online', version: 'test', at: new Date().toISOString(), uptimeS: 10,
      cameras: [{ id: a.cameraId, state: 'online', expectedFps: 5, deliveredFps: 5, analysedFps: 5, reconnectsLastHour: 0, stallsLastHour: 0, lastFrameAt: null, peopleSeen: { since: `${day(4)}T00:00:00+08:00`, max: 8 } }],
    };
    await edge.client.publishAsync(topics.status(a.institutionId, a.edgeId), JSON.stringify(status), { qos: 1 });
    const ok = { ...status, cameras: [{ ...status.cameras[0]!, peopleSeen: { since: `${day(5)}T00:00:00+08:00`, max: 24 } }] };
    await edge.client.publishAsync(topics.status(a.institutionId, a.edgeId), JSON.stringify(ok), { qos: 1 });
    const flags = await waitFor('one flag', async () => {
      const f = (await call<unknown[]>(admin, 'GET', `/api/attendance/cross-check?from=${day(1)}&to=${day(28)}`)).body;
      return f.length === 1 ? f : undefined;
    });
    expect(flags).toEqual([{ institutionId: a.institutionId, roomId: 'room-1', date: day(4), checkedIn: 20, maxPeopleSeen: 8 }]);
    const stats = (await call<PlaceStats[]>(regulator, 'GET', `/api/attendance/places?month=${month}`)).body;
    expect(stats.find((s) => s.kind === 'institution' && s.id === a.institutionId)).toMatchObject({ approvedPlaces: 30, enrolled: 20, utilisation: 20 / 30, under2Places: 20, under2PlacesShare: 20 / 30, crossCheckFlags: 1 });
    expect(stats.find((s) => s.kind === 'district' && s.id === a.districtId)).toMatchObject({ approvedPlaces: 30, enrolled: 20, crossCheckFlags: 1 });
  });

  it('makes the monthly report from the day records; submitted it is locked; the regulator approves it without seeing names', async () => {
    const r = (await call<SubsidyReport>(admin, 'GET', `/api/attendance/report?month=${month}`)).body;
    expect(r.status).toBe('draft');
    expect(r.rows).toHaveLength(20);
    // 4 full days (3–6) and a half day (7) each: 4.5 counted days, not a full month.
    expect(r.rows.find((x) => x.childId === 'c06')).toMatchObject({ name: '孩子6', classType: 'toddler_small', fullDays: 4, halfDays: 1, countedDays: 4.5, fullMonth: false, amount: Math.round(800 * 4.5 / 15 * 100) / 100 });
    expect(r.totals).toMatchObject({ children: 20, fullDays: 80, halfDays: 20, countedDays: 90, fullMonths: 0 });
    const days = (await call<{ minutes: number }[]>(admin, 'GET', `/api/attendance/days?from=${day(1)}&to=${day(28)}`)).body;
    expect(r.totals.fullDays).toBe(days.filter((d) => d.minutes >= 480).length);
    expect(r.totals.halfDays).toBe(days.filter((d) => d.minutes >= 240 && d.minutes < 480).length);
    const csv = await call<string>(admin, 'GET', `/api/attendance/report.csv?month=${month}&lang=zh-CN`);
    expect(csv.raw.body).toContain('孩子5');
    expect(csv.raw.body).toContain('合计');
    const submitted = await call<SubsidyReport>(admin, 'POST', '/api/attendance/report/submit', { month });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.status).toBe('submitted');
    expect((await call(admin, 'POST', '/api/attendance/report/submit', { month })).status).toBe(409);
    // Later check-ins of that month do not change a locked report.
    await call(supervisor, 'POST', '/api/attendance/check', { childIds: ['c01'], direction: 'in', at: `${day(10)}T08:00:00+08:00` });
    await call(supervisor, 'POST', '/api/attendance/check', { childIds: ['c01'], direction: 'out', at: `${day(10)}T17:00:00+08:00` });
    expect((await call<SubsidyReport>(admin, 'GET', `/api/attendance/report?month=${month}`)).body.totals).toEqual(submitted.body.totals);
    const subs = (await call<SubmissionView[]>(regulator, 'GET', '/api/attendance/submissions')).body;
    expect(subs.find((s) => s.institutionId === a.institutionId)).toMatchObject({ month, status: 'submitted', children: 20 });
    const regView = await call<SubsidyReport>(regulator, 'GET', `/api/attendance/report?month=${month}&institutionId=${a.institutionId}`);
    expect(regView.body.rows).toHaveLength(20);
    expect(JSON.stringify(regView.body)).not.toContain('孩子');
    const regCsv = await call<string>(regulator, 'GET', `/api/attendance/report.csv?month=${month}&institutionId=${a.institutionId}&lang=en`);
    expect(regCsv.raw.body).not.toContain('孩子');
    const approved = await call<SubsidyReport>(regulator, 'POST', `/api/attendance/submissions/${a.institutionId}/${month}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: a.users.regulator.username });
    expect((await call(regulator, 'POST', `/api/attendance/submissions/${a.institutionId}/${month}/approve`)).status).toBe(409);
    const audit = (await call<{ action: string }[]>(regulator, 'GET', '/api/audit?limit=200')).body.map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['report.submit', 'report.approve']));
  });

  it('withdrawing consent sends a new config; the edge deletes the templates and says so', async () => {
    const w = await call<{ withdrawnAt: string }>(admin, 'DELETE', '/api/children/c01/consent');
    expect(w.status).toBe(200);
    expect(w.body.withdrawnAt).toBeTruthy();
    const states = await waitFor('withdrawal acknowledged by both edges', async () => {
      const x = (await call<EdgeConfigState[]>(admin, 'GET', '/api/edges/config')).body;
      return x.length === 2 && x.every((e) => e.ackedVersion === e.version && !e.enrolled.includes('c01')) ? x : undefined;
    });
    for (const s of states) expect(s.deletedAt).not.toBeNull();
    expect(edge.enrolled.has('c01')).toBe(false);
    expect(edge.configs.at(-1)!.faceConsent.childIds).toEqual(['c02']);
    const child = (await call<ChildView[]>(admin, 'GET', '/api/children')).body.find((x) => x.id === 'c01')!;
    expect(child).toMatchObject({ faceConsent: false, enrolledOn: [] });
    expect((await call(admin, 'DELETE', '/api/children/c01/consent')).status).toBe(404);
  });
}
