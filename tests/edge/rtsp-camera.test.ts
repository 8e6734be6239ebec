/**
 * The edge against a real RTSP server fed by real ffmpeg from real footage, delivering to
 * the real hub: frames of the configured size at about the configured rate; source killed
 * → camera offline within 10 s and a camera_offline incident at the hub; source back →
 * frames again within 30 s and the incident resolved; a bad source URL → only that
 * camera offline, with ffmpeg's reason in the status.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, liveCapture, type Agent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/app.ts';
import type { EdgeStatus } from '../../protocol/index.ts';
import { HAVE_VTEST, vtest } from './footage.ts';
import { edgeConfig, incidentsAt, registerEdge, startHub, waitFor } from './harness.ts';
import { freePort, startFeeder, startRtspServer, type Feeder, type TestRtspServer } from './rtsp.ts';

const EDGE = 'edge-rtsp';

describe.skipIf(!HAVE_VTEST)('edge on a real RTSP camera, delivering to the real hub', () => {
  let dir = '';
  let hub: Hub;
  let rtsp: TestRtspServer;
  let feeder: Feeder | null = null;
  let agent: Agent;
  const frames: { cameraId: string; width: number; height: number; at: number }[] = [];
  const statuses: EdgeStatus[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anyu-edge-rtsp-'));
    hub = await startHub(join(dir, 'hub'));
    await registerEdge(hub, EDGE, ['cam-rtsp', 'cam-bad']);
    rtsp = await startRtspServer();
    feeder = startFeeder(vtest(), rtsp.publishUrl('cam1'));
    const deadPort = await freePort();
    const config = edgeConfig(dir, {
      hub: { url: hub.mqttUrl, edgeId: EDGE, statusIntervalSeconds: 1 },
      outboxDir: join(dir, 'outbox'),
      health: { offlineAfterSeconds: 5, backoffInitialSeconds: 0.5, backoffMaxSeconds: 4 },
      cameras: [
        { id: 'cam-rtsp', source: rtsp.clientUrl('cam1'), transport: 'udp', fps: 5, width: 320, height: 180 },
        { id: 'cam-bad', source: `rtsp://127.0.0.1:${deadPort}/nothing`, fps: 5, width: 320, height: 180 },
      ],
    });
    agent = createAgent({
      config,
      log: () => undefined,
      capture: async function* (camera, signal, stats) {
        for await (const f of liveCapture(false)(camera, signal, stats)) {
          frames.push({ cameraId: camera.id, width: f.width, height: f.height, at: Date.now() });
          yield f;
        }
      },
    });
    const statusTimer = setInterval(() => statuses.push(agent.status()), 1000);
    agent.start();
    afterAll(() => clearInterval(statusTimer));
  });

  afterAll(async () => {
    await agent?.stop();
    await feeder?.stop();
    await rtsp?.close();
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads frames of the configured size at about the configured rate', async () => {
    await waitFor('first RTSP frame', () => frames.some((f) => f.cameraId === 'cam-rtsp'), 30_000);
    // Frames buffered while the stream starts arrive in a burst: measure after it.
    await new Promise((r) => setTimeout(r, 3000));
    const start = Date.now();
    await new Promise((r) => setTimeout(r, 6000));
    const got = frames.filter((f) => f.cameraId === 'cam-rtsp' && f.at >= start && f.at < start + 6000);
    console.info(`cam-rtsp delivered ${got.length} frames in 6 s (configured 5 fps)`);
    expect(got.every((f) => f.width === 320 && f.height === 180)).toBe(true);
    // 5 fps for 6 s, with slack for a shared two-core machine.
    expect(got.length).toBeGreaterThanOrEqual(20);
    expect(got.length).toBeLessThanOrEqual(40);
  });

  it('a bad source URL turns only that camera offline, with the ffmpeg reason in the status', async () => {
    const bad = await waitFor('cam-bad offline', () => {
      const s = statuses.at(-1)?.cameras.find((c) => c.id === 'cam-bad');
      return s?.state === 'offline' ? s : null;
    }, 15_000);
    expect(bad.reason).toMatch(/Connection refused/);
    expect(statuses.at(-1)!.cameras.find((c) => c.id === 'cam-rtsp')!.state).toBe('online');
    const atHub = await waitFor('cam-bad incident at the hub', async () => (await incidentsAt(hub, 'cam-bad'))[0], 10_000);
    expect(atHub).toMatchObject({ kind: 'camera_offline', active: true });
    expect(atHub.evidence.reason).toMatch(/Connection refused/);
  });

  it('source killed → offline within 10 s and a camera_offline incident at the hub; back → frames within 30 s, resolved', async () => {
    await feeder!.kill();
    feeder = null;
    const killedAt = Date.now();
    rtsp.dropMount('cam1');
    await waitFor('cam-rtsp offline', () => agent.cameras().find((c) => c.id === 'cam-rtsp')!.health.state === 'offline', 12_000, 100);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(10_000);
    const open = await waitFor('camera_offline at the hub', async () => {
      const list = await incidentsAt(hub, 'cam-rtsp');
      return list.find((i) => i.kind === 'camera_offline' && i.active);
    }, 5000);

    feeder = startFeeder(vtest(), rtsp.publishUrl('cam1'));
    const backAt = Date.now();
    await waitFor('frames again', () => frames.some((f) => f.cameraId === 'cam-rtsp' && f.at > backAt), 30_000);
    const resolved = await waitFor('incident resolved at the hub', async () => {
      const list = await incidentsAt(hub, 'cam-rtsp');
      const i = list.find((x) => x.id === open.id);
      return i && !i.active ? i : null;
    }, 5000);
    expect(resolved.timeline.map((t) => t.type)).toEqual(['opened', 'resolved']);
  });
});
