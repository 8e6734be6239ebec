/**
 * Enrolment and recognition with the real face models on FG-NET photos: enrolment is
 * refused without the guardian's consent (in code and at the loopback endpoint, where a
 * refused photo is not even read), accepted with it; a later photo of the child is matched;
 * withdrawal (a new consent list without the child) deletes the templates, the ack says so,
 * and the child is no longer recognised.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigChannel } from '../../edge/attendance/config-channel.ts';
import { directionAt, EntranceCamera } from '../../edge/attendance/entrance.ts';
import { MAX_PHOTO_BYTES, postEnrolPhoto, startEnrolServer, type EnrolServer } from '../../edge/attendance/enrol-server.ts';
import { run } from '../../edge/cli/edge.ts';
import { createFaceRecognizer } from '../../edge/attendance/index.ts';
import { parseConfig } from '../../edge/config/index.ts';
import { FaceModels } from '../../edge/attendance/face-models.ts';
import { decodeJpeg } from '../../edge/attendance/image.ts';
import { ConsentError, DEFAULT_DESCRIPTOR, EnrolmentError, FaceRecognizer } from '../../edge/attendance/recognizer.ts';
import { TemplateStore } from '../../edge/attendance/template-store.ts';
import { SCHEMA_VERSION, type AttendanceEvent, type EdgeConfigAck } from '../../protocol/index.ts';
import { fgnetPath, fgnetPhotos, requireFgnetOrWarn } from './fgnet.ts';

const HAVE = requireFgnetOrWarn('attendance enrolment');
const KEY = Buffer.alloc(32, 3);

describe.skipIf(!HAVE)('face enrolment and recognition (real models, FG-NET)', () => {
  let models: FaceModels;
  let recognizer: FaceRecognizer;
  let server: EnrolServer;
  let dir: string;
  // Person 002: photos at 3 and 5 years (002A03, 002A05).
  const photo = (file: string) => readFileSync(fgnetPath(fgnetPhotos().find((p) => p.file === file)!));

  beforeAll(async () => {
    models = await FaceModels.load({ descriptors: [DEFAULT_DESCRIPTOR], liveness: true, minDetectionScore: 0.3, tinyFallback: true });
    dir = mkdtempSync(join(tmpdir(), 'anyu-enrol-'));
    recognizer = new FaceRecognizer(models, TemplateStore.open(join(dir, 'templates.enc'), KEY));
    server = await startEnrolServer({ host: '127.0.0.1', port: 0, recognizer });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('refuses enrolment without consent, in code and at the endpoint', async () => {
    recognizer.setConsent(['child-other']);
    await expect(recognizer.enrol('child-002', [photo('002A03.JPG')])).rejects.toBeInstanceOf(ConsentError);
    const port = Number(new URL(server.url).port);
    const res = await postEnrolPhoto({ host: '127.0.0.1', port }, 'child-002', photo('002A03.JPG'));
    expect(res.status).toBe(403);
    expect(String(res.body.error)).toMatch(/no face-recognition consent/);
    expect(recognizer.store.childIds()).toEqual([]);
  }, 60_000);

  it('enrols with consent through the endpoint and recognises a later photo of the child', async () => {
    recognizer.setConsent(['child-002', 'child-003']);
    const port = Number(new URL(server.url).port);
    const ok = await postEnrolPhoto({ host: '127.0.0.1', port }, 'child-002', photo('002A03.JPG'));
    expect(ok).toEqual({ status: 201, body: { childId: 'child-002', templates: 1 } });
    // A photo without a face is refused with the reason.
    const grey = jpeg.encode({ data: Buffer.alloc(200 * 200 * 4, 128), width: 200, height: 200 }, 80).data;
    const none = await postEnrolPhoto({ host: '127.0.0.1', port }, 'child-003', grey);
    expect(none.status).toBe(422);
    expect(String(none.body.error)).toMatch(/no face found/);
    await expect(recognizer.enrol('child-003', [Buffer.from('not a jpeg')])).rejects.toBeInstanceOf(EnrolmentError);

    const later = await recognizer.recognise(decodeJpeg(photo('002A05.JPG')));
    expect(later).toHaveLength(1);
    expect(later[0]!.childId).toBe('child-002');
    expect(later[0]!.similarity).toBeGreaterThanOrEqual(recognizer.propose);
    expect(later[0]!.confidence).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('an entrance camera checks a child in once per direction: settled, de-duplicated, in before outFrom and out after', async () => {
    const events: AttendanceEvent[] = [];
    const entrance = new EntranceCamera({
      institutionId: 'inst-x', edgeId: 'edge-x', cameraId: 'cam-door', recognise: (img) => recognizer.recognise(img),
      publish: (ev) => events.push(ev), analysisFps: 2, dedupMs: 30 * 60_000, direction: 'auto', outFrom: '12:00',
    });
    const img = decodeJpeg(photo('002A03.JPG'));
    const at = (h: number, m: number, s = 0) => new Date(2026, 11, 7, h, m, s);
    await entrance.onFrame(img, at(8, 0, 0));
    await entrance.onFrame(img, at(8, 0, 0.2)); // above the analysis rate: not even looked at
    await entrance.onFrame(img, at(8, 0, 1));
    expect(events).toHaveLength(0); // still settling
    await entrance.onFrame(img, at(8, 0, 2));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ childId: 'child-002', direction: 'in', needsConfirm: false, source: 'face', cameraId: 'cam-door' });
    expect(events[0]!.at).toBe(at(8, 0, 0).toISOString());
    expect(entrance.stats.analysed).toBe(3);
    await entrance.onFrame(img, at(8, 10)); // lingering or walking past again within 30 min
    await entrance.onFrame(img, at(8, 25));
    await entrance.onFrame(img, at(12, 5)); // after outFrom: the way out
    entrance.flush(at(12, 10).getTime());
    expect(events.map((e) => e.direction)).toEqual(['in', 'out']);
    expect(directionAt(at(11, 59), 'auto', '12:00')).toBe('in');
    expect(directionAt(at(7, 0), 'out', '12:00')).toBe('out');
  }, 60_000);

  it('withdrawal deletes the templates, the ack reports it, and the child is no longer recognised', async () => {
    const acks: EdgeConfigAck[] = [];
    const channel = new ConfigChannel({
      institutionId: 'inst-x', edgeId: 'edge-x', store: recognizer.store, stateFile: join(dir, 'cfg.json'),
      publishAck: (a) => acks.push(a), onConsent: (ids) => recognizer.setConsent(ids),
    });
    const cfg = (version: number, childIds: string[]) => JSON.stringify({ schema: SCHEMA_VERSION, institutionId: 'inst-x', edgeId: 'edge-x', version, issuedAt: new Date().toISOString(), faceConsent: { childIds } });
    await channel.handle(cfg(1, ['child-002']));
    expect(acks[0]).toMatchObject({ ok: true, enrolled: ['child-002'], deleted: [] });
    await channel.handle(cfg(2, []));
    expect(acks[1]).toMatchObject({ ok: true, enrolled: [], deleted: ['child-002'] });
    expect(TemplateStore.open(join(dir, 'templates.enc'), KEY).childIds()).toEqual([]);
    expect(await recognizer.recognise(decodeJpeg(photo('002A05.JPG')))).toEqual([]);
    // And re-enrolment is refused until consent is given again.
    await expect(recognizer.enrol('child-002', [photo('002A03.JPG')])).rejects.toBeInstanceOf(ConsentError);
  }, 60_000);
  it('anyu edge enrol: 0 when enrolled, 1 when refused, 2 on a bad flag; oversized photos get 413', async () => {
    const port = Number(new URL(server.url).port);
    const file = join(dir, 'edge.yaml');
    writeFileSync(file, [
      'hub: { url: "mqtt://127.0.0.1:1", institutionId: inst-x, edgeId: edge-x }',
      `cameras: [{ id: door, source: "${fgnetPath(fgnetPhotos()[0]!)}", role: entrance }]`,
      `attendance: { http: { host: 127.0.0.1, port: ${port} } }`,
    ].join('\n'));
    recognizer.setConsent(['child-009']);
    const p9 = fgnetPath(fgnetPhotos().find((p) => p.file === '009A03.JPG')!);
    expect(await run(['enrol', '--config', file, '--child', 'child-009', '--photo', p9])).toBe(0);
    expect(recognizer.store.childIds()).toContain('child-009');
    expect(await run(['enrol', '--config', file, '--child', 'child-005', '--photo', p9])).toBe(1);
    expect(recognizer.store.childIds()).not.toContain('child-005');
    expect(await run(['enrol', '--config', file, '--child', 'child-009'])).toBe(2);
    const big = await postEnrolPhoto({ host: '127.0.0.1', port }, 'child-009', Buffer.alloc(MAX_PHOTO_BYTES + 1));
    expect(big.status).toBe(413);
  }, 60_000);
  it('createFaceRecognizer (what anyu edge runs) opens the store with the key file and takes the thresholds from the config', async () => {
    const keyFile = join(dir, 'face.key');
    writeFileSync(keyFile, `${'5a'.repeat(32)}\n`);
    const cam = [{ id: 'door', source: fgnetPath(fgnetPhotos()[0]!), role: 'entrance' }];
    const config = parseConfig({ hub: { url: 'mqtt://127.0.0.1:1', institutionId: 'inst-x', edgeId: 'edge-x' }, cameras: cam, attendance: { templateFile: './t.enc', keyFile, acceptThreshold: 0.99, proposeThreshold: 0.95 } }, dir);
    const r = await createFaceRecognizer(config.attendance!);
    expect([r.descriptor, r.accept, r.propose]).toEqual([DEFAULT_DESCRIPTOR, 0.99, 0.95]);
    r.setConsent(['child-002']);
    await r.enrol('child-002', [photo('002A03.JPG')]);
    expect(() => TemplateStore.open(join(dir, 't.enc'), KEY)).toThrow(/authentication failed/);
    expect(TemplateStore.open(join(dir, 't.enc'), Buffer.from('5a'.repeat(32), 'hex')).childIds()).toEqual(['child-002']);
  }, 60_000);
});
