/**
 * Issue 25's whole path with the REAL edge code and the real face models, on a real hub
 * (embedded aedes broker, SQLite): roster → consent → the hub's config reaches the edge
 * (its publisher and config channel) and is acknowledged → enrolment on the edge (refused
 * without consent) → check-in by face (the edge's EntranceCamera on FG-NET photos,
 * AttendanceEvents through the edge's durable outbox) and by hand → cross-check against the
 * people the room camera saw (the edge's status) → monthly report → regulator approval →
 * consent withdrawal → the edge deletes the templates and the hub records it. Along the way
 * every MQTT payload the broker carries and every table of the hub's database are inspected
 * for face images or templates.
 *
 * Needs FG-NET (ANYU_DATA_DIR/faces/fgnet; CI sets ANYU_DATA_DIR); skips with a
 * printed reason without it, fails under ANYU_REQUIRE_DATA=1.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigChannel } from '../../edge/attendance/config-channel.ts';
import { EntranceCamera } from '../../edge/attendance/entrance.ts';
import { FaceModels } from '../../edge/attendance/face-models.ts';
import { decodeJpeg } from '../../edge/attendance/image.ts';
import { ConsentError, DEFAULT_DESCRIPTOR, FaceRecognizer } from '../../edge/attendance/recognizer.ts';
import { TemplateStore } from '../../edge/attendance/template-store.ts';
import { HubConfig } from '../../edge/config/index.ts';
import { createPublisher, type Publisher } from '../../edge/publish/index.ts';
import { SCHEMA_VERSION, type AttendanceEvent, type AttendanceEventView, type ChildView, type EdgeConfigState, type EdgeStatus, type SubsidyReport } from '../../protocol/index.ts';
import { previousMonth } from '../hub/attendance-scenario.ts';
import { createTenant, login, startTestHub, waitFor, type Tenant, type TestHub } from '../hub/hub-helpers.ts';
import { fgnetPath, fgnetPhotos, requireFgnetOrWarn } from '../attendance/fgnet.ts';

const HAVE = requireFgnetOrWarn('attendance end to end');
const KEY = Buffer.alloc(32, 9);

/** Any run of ≥ 32 numbers in a JSON array: what a face descriptor or template looks like. */
const NUMBER_RUN = /\[\s*-?\d+(\.\d+)?(e-?\d+)?(\s*,\s*-?\d+(\.\d+)?(e-?\d+)?){31,}/i;
const JPEG_SOI = Buffer.from([0xff, 0xd8, 0xff]);

describe.skipIf(!HAVE)('attendance end to end: real edge face code, real hub', () => {
  let th: TestHub;
  let a: Tenant;
  let admin: string;
  let supervisor: string;
  let regulator: string;
  let publisher: Publisher;
  let recognizer: FaceRecognizer;
  let channel: ConfigChannel;
  let edgeDir: string;
  const acks: number[] = [];
  /** Every payload the broker carried, by topic. */
  const carried: { topic: string; payload: Buffer }[] = [];
  const month = previousMonth();
  const photo = (file: string) => readFileSync(fgnetPath(fgnetPhotos().find((p) => p.file === file)!));

  const call = async <T>(token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object | string, headers: Record<string, string> = {}) => {
    const res = await th.hub.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload !== undefined ? { payload } : {}) });
    return { status: res.statusCode, body: (res.headers['content-type']?.toString().includes('json') ? res.json() : res.body) as T };
  };
  const edgeState = async () => (await call<EdgeConfigState[]>(admin, 'GET', '/api/edges/config')).body.find((e) => e.edgeId === a.edgeId);

  beforeAll(async () => {
    th = await startTestHub({ listen: false, configRetry: { initialMs: 500, maxMs: 2000 } });
    // Every message through the broker, the edge's and the hub's own (config) alike.
    th.hub.broker!.aedes.on('publish', (packet) => {
      if (packet.topic.startsWith('anyu/')) carried.push({ topic: packet.topic, payload: Buffer.from(packet.payload as Buffer) });
    });
    a = await createTenant(th.store, 'e2e');
    admin = await login(th, a.users.institution_admin);
    supervisor = await login(th, a.users.supervisor);
    regulator = await login(th, a.users.regulator);

    // The edge, as edge/compose.ts wires it: models, encrypted template store, recognizer,
    // publisher (outbox), config channel applying consent and acknowledging.
    edgeDir = mkdtempSync(join(tmpdir(), 'anyu-e2e-edge-'));
    const models = await FaceModels.load({ descriptors: [DEFAULT_DESCRIPTOR], liveness: true });
    recognizer = new FaceRecognizer(models, TemplateStore.open(join(edgeDir, 'templates.enc'), KEY));
    const status: EdgeStatus = { schema: SCHEMA_VERSION, institutionId: a.institutionId, edgeId: a.edgeId, state: 'offline', version: 'e2e', at: new Date().toISOString(), uptimeS: 0, cameras: [] };
    publisher = createPublisher({
      hub: HubConfig.parse({ url: th.hub.mqttUrl, institutionId: a.institutionId, edgeId: a.edgeId, username: a.edgeId, password: a.edgePassword }),
      outboxDir: join(edgeDir, 'outbox'),
      willStatus: () => status,
    });
    channel = new ConfigChannel({
      institutionId: a.institutionId, edgeId: a.edgeId, store: recognizer.store, stateFile: join(edgeDir, 'edge-config.json'),
      publishAck: (ack) => {
        acks.push(ack.version);
        publisher.publishConfigAck(ack);
      },
      onConsent: (ids) => recognizer.setConsent(ids),
    });
    await channel.start();
    publisher.onConfig((p) => void channel.handle(p));
  }, 180_000);
  afterAll(async () => {
    await publisher?.close();
    await th?.close();
  });

  it('roster: three children imported from CSV', async () => {
    const csv = [
      'id,name,birthMonth,classType,roomId,enrolledFrom,enrolledTo,guardianName,guardianRelation,guardianPhone',
      'child-002,王小二,2024-06,,room-1,2026-01-01,,王妈妈,mother,13800000002',
      'child-003,李小三,2024-08,,room-1,2026-01-01,,李爸爸,father,13800000003',
      'child-009,赵小九,2024-09,,room-1,2026-01-01,,赵奶奶,grandmother,13800000009',
    ].join('\n');
    const res = await call<{ imported: number }>(admin, 'POST', '/api/children/import', csv, { 'content-type': 'text/csv' });
    expect(res.body).toEqual({ imported: 3 });
  });

  it('consent: the hub publishes config, the edge applies and acknowledges it; enrolment only with consent', async () => {
    expect(recognizer.store.childIds()).toEqual([]);
    // Before any consent the edge refuses to enrol.
    await expect(recognizer.enrol('child-002', [photo('002A03.JPG')])).rejects.toBeInstanceOf(ConsentError);
    expect((await call(admin, 'POST', '/api/children/child-002/consent', { scope: 'face', guardianName: '王妈妈' })).status).toBe(200);
    const s = await waitFor('the edge acked the consent', async () => {
      const x = await edgeState();
      return x && x.ackedVersion === x.version ? x : undefined;
    }, 20_000);
    expect(s.ackOk).toBe(true);
    // Enrolment happens on the edge (photos never leave it), now allowed for child-002 only.
    await recognizer.enrol('child-002', [photo('002A03.JPG')]);
    await expect(recognizer.enrol('child-003', [photo('003A18.JPG')])).rejects.toBeInstanceOf(ConsentError);
    // The next config version (an admin's push) carries the enrolment back in the ack.
    await call(admin, 'POST', '/api/edges/config/push');
    const after = await waitFor('enrolment reported', async () => {
      const x = await edgeState();
      return x && x.ackedVersion === x.version && x.enrolled.includes('child-002') ? x : undefined;
    }, 20_000);
    expect(after.enrolled).toEqual(['child-002']);
    const child = (await call<ChildView[]>(admin, 'GET', '/api/children')).body.find((c) => c.id === 'child-002')!;
    expect(child).toMatchObject({ faceConsent: true, enrolledOn: [a.edgeId] });
  }, 60_000);

  it('check-in by face at the entrance camera (a later photo of the child) and by hand', async () => {
    const events: AttendanceEvent[] = [];
    const door = (direction: 'in' | 'out') => new EntranceCamera({
      institutionId: a.institutionId, edgeId: a.edgeId, cameraId: 'entrance-1', recognise: (img) => recognizer.recognise(img),
      publish: (ev) => {
        events.push(ev);
        publisher.publishAttendance(ev);
      },
      analysisFps: 2, direction,
    });
    const img = decodeJpeg(photo('002A05.JPG'));
    for (const [d, direction, time] of [[3, 'in', '07:58:00'], [3, 'out', '16:40:00']] as const) {
      const cam = door(direction);
      const t0 = Date.parse(`${month}-0${d}T${time}+08:00`);
      for (let s = 0; s <= 3; s++) await cam.onFrame(img, new Date(t0 + s * 1000));
      cam.flush(t0 + 60_000);
    }
    expect(events.map((e) => [e.childId, e.direction, e.source])).toEqual([['child-002', 'in', 'face'], ['child-002', 'out', 'face']]);
    const date = `${month}-03`;
    const stored = await waitFor('both face events at the hub', async () => {
      const e = (await call<AttendanceEventView[]>(supervisor, 'GET', `/api/attendance/events?date=${date}`)).body;
      return e.length === 2 ? e : undefined;
    }, 20_000);
    // Below the accept threshold the edge proposes; staff confirm with one tap.
    for (const e of stored.filter((x) => x.state === 'pending')) {
      expect((await call(supervisor, 'POST', `/api/attendance/events/${e.id}/decide`, { accept: true })).status).toBe(200);
    }
    console.log(`face events: ${stored.map((e) => `${e.direction} confidence ${e.confidence.toFixed(3)} ${e.needsConfirm ? 'confirmed by staff' : 'accepted'}`).join('; ')}`);
    // The other two children by hand (no consent: the non-face path).
    await call(supervisor, 'POST', '/api/attendance/check', { childIds: ['child-003', 'child-009'], direction: 'in', at: `${date}T08:05:00+08:00` });
    await call(supervisor, 'POST', '/api/attendance/check', { childIds: ['child-003', 'child-009'], direction: 'out', at: `${date}T12:30:00+08:00` });
    const days = (await call<{ childId: string; minutes: number; sources: string[] }[]>(supervisor, 'GET', `/api/attendance/days?from=${date}&to=${date}`)).body;
    expect(days.map((d) => [d.childId, d.minutes, d.sources])).toEqual([['child-002', 522, ['face']], ['child-003', 265, ['staff']], ['child-009', 265, ['staff']]]);
  }, 60_000);

  it('cross-check: three checked in, the room camera never saw more than one person', async () => {
    publisher.publishStatus({
      schema: SCHEMA_VERSION, institutionId: a.institutionId, edgeId: a.edgeId, state: 'online', version: 'e2e', at: new Date().toISOString(), uptimeS: 100,
      cameras: [{ id: a.cameraId, state: 'online', expectedFps: 5, deliveredFps: 5, analysedFps: 5, reconnectsLastHour: 0, stallsLastHour: 0, lastFrameAt: null, peopleSeen: { since: `${month}-03T00:00:00+08:00`, max: 1 } }],
    });
    const flags = await waitFor('flag', async () => {
      const f = (await call<unknown[]>(admin, 'GET', `/api/attendance/cross-check?from=${month}-01&to=${month}-28`)).body;
      return f.length > 0 ? f : undefined;
    }, 20_000);
    expect(flags).toEqual([{ institutionId: a.institutionId, roomId: 'room-1', date: `${month}-03`, checkedIn: 3, maxPeopleSeen: 1 }]);
  });

  it('monthly report → submitted and locked → approved by the regulator', async () => {
    const r = (await call<SubsidyReport>(admin, 'GET', `/api/attendance/report?month=${month}`)).body;
    expect(r.rows.map((x) => [x.childId, x.fullDays, x.halfDays])).toEqual([['child-002', 1, 0], ['child-003', 0, 1], ['child-009', 0, 1]]);
    expect((await call(admin, 'POST', '/api/attendance/report/submit', { month })).status).toBe(200);
    expect((await call(admin, 'POST', '/api/attendance/report/submit', { month })).status).toBe(409);
    const approved = await call<SubsidyReport>(regulator, 'POST', `/api/attendance/submissions/${a.institutionId}/${month}/approve`);
    expect(approved.body).toMatchObject({ status: 'approved', totals: { children: 3, fullDays: 1, halfDays: 2, countedDays: 2 } });
  });

  it('consent withdrawal: the edge deletes the templates, acknowledges it, and no longer recognises the child', async () => {
    expect((await call(admin, 'DELETE', '/api/children/child-002/consent')).status).toBe(200);
    const s = await waitFor('deletion acknowledged', async () => {
      const x = await edgeState();
      return x && x.ackedVersion === x.version && x.enrolled.length === 0 ? x : undefined;
    }, 20_000);
    expect(s.deletedAt).not.toBeNull();
    expect(TemplateStore.open(join(edgeDir, 'templates.enc'), KEY).childIds()).toEqual([]);
    expect(await recognizer.recognise(decodeJpeg(photo('002A05.JPG')))).toEqual([]);
    const child = (await call<ChildView[]>(admin, 'GET', '/api/children')).body.find((c) => c.id === 'child-002')!;
    expect(child).toMatchObject({ faceConsent: false, enrolledOn: [] });
    const audit = (await call<{ action: string }[]>(admin, 'GET', '/api/audit?limit=200')).body.map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['consent.grant', 'consent.withdraw', 'config.publish', 'config.ack', 'report.submit', 'report.approve']));
  }, 60_000);

  it('no face image or template reached the hub: every MQTT payload and every table inspected', async () => {
    const kinds = new Set(carried.map((c) => c.topic.split('/')[4]));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['attendance', 'config', 'config-ack', 'status']));
    for (const c of carried) {
      expect(c.payload.subarray(0, 3).equals(JPEG_SOI), c.topic).toBe(false);
      const text = c.payload.toString('utf8');
      expect(NUMBER_RUN.test(text), c.topic).toBe(false);
      expect(c.payload.length, c.topic).toBeLessThan(8 * 1024);
    }
    // The detector above does catch a descriptor (so this check can fail).
    expect(NUMBER_RUN.test(JSON.stringify({ d: Array.from({ length: 128 }, (_, i) => Math.sin(i)) }))).toBe(true);
    const db = new Database(join(th.dataDir, 'anyu.db'), { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      let cells = 0;
      for (const table of tables) {
        for (const row of db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]) {
          for (const [col, v] of Object.entries(row)) {
            cells++;
            expect(Buffer.isBuffer(v), `${table}.${col} holds binary data`).toBe(false);
            if (typeof v === 'string') expect(NUMBER_RUN.test(v), `${table}.${col}`).toBe(false);
          }
        }
      }
      expect(cells).toBeGreaterThan(100);
    } finally {
      db.close();
    }
  });
});
