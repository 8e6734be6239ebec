/**
 * Attacker suite: a regulator (or whoever holds a regulator's session) reading people's
 * data. Regulators supervise through statistics — no raw footage by default and no
 * children's data (DOMAIN.md) — so every way a regulator reads an incident (list, detail,
 * CSV export, snapshot, live push, the audit log's details) leaves out boxes, track ids, posture and age class,
 * fall measurements, the edge's free-text reason, the institution's notes and snapshots.
 * The institution's own people still see all of it (so these checks can fail).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import jpeg from 'jpeg-js';
import { topics, type IncidentEvent, type IncidentView } from '../../protocol/index.ts';
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
} from '../hub/hub-helpers.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const CHILD_NOTE = '小明 (Xiao Ming) bruised his knee; mother called';

/** Evidence as an edge sends it for a fall: people with boxes, track ids and age class. */
const PERSONAL_EVIDENCE: IncidentEvent['evidence'] = {
  counts: { adults: 1, children: 5 },
  persons: [
    { track: 3, box: [120, 80, 60, 140], score: 0.93, posture: 'lying', age: 'child' },
    { track: 7, box: [300, 60, 70, 180], score: 0.88, posture: 'upright', age: 'adult' },
  ],
  falls: [{ track: 3, path: 'pose', drop: 0.62, speed: 1.4, descentSeconds: 0.45 }],
  reason: 'track 3: pose path, head down 0.62 body heights',
  confidence: 0.91,
};

/** Whatever form it takes, nothing in `text` describes a person. */
function expectNoPersonalData(text: string): void {
  for (const needle of ['"persons"', '"box"', '"track"', '"falls"', 'track 3', '"posture"', '"age"', '小明', 'Xiao Ming']) {
    expect(text, needle).not.toContain(needle);
  }
}

