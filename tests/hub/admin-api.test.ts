/**
 * Onboarding end to end, on a real hub with its embedded broker: an institution admin adds
 * a room, registers an edge (its MQTT password shown once), the edge connects with it and
 * reports a camera, the admin maps the camera to the room, and the edge's incident reaches
 * the API. Rotating the password locks the old one out (and drops its live session); a
 * regulator registers institutions of its own region only; admins add users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { topics, type CameraView, type EdgeRegistered, type IncidentPage, type InstitutionView } from '../../protocol/index.ts';
import { connectEdge, createTenant, incidentEvent, login, rid, startTestHub, waitFor, type Tenant, type TestHub } from './hub-helpers.ts';

describe('onboarding through the API (embedded broker)', () => {
  let th: TestHub;
  let a: Tenant;
  let adminToken: string;
  let regulatorToken: string;
  const edgeName = rid('edge-onboard');
  /** The edge's id as the hub made it: `<institution>.<name>`. */
  let edgeId = '';
  let first: EdgeRegistered;
  const clients: MqttClient[] = [];

  const call = (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    th.hub.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const edge = async (password: string) => {
    const c = await connectEdge(th.hub.mqttUrl, { edgeId, edgePassword: password });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    th = await startTestHub();
    a = await createTenant(th.store, 'onb');
    adminToken = await login(th, a.users.institution_admin);
    regulatorToken = await login(th, a.users.regulator);
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true);
    await th?.close();
  });

  it('admin creates a room, registers an edge, maps its camera; the edge incident reaches the API', async () => {
    const room = await call(adminToken, 'POST', '/api/rooms', { id: 'nap-1', name: '午睡室', type: 'nap', classType: 'toddler_large', capacity: 20 });
    expect(room.statusCode, room.body).toBe(200);
    expect(room.json()).toEqual({ id: 'nap-1', institutionId: a.institutionId, name: '午睡室', type: 'nap', classType: 'toddler_large', capacity: 20, polygon: null });

    const reg = await call(adminToken, 'POST', '/api/edges', { id: edgeName });
    expect(reg.statusCode, reg.body).toBe(200);
    first = reg.json() as EdgeRegistered;
    edgeId = first.id;
    expect(first).toMatchObject({ id: `${a.institutionId}.${edgeName}`, institutionId: a.institutionId, rotated: false });
    expect(first.password.length).toBeGreaterThanOrEqual(32);
    // Only the scrypt hash is kept.
    const stored = await th.store.getEdge(edgeId);
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(stored?.passwordHash).not.toContain(first.password);

    // Before the edge reports it, the camera is unknown.
    expect((await call(adminToken, 'PUT', '/api/cameras/cam-nap', { name: 'Nap room', roomId: 'nap-1', expectedFps: 5 })).statusCode).toBe(404);

    const client = await edge(first.password);
    const now = new Date().toISOString();
    const status = {
      schema: 1, institutionId: a.institutionId, edgeId, state: 'online', version: '0.1.0', at: now, uptimeS: 3,
      cameras: [{ id: 'cam-nap', state: 'online', expectedFps: 5, deliveredFps: 5, analysedFps: 5, reconnectsLastHour: 0, stallsLastHour: 0, lastFrameAt: now }],
    };
    await client.publishAsync(topics.status(a.institutionId, edgeId), JSON.stringify(status), { qos: 1 });
    await waitFor('camera reported', async () =>
      ((await call(adminToken, 'GET', '/api/cameras')).json() as CameraView[]).find((c) => c.id === 'cam-nap'));

    const mapped = await call(adminToken, 'PUT', '/api/cameras/cam-nap', { name: '午睡室 camera', roomId: 'nap-1', expectedFps: 5 });
    expect(mapped.statusCode, mapped.body).toBe(200);
    expect(mapped.json()).toMatchObject({ id: 'cam-nap', edgeId, name: '午睡室 camera', roomId: 'nap-1', state: 'online' });
    // A later status keeps the person's mapping.
    await client.publishAsync(topics.status(a.institutionId, edgeId), JSON.stringify({ ...status, at: new Date().toISOString() }), { qos: 1 });

    const ev = incidentEvent({ institutionId: a.institutionId, edgeId, cameraId: 'cam-nap' }, { zoneId: 'nap-1' });
    await client.publishAsync(topics.incident(a.institutionId, edgeId), JSON.stringify(ev), { qos: 1 });
    const page = await waitFor('incident in the API', async () => {
      const p = (await call(adminToken, 'GET', `/api/incidents?cameraId=cam-nap`)).json() as IncidentPage;
      return p.items.length > 0 ? p : undefined;
    });
    expect(page.items[0]).toMatchObject({ id: ev.id, edgeId, cameraId: 'cam-nap', zoneId: 'nap-1', status: 'new' });
    const cams = (await call(adminToken, 'GET', '/api/cameras')).json() as CameraView[];
    expect(cams.find((c) => c.id === 'cam-nap')).toMatchObject({ name: '午睡室 camera', roomId: 'nap-1', openIncidents: 1 });
  });

  it('rotating the password locks out the old one and drops its live session', async () => {
    const live = clients[0]!;
    expect(live.connected).toBe(true);
    const closed = new Promise<void>((resolve) => live.once('close', () => resolve()));
    const rot = await call(adminToken, 'POST', '/api/edges', { id: edgeId });
    expect(rot.statusCode, rot.body).toBe(200);
    const second = rot.json() as EdgeRegistered;
    expect(second).toMatchObject({ id: edgeId, rotated: true });
    expect(second.password).not.toBe(first.password);
    await closed;

    await expect(edge(first.password)).rejects.toThrow(/[Bb]ad username or password|[Nn]ot authorized/);
    const fresh = await edge(second.password);
    const ev = incidentEvent({ institutionId: a.institutionId, edgeId, cameraId: 'cam-nap' });
    await fresh.publishAsync(topics.incident(a.institutionId, edgeId), JSON.stringify(ev), { qos: 1 });
    await waitFor('incident after rotation', async () => (await call(adminToken, 'GET', `/api/incidents/${ev.id}`)).statusCode === 200);

    const audit = (await call(adminToken, 'GET', '/api/audit?limit=50')).json() as Array<{ action: string; target: string }>;
    const actions = audit.filter((e) => e.target === `edge:${edgeId}`).map((e) => e.action);
    expect(actions).toEqual(['edge.rotate_password', 'edge.register']);
    for (const action of ['room.save', 'camera.update']) expect(audit.some((e) => e.action === action), action).toBe(true);
  });

  it('admin adds a supervisor with a generated password, who signs in and sees the institution', async () => {
    const typed = rid('sup-onb');
    const username = `${typed}@${a.institutionId}`;
    const res = await call(adminToken, 'POST', '/api/users', { username: typed, displayName: '新保育员', role: 'supervisor' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { user: { institutionId: string; role: string }; password: string };
    expect(body.user).toMatchObject({ username, role: 'supervisor', institutionId: a.institutionId, regionId: null });
    const token = await login(th, { username, password: body.password });
    const page = (await call(token, 'GET', '/api/incidents')).json() as IncidentPage;
    expect(page.total).toBe(2);

    const chosen = await call(adminToken, 'POST', '/api/users', { username: rid('adm-onb'), displayName: '副园长', role: 'institution_admin', password: 'a-long-enough-secret' });
    expect(chosen.json()).toMatchObject({ password: null, user: { role: 'institution_admin' } });
    // Taken in the admin's own namespace: 409, typed either way.
    expect((await call(adminToken, 'POST', '/api/users', { username: typed, displayName: 'again', role: 'supervisor' })).statusCode).toBe(409);
    expect((await call(adminToken, 'POST', '/api/users', { username, displayName: 'again', role: 'supervisor' })).statusCode).toBe(409);
  });

  it('a regulator registers an institution in its region, not outside it', async () => {
    const id = rid('inst-new');
    const res = await call(regulatorToken, 'POST', '/api/institutions', { id, name: '新开托育点', level: 'unrated', townId: rid('town'), districtId: a.districtId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: true, institution: { id, registered: true } });
    const again = await call(regulatorToken, 'POST', '/api/institutions', { id, name: '新开托育点', level: 'level3', townId: 'town-z', districtId: a.districtId });
    expect(again.json()).toMatchObject({ created: false, institution: { level: 'level3' } });
    const mine = (await call(regulatorToken, 'GET', '/api/institutions')).json() as InstitutionView[];
    expect(mine.map((i) => i.id).sort()).toEqual([a.institutionId, id].sort());

    const outside = await call(regulatorToken, 'POST', '/api/institutions', { id: rid('inst-far'), name: 'far', level: 'level1', townId: 'town-far', districtId: 'district-far' });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('FORBIDDEN');
    // An institution admin cannot register institutions at all.
    expect((await call(adminToken, 'POST', '/api/institutions', { id: rid('inst-x'), name: 'x', level: 'level1', townId: 'x', districtId: a.districtId })).statusCode).toBe(403);
    const audit = (await call(regulatorToken, 'GET', '/api/audit')).json() as Array<{ action: string; target: string }>;
    expect(audit.filter((e) => e.target === `institution:${id}`).map((e) => e.action)).toEqual(['institution.update', 'institution.register']);
  });
});
