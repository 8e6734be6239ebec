/**
 * Time from killing a camera's source (the ffmpeg feeding a real RTSP server) to the
 * `camera_offline` incident stored by a real hub, with the default watchdog limit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent } from '../edge/agent.ts';
import { edgeConfig, incidentsAt, registerEdge, startHub, waitFor } from '../tests/edge/harness.ts';
import { startFeeder, startRtspServer } from '../tests/edge/rtsp.ts';
import { fmt, markdownTable, median } from './stats.ts';

const REPEATS = Number(process.env.ANYU_BENCH_OFFLINE_REPEATS ?? 3);

export async function measureOfflineLatency(source: string, log: (m: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'anyu-bench-offline-'));
  const hub = await startHub(join(dir, 'hub'));
  await registerEdge(hub, 'bench-offline', ['cam-1']);
  const rtsp = await startRtspServer();
  let feeder = startFeeder(source, rtsp.publishUrl('cam1'));
  const agent = createAgent({
    config: edgeConfig(dir, {
      hub: { url: hub.mqttUrl, edgeId: 'bench-offline' },
      outboxDir: join(dir, 'outbox'),
      health: { backoffMaxSeconds: 4 },
      cameras: [{ id: 'cam-1', source: rtsp.clientUrl('cam1'), transport: 'udp', fps: 5, width: 320, height: 180 }],
    }),
    log: () => undefined,
  });
  agent.start();
  const cam = agent.cameras()[0]!;
  const latencies: number[] = [];
  try {
    for (let i = 0; i < REPEATS; i++) {
      await waitFor('camera online', () => cam.health.state === 'online', 60_000, 100);
      await waitFor('no active offline incident', async () => !(await incidentsAt(hub, 'cam-1')).some((x) => x.active), 20_000);
      await new Promise((r) => setTimeout(r, 3000));
      const known = new Set((await incidentsAt(hub, 'cam-1')).map((x) => x.id));
      await feeder.kill();
      const killed = Date.now();
      rtsp.dropMount('cam1');
      await waitFor('camera_offline at the hub', async () => (await incidentsAt(hub, 'cam-1')).some((x) => !known.has(x.id) && x.kind === 'camera_offline'), 30_000, 50);
      latencies.push((Date.now() - killed) / 1000);
      log(`offline: run ${i + 1}/${REPEATS}: ${latencies.at(-1)!.toFixed(2)} s`);
      feeder = startFeeder(source, rtsp.publishUrl('cam1'));
    }
  } finally {
    await agent.stop();
    await feeder.stop();
    await rtsp.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return markdownTable(
    ['watchdog limit s', 'runs', 'median s', 'min s', 'max s'],
    [['9.5 (default)', String(latencies.length), fmt(median(latencies), 2), fmt(Math.min(...latencies), 2), fmt(Math.max(...latencies), 2)]],
  );
}
