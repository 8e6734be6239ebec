/**
 * The hub's end-to-end scenario, run against the embedded aedes broker and, when
 * MQTT_URL is set, against the machine's Mosquitto (the hub then is only a client).
 * Edge (mqtt.js) → broker → ingest → store → REST and Socket.IO.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { topics, type IncidentView } from '../../protocol/index.ts';
import {
  collectIncidents,
  connectEdge,
  connectLive,
  createTenant,
  incidentEvent,
  login,
  metricValue,
  startTestHub,
  waitFor,
  type LiveSocket,
  type StoreFactory,
  type Tenant,
  type TestHub,
} from './hub-helpers.ts';

export function defineE2E(mode: ({ kind: 'embedded' } | { kind: 'external'; url: string }) & { makeStore?: StoreFactory }): void {
  let th: TestHub;
  let a: Tenant;
  let b: Tenant;
  let edgeA: MqttClient;
  let edgeB: MqttClient;
  let liveA: LiveSocket;
  let liveB: LiveSocket;
  let regulatorA: LiveSocket;
  let seenA: IncidentView[];
  let seenB: IncidentView[];
  let seenRegulatorA: IncidentView[];
  let tokenA: string;
  let tokenB: string;
  let brokerUrl: string;
  const first = { id: '' };

  const api = (token: string, url: string) =>
    th.hub.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    th = await startTestHub({
      ...(mode.kind === 'external' ? { mqtt: { url: mode.url } } : {}),
      ...(mode.makeStore ? { makeStore: mode.makeStore } : {}),
    });
    brokerUrl = th.hub.mqttUrl;
    a = await createTenant(th.store, 'a');
    b = await createTenant(th.store, 'b');
    tokenA = await login(th, a.users.supervisor);
    tokenB = await login(th, b.users.supervisor);
    liveA = await connectLive(th.url, tokenA);
    liveB = await connectLive(th.url, tokenB);
    regulatorA = await connectLive(th.url, await login(th, a.users.regulator));
    seenA = collectIncidents(liveA);
    seenB = collectIncidents(liveB);
    seenRegulatorA = collectIncidents(regulatorA);
    edgeA = await connectEdge(brokerUrl, a);
    edgeB = await connectEdge(brokerUrl, b);
  });

  afterAll(async () => {
    for (const s of [liveA, liveB, regulatorA]) s?.disconnect();
    await Promise.all([edgeA?.endAsync(), edgeB?.endAsync()]);
    await th?.close();
  });

  it('delivers an incident published by an authenticated edge to REST and to its own institution live', async () => {
    const ev = incidentEvent(a);
    first.id = ev.id;
    await edgeA.publishAsync(topics.incident(a.institutionId, a.edgeId), JSON.stringify(ev), { qos: 1 });

    const pushed = await waitFor('live push to institution A', () => seenA.find((v) => v.id === ev.id));
    expect(pushed).toMatchObject({ id: ev.id, kind: 'fall', status: 'new', active: true, institutionId: a.institutionId });
    await waitFor('live push to the regulator of A', () => seenRegulatorA.find((v) => v.id === ev.id));

    const res = await api(tokenA, `/api/incidents/${ev.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: ev.id, seq: 0, severity: 'warning', cameraId: a.cameraId });
    expect(res.json().timeline[0]).toMatchObject({ type: 'opened' });
    expect((await api(tokenB, `/api/incidents/${ev.id}`)).statusCode).toBe(404);
  });

  it('keeps a duplicate delivery as one incident', async () => {
    const before = await metricValue(th, 'anyu_ingest_messages_total', { kind: 'incident', outcome: 'duplicate' });
    const dup = incidentEvent(a, { id: first.id });
    await edgeA.publishAsync(topics.incident(a.institutionId, a.edgeId), JSON.stringify(dup), { qos: 1 });
    await waitFor('duplicate counted', async () =>
      (await metricValue(th, 'anyu_ingest_messages_total', { kind: 'incident', outcome: 'duplicate' })) > before);
    const page = (await api(tokenA, `/api/incidents?cameraId=${a.cameraId}`)).json();
    expect(page.items.filter((v: IncidentView) => v.id === first.id)).toHaveLength(1);
    expect(page.total).toBe(1);
  });

  it('applies an update to the same incident', async () => {
    const upd = incidentEvent(a, { id: first.id, type: 'update', seq: 1, severity: 'critical', message: 'child still on the floor' });
    await edgeA.publishAsync(topics.incident(a.institutionId, a.edgeId), JSON.stringify(upd), { qos: 1 });
    const pushed = await waitFor('update pushed', () => seenA.find((v) => v.id === first.id && v.seq === 1));
    expect(pushed.severity).toBe('critical');
    const detail = (await api(tokenA, `/api/incidents/${first.id}`)).json();
    expect(detail).toMatchObject({ seq: 1, severity: 'critical', message: 'child still on the floor' });
  });

  it('rejects and counts malformed payloads, stores nothing, and keeps serving', async () => {
    const json0 = await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'json' });
    const schema0 = await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'schema' });
    const mismatch0 = await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'id_mismatch' });
    const topic = topics.incident(a.institutionId, a.edgeId);
    await edgeA.publishAsync(topic, '{"type":"open",', { qos: 1 });
    const bad = { ...incidentEvent(a), kind: 'earthquake' };
    await edgeA.publishAsync(topic, JSON.stringify(bad), { qos: 1 });
    // Ids in the payload that disagree with the topic it came on.
    const spoof = incidentEvent({ ...a, institutionId: b.institutionId });
    await edgeA.publishAsync(topic, JSON.stringify(spoof), { qos: 1 });

    const large0 = await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'too_large' });
    await edgeA.publishAsync(topic, JSON.stringify({ ...incidentEvent(a), message: 'x'.repeat(300_000) }), { qos: 1 });
    await waitFor('oversized counted', async () => (await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'too_large' })) > large0);
    await waitFor('json rejection counted', async () => (await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'json' })) > json0);
    await waitFor('schema rejection counted', async () => (await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'schema' })) > schema0);
    await waitFor('id mismatch counted', async () => (await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'id_mismatch' })) > mismatch0);
    expect(await th.store.getIncident({ kind: 'all' }, bad.id)).toBeNull();
    expect(await th.store.getIncident({ kind: 'all' }, spoof.id)).toBeNull();
    expect((await th.hub.app.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({ status: 'ok' });
    // The edge's link survived: a good incident right after still goes through.
    const next = incidentEvent(a, { kind: 'crowding' });
    await edgeA.publishAsync(topic, JSON.stringify(next), { qos: 1 });
    await waitFor('incident after bad ones', () => seenA.find((v) => v.id === next.id));
  });

  it('stores a JPEG snapshot and rejects bytes that are not JPEG', async () => {
    const notJpeg0 = await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'not_jpeg' });
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1), Buffer.from([0xff, 0xd9])]);
    await edgeA.publishAsync(topics.snapshot(a.institutionId, a.edgeId, first.id), Buffer.from('not an image'), { qos: 1 });
    await edgeA.publishAsync(topics.snapshot(a.institutionId, a.edgeId, first.id), jpeg, { qos: 1 });
    await waitFor('snapshot flag pushed', () => seenA.find((v) => v.id === first.id && v.hasSnapshot));
    expect(await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'not_jpeg' })).toBeGreaterThan(notJpeg0);
    const res = await api(tokenA, `/api/incidents/${first.id}/snapshot`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.rawPayload.equals(jpeg)).toBe(true);
  });

  if (mode.kind === 'embedded') {
    it('refuses an edge publishing under another institution, and the hub never stores it', async () => {
      const refused0 = await metricValue(th, 'anyu_broker_refused_total', { action: 'publish' });
      const intruder = await connectEdge(brokerUrl, a);
      const closed = new Promise<void>((resolve) => intruder.once('close', () => resolve()));
      const forged = incidentEvent(b);
      intruder.publish(topics.incident(b.institutionId, b.edgeId), JSON.stringify(forged), { qos: 1 });
      await closed;
      expect(await metricValue(th, 'anyu_broker_refused_total', { action: 'publish' })).toBeGreaterThan(refused0);
      // Barrier: B's own next incident is processed after anything the broker let through.
      const own = incidentEvent(b);
      await edgeB.publishAsync(topics.incident(b.institutionId, b.edgeId), JSON.stringify(own), { qos: 1 });
      await waitFor('B own incident', () => seenB.find((v) => v.id === own.id));
      expect(await th.store.getIncident({ kind: 'all' }, forged.id)).toBeNull();
      await intruder.endAsync(true);
    });

    it('refuses a subscription outside the edge subtree', async () => {
      const refused0 = await metricValue(th, 'anyu_broker_refused_total', { action: 'subscribe' });
      // SUBACK 0x80 for the foreign filter; mqtt.js reports it as a subscribe error.
      await expect(edgeA.subscribeAsync(topics.incident(b.institutionId, b.edgeId), { qos: 1 })).rejects.toThrow(/Subscribe error/);
      await expect(edgeA.subscribeAsync('anyu/v1/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
      expect(await metricValue(th, 'anyu_broker_refused_total', { action: 'subscribe' })).toBe(refused0 + 2);
      const own = await edgeA.subscribeAsync(topics.config(a.institutionId, a.edgeId), { qos: 1 });
      expect(own[0]?.qos).toBe(1);
    });

    it('refuses a wrong edge password and an unknown edge', async () => {
      await expect(connectEdge(brokerUrl, { edgeId: a.edgeId, edgePassword: 'wrong-password' })).rejects.toThrow(/[Bb]ad username or password|Not authorized/);
      await expect(connectEdge(brokerUrl, { edgeId: 'no-such-edge', edgePassword: 'x' })).rejects.toThrow(/[Bb]ad username or password|Not authorized/);
      await expect(connectEdge(brokerUrl, null)).rejects.toThrow(/[Bb]ad username or password|Not authorized/);
      expect(await metricValue(th, 'anyu_broker_refused_total', { action: 'connect' })).toBeGreaterThanOrEqual(3);
    });
  }

  if (mode.kind === 'external') {
    it('rejects incidents of an institution the hub does not know (open broker)', async () => {
      const before = await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'unknown_institution' });
      const stranger = { institutionId: `${a.institutionId}-unknown`, edgeId: a.edgeId, cameraId: a.cameraId };
      const ev = incidentEvent(stranger);
      await edgeA.publishAsync(topics.incident(stranger.institutionId, stranger.edgeId), JSON.stringify(ev), { qos: 1 });
      await waitFor('unknown institution counted', async () =>
        (await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'unknown_institution' })) > before);
      expect(await th.store.getIncident({ kind: 'all' }, ev.id)).toBeNull();
    });
  }

  it('never pushed institution A incidents to institution B', async () => {
    const own = incidentEvent(b, { kind: 'ratio' });
    await edgeB.publishAsync(topics.incident(b.institutionId, b.edgeId), JSON.stringify(own), { qos: 1 });
    await waitFor('B receives its own incident', () => seenB.find((v) => v.id === own.id));
    expect(seenB.length).toBeGreaterThan(0);
    expect(seenB.every((v) => v.institutionId === b.institutionId)).toBe(true);
    expect(seenA.every((v) => v.institutionId === a.institutionId)).toBe(true);
    expect(seenRegulatorA.every((v) => v.institutionId === a.institutionId)).toBe(true);
  });

  it('records edge status and pushes it', async () => {
    const statuses: unknown[] = [];
    liveA.on('edge:status', (s) => statuses.push(s));
    const status = {
      schema: 1,
      institutionId: a.institutionId,
      edgeId: a.edgeId,
      state: 'online',
      version: '0.1.0',
      at: new Date().toISOString(),
      uptimeS: 12,
      cameras: [{ id: a.cameraId, state: 'online', expectedFps: 5, deliveredFps: 5, analysedFps: 4.8, reconnectsLastHour: 0, stallsLastHour: 0, lastFrameAt: new Date().toISOString() }],
    };
    await edgeA.publishAsync(topics.status(a.institutionId, a.edgeId), JSON.stringify(status), { qos: 1, retain: true });
    await waitFor('status pushed', () => statuses.length > 0);
    const cams = (await api(tokenA, '/api/cameras')).json();
    expect(cams.find((c: { id: string }) => c.id === a.cameraId)).toMatchObject({ state: 'online', analysedFps: 4.8 });
    // Clear the retained message so a shared broker does not keep it.
    await edgeA.publishAsync(topics.status(a.institutionId, a.edgeId), '', { qos: 1, retain: true });
  });

  it('marks an edge offline through its Last Will when its link drops', async () => {
    const statuses: Array<{ edgeId: string; state: string }> = [];
    liveA.on('edge:status', (st) => statuses.push(st));
    const at = new Date().toISOString();
    const camera = { id: a.cameraId, expectedFps: 5, deliveredFps: 0, analysedFps: 0, reconnectsLastHour: 0, stallsLastHour: 0, lastFrameAt: null };
    const offline = { schema: 1, institutionId: a.institutionId, edgeId: a.edgeId, state: 'offline', version: '0.1.0', at, uptimeS: 0, cameras: [{ ...camera, state: 'offline' }] };
    const online = { ...offline, state: 'online', cameras: [{ ...camera, state: 'online', deliveredFps: 5, analysedFps: 5, lastFrameAt: at }] };
    const willTopic = topics.status(a.institutionId, a.edgeId);
    const mortal = await connectEdge(brokerUrl, a, { will: { topic: willTopic, payload: Buffer.from(JSON.stringify(offline)), qos: 1, retain: true } });
    await mortal.publishAsync(willTopic, JSON.stringify(online), { qos: 1, retain: true });
    await waitFor('online status', () => statuses.find((st) => st.edgeId === a.edgeId && st.state === 'online'));
    // A dropped TCP link, not a clean DISCONNECT: the broker must publish the will.
    mortal.stream.destroy();
    await waitFor('will received', () => statuses.find((st) => st.edgeId === a.edgeId && st.state === 'offline'));
    const cams = (await api(tokenA, '/api/cameras')).json();
    expect(cams.find((c: { id: string }) => c.id === a.cameraId)).toMatchObject({ state: 'offline' });
    await mortal.endAsync(true);
    await edgeA.publishAsync(willTopic, '', { qos: 1, retain: true });
  });
}
