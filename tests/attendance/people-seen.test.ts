/**
 * `CameraStatus.peopleSeen` for the hub's attendance cross-check: the most people a room
 * camera saw at once today. The counter alone, then the agent with the real vision
 * pipeline on vtest frames reporting it in its status.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../../edge/agent.ts';
import { PeopleSeen } from '../../edge/attendance/people-seen.ts';
import { readFrames } from '../../edge/capture/index.ts';
import { parseConfig } from '../../edge/config/index.ts';
import { CameraStatus } from '../../protocol/index.ts';
import { createVisionPipeline } from '../../edge/vision/pipeline.ts';
import { HAVE_VTEST, VTEST, requireFootageOrWarn } from '../vision/footage.ts';
import { waitFor } from '../edge/harness.ts';

describe('PeopleSeen', () => {
  it('keeps the day\'s maximum from start-up, and starts again at local midnight', () => {
    const seen = new PeopleSeen();
    expect(seen.value()).toBeNull();
    const at = (d: number, h: number, m = 0) => new Date(2026, 11, d, h, m).getTime();
    seen.observe(3, at(7, 7, 30));
    seen.observe(8, at(7, 9));
    seen.observe(2, at(7, 16));
    expect(seen.value()).toEqual({ since: new Date(at(7, 7, 30)).toISOString(), max: 8 });
    seen.observe(1, at(8, 0, 5));
    expect(seen.value()).toEqual({ since: new Date(at(8, 0)).toISOString(), max: 1 });
    seen.observe(5000, at(8, 1));
    expect(seen.value()!.max).toBe(1000);
    expect(() => CameraStatus.shape.peopleSeen.parse(seen.value())).not.toThrow();
  });
});

requireFootageOrWarn('tests/attendance/people-seen');

describe.skipIf(!HAVE_VTEST)('peopleSeen in the agent\'s status (real vision, vtest)', () => {
  it('reports the most people the room camera tracked at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anyu-seen-'));
    const config = parseConfig({ hub: { url: 'mqtt://127.0.0.1:1', institutionId: 'inst-s', edgeId: 'edge-s' }, outboxDir: join(dir, 'outbox'), cameras: [{ id: 'cam-room', source: VTEST }] }, dir);
    const vision = await createVisionPipeline({ size: 1 });
    let frames = 0;
    const agent = createAgent({
      config,
      vision,
      log: () => undefined,
      capture: (camera, signal, stats) =>
        (async function* () {
          for await (const f of readFrames({ source: camera.source, every: 2, realtime: false, signal, stats })) {
            frames++;
            yield { ...f, at: Date.now() };
            if (frames >= 16) break;
          }
          // Hold the camera open (no reconnect) until the agent stops it.
          if (!signal.aborted) await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
        })(),
    });
    agent.start();
    try {
      await waitFor('16 analysed frames', () => frames >= 16 && agent.cameras()[0]!.lastAnalysed?.frame.index === 30, 120_000);
      const cam = agent.status().cameras[0]!;
      expect(CameraStatus.parse(cam).peopleSeen).toBeDefined();
      // vtest.avi: a street with 3–8 people in view over its first seconds.
      expect(cam.peopleSeen!.max).toBeGreaterThanOrEqual(3);
      expect(cam.peopleSeen!.max).toBeLessThanOrEqual(15);
    } finally {
      await agent.stop();
    }
  }, 180_000);
});
