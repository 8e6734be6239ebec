/**
 * Socket.IO: authenticated handshake, runtime validation of client events (`{ error }`
 * acks), the ack action shared with REST, and connection-state recovery after a short
 * disconnect (missed incidents are replayed, `socket.recovered` is true).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { io as ioClient } from 'socket.io-client';
import { topics, type IncidentView } from '../../protocol/index.ts';
import {
  collectIncidents,
  connectEdge,
  connectLive,
  createTenant,
  incidentEvent,
  login,
  startTestHub,
  waitFor,
  type LiveSocket,
  type Tenant,
  type TestHub,
} from './hub-helpers.ts';

describe('live push over Socket.IO', () => {
  let th: TestHub;
  let a: Tenant;
  let edge: MqttClient;
  const sockets: LiveSocket[] = [];

  beforeAll(async () => {
    th = await startTestHub();
    a = await createTenant(th.store, 'a');
    edge = await connectEdge(th.hub.mqttUrl, a);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await edge?.endAsync();
    await th?.close();
  });

  const open = async (over: Parameters<typeof incidentEvent>[1] = {}) => {
    const ev = incidentEvent(a, over);
    await edge.publishAsync(topics.incident(a.institutionId, a.edgeId), JSON.stringify(ev), { qos: 1 });
    return ev;
  };

  it('refuses a handshake without a valid session', async () => {
    const socket: LiveSocket = ioClient(th.url, { auth: { token: 'not-a-session-token-at-all' }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(err.message).toBe('UNAUTHENTICATED');
  });

  it('accepts the session cookie in the handshake', async () => {
    const res = await th.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: a.users.supervisor });
    const cookie = res.cookies.find((c) => c.name === 'anyu_session')!;
    const socket: LiveSocket = ioClient(th.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: `anyu_session=${cookie.value}` } });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const seen = collectIncidents(socket);
    const ev = await open();
    await waitFor('incident over cookie session', () => seen.find((v) => v.id === ev.id));
  });

  it('answers invalid event payloads with { error } and keeps the connection', async () => {
    const socket = await connectLive(th.url, await login(th, a.users.supervisor));
    sockets.push(socket);
    const bad1 = await socket.emitWithAck('incident:ack', { id: '../../etc/passwd' });
    expect(bad1).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    const bad2 = await socket.emitWithAck('incident:ack', 42 as never);
    expect('error' in bad2 && bad2.error.code).toBe('BAD_REQUEST');
    const bad3 = await socket.emitWithAck('camera:watch', {} as never);
    expect('error' in bad3 && bad3.error.code).toBe('BAD_REQUEST');
    const missing = await socket.emitWithAck('incident:ack', { id: 'no-such-incident' });
    expect('error' in missing && missing.error.code).toBe('NOT_FOUND');
    expect(socket.connected).toBe(true);
    expect(await socket.emitWithAck('camera:watch', { cameraId: a.cameraId })).toEqual({ data: true });
  });

  it('acknowledges over Socket.IO like REST: audited and pushed to the institution', async () => {
    const supervisor = await connectLive(th.url, await login(th, a.users.supervisor));
    const admin = await connectLive(th.url, await login(th, a.users.institution_admin));
    const regulator = await connectLive(th.url, await login(th, a.users.regulator));
    sockets.push(supervisor, admin, regulator);
    const seenAdmin = collectIncidents(admin);
    const ev = await open();
    await waitFor('incident at admin', () => seenAdmin.find((v) => v.id === ev.id));

    const denied = await regulator.emitWithAck('incident:ack', { id: ev.id });
    expect('error' in denied && denied.error.code).toBe('FORBIDDEN');
    const res = await supervisor.emitWithAck('incident:ack', { id: ev.id });
    expect('data' in res && res.data).toMatchObject({ id: ev.id, status: 'acknowledged', acknowledgedBy: a.users.supervisor.username });
    await waitFor('ack pushed to admin', () => seenAdmin.find((v) => v.id === ev.id && v.status === 'acknowledged'));
    const audit = await th.store.listAudit({ kind: 'institution', institutionId: a.institutionId }, 50);
    expect(audit.some((e) => e.action === 'incident.ack' && e.target === `incident:${ev.id}`)).toBe(true);
  });

  it('recovers after a short disconnect and replays what was missed', async () => {
    const socket: LiveSocket = ioClient(th.url, {
      auth: { token: await login(th, a.users.supervisor) },
      transports: ['websocket'],
      reconnectionDelay: 200,
      reconnectionDelayMax: 400,
    });
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    expect(socket.recovered).toBe(false);
    const seen: IncidentView[] = collectIncidents(socket);
    // Recovery needs an offset: the client must have received at least one event.
    const before = await open();
    await waitFor('first incident', () => seen.find((v) => v.id === before.id));

    const reconnected = new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));
    const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    socket.io.engine.close();
    await disconnected;
    const missed = await open({ kind: 'unattended' });
    await waitFor('missed incident stored', async () => (await th.store.getIncident({ kind: 'all' }, missed.id)) !== null);
    await reconnected;
    await waitFor('missed incident replayed', () => seen.find((v) => v.id === missed.id));
    expect(socket.recovered).toBe(true);
  });
});