describe("a regulator reads no people's data", () => {
  let th: TestHub;
  let a: Tenant;
  let regulator: string;
  let admin: string;
  let edge: MqttClient;
  let incidentId: string;

  beforeAll(async () => {
    th = await startTestHub({ loginRateLimit: { max: 1000, windowMs: 60_000 } });
    a = await createTenant(th.store, 'reg');
    regulator = await login(th, a.users.regulator);
    admin = await login(th, a.users.institution_admin);
    edge = await connectEdge(th.hub.mqttUrl, a);
    // A fall as the edge reports it, through the broker (stored before the PUBACK), with a
    // snapshot; the admin closes it with a note that names the child.
    const ev = incidentEvent(a, { kind: 'fall', severity: 'critical', evidence: PERSONAL_EVIDENCE });
    incidentId = ev.id;
    await edge.publishAsync(topics.incident(a.institutionId, a.edgeId), JSON.stringify(ev), { qos: 1 });
    const frame = jpeg.encode({ data: Buffer.alloc(32 * 32 * 4, 128), width: 32, height: 32 }, 80).data;
    await edge.publishAsync(topics.snapshot(a.institutionId, a.edgeId, ev.id), frame, { qos: 1 });
    await waitFor('the snapshot', async () => (await th.store.getSnapshot({ kind: 'all' }, ev.id)) !== null);
    const closed = await th.hub.app.inject({
      method: 'POST',
      url: `/api/incidents/${ev.id}/close`,
      headers: bearer(admin),
      payload: { outcome: 'minor_injury', note: CHILD_NOTE },
    });
    expect(closed.statusCode).toBe(200);
  });

  afterAll(async () => {
    await edge?.endAsync(true);
    await th?.close();
  });

  it('the institution admin sees the people, the note and the snapshot (the control)', async () => {
    const res = await th.hub.app.inject({ method: 'GET', url: `/api/incidents/${incidentId}`, headers: bearer(admin) });
    expect(res.json()).toMatchObject({ note: CHILD_NOTE, hasSnapshot: true, evidence: { persons: PERSONAL_EVIDENCE.persons } });
  });

  it('GET /api/incidents: counts, kind, times and outcome; no boxes, tracks, reason, note or snapshot', async () => {
    const res = await th.hub.app.inject({ method: 'GET', url: '/api/incidents', headers: bearer(regulator) });
    expect(res.statusCode).toBe(200);
    const item = (res.json() as { items: IncidentView[] }).items.find((i) => i.id === incidentId);
    expect(item).toMatchObject({ kind: 'fall', severity: 'critical', status: 'closed', outcome: 'minor_injury', roomId: 'room-1', note: null, hasSnapshot: false });
    expect(item?.evidence).toEqual({ counts: { adults: 1, children: 5 }, confidence: 0.91 });
    expectNoPersonalData(res.body);
  });

  it('GET /api/incidents/{id}: the timeline too (edge events and the close) carries none of it', async () => {
    const res = await th.hub.app.inject({ method: 'GET', url: `/api/incidents/${incidentId}`, headers: bearer(regulator) });
    expect(res.statusCode).toBe(200);
    const detail = res.json() as IncidentView & { timeline: { type: string; detail: Record<string, unknown> | null }[] };
    expect(detail.timeline.map((e) => e.type)).toEqual(['opened', 'closed']);
    expect(detail.timeline[1]?.detail).toEqual({ outcome: 'minor_injury' });
    expectNoPersonalData(res.body);
  });

  it('GET /api/incidents/export.csv and the snapshot: no note, and the JPEG is refused', async () => {
    const csv = await th.hub.app.inject({ method: 'GET', url: '/api/incidents/export.csv', headers: bearer(regulator) });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain(incidentId);
    expectNoPersonalData(csv.body);
    const adminCsv = await th.hub.app.inject({ method: 'GET', url: '/api/incidents/export.csv', headers: bearer(admin) });
    expect(adminCsv.body).toContain('小明');
    const snap = await th.hub.app.inject({ method: 'GET', url: `/api/incidents/${incidentId}/snapshot`, headers: bearer(regulator) });
    expect(snap.statusCode).toBe(403);
  });

  it("a person's alarm: its note (stored as its message) reaches neither the list, the detail, the CSV nor the regulator's live push", async () => {
    const sup = await login(th, a.users.supervisor);
    const regSocket = await connectLive(th.url, regulator);
    try {
      const pushed = collectIncidents(regSocket);
      const raised = await th.hub.app.inject({ method: 'POST', url: '/api/alarms', headers: bearer(sup), payload: { roomId: 'room-1', note: CHILD_NOTE } });
      expect(raised.statusCode).toBe(200);
      const id = (raised.json() as IncidentView).id;
      expect(raised.json()).toMatchObject({ message: CHILD_NOTE });
      const live = await waitFor('the alarm on the regulator socket', () => pushed.find((v) => v.id === id));
      expect(live).toMatchObject({ kind: 'alarm', roomId: 'room-1', message: null });
      for (const url of ['/api/incidents?kind=alarm', `/api/incidents/${id}`, '/api/incidents/export.csv?kind=alarm', '/api/audit?limit=100']) {
        const res = await th.hub.app.inject({ method: 'GET', url, headers: bearer(regulator) });
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).toContain(id);
        expectNoPersonalData(res.body);
      }
    } finally {
      regSocket.disconnect();
    }
  });

  it('GET /api/audit: the close is there (who, when, outcome) without its note', async () => {
    const res = await th.hub.app.inject({ method: 'GET', url: '/api/audit?limit=100', headers: bearer(regulator) });
    expect(res.statusCode).toBe(200);
    const entries = res.json() as { action: string; target: string; detail: Record<string, unknown> | null }[];
    expect(entries.find((e) => e.action === 'incident.close' && e.target === `incident:${incidentId}`)?.detail).toEqual({ outcome: 'minor_injury' });
    expectNoPersonalData(res.body);
    const forAdmin = await th.hub.app.inject({ method: 'GET', url: '/api/audit?limit=100', headers: bearer(admin) });
    expect(forAdmin.body).toContain('小明');
  });

  it('live push: the regulator\'s socket gets the incident without people, the supervisor\'s with them', async () => {
    let regSocket: LiveSocket | null = null;
    let supSocket: LiveSocket | null = null;
    try {
      regSocket = await connectLive(th.url, regulator);
      supSocket = await connectLive(th.url, await login(th, a.users.supervisor));
      const forRegulator = collectIncidents(regSocket);
      const forSupervisor = collectIncidents(supSocket);
      const ev = incidentEvent(a, { kind: 'fall', severity: 'critical', evidence: PERSONAL_EVIDENCE });
      await edge.publishAsync(topics.incident(a.institutionId, a.edgeId), JSON.stringify(ev), { qos: 1 });
      const sup = await waitFor('the supervisor push', () => forSupervisor.find((v) => v.id === ev.id));
      const reg = await waitFor('the regulator push', () => forRegulator.find((v) => v.id === ev.id));
      expect(sup.evidence.persons).toHaveLength(2);
      expect(reg.evidence).toEqual({ counts: { adults: 1, children: 5 }, confidence: 0.91 });
      expectNoPersonalData(JSON.stringify(forRegulator));
      // And after a reconnect the regulator's catch-up read is the same scoped list.
      const open = await th.hub.app.inject({ method: 'GET', url: '/api/incidents?active=true', headers: bearer(regulator) });
      expectNoPersonalData(open.body);
    } finally {
      regSocket?.disconnect();
      supSocket?.disconnect();
    }
  });
});
