import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrames } from '../../edge/capture/index.ts';
import type { FrameAnalysis } from '../../edge/types.ts';
import { createVisionPipeline, type VisionPipelineWithStats } from '../../edge/vision/pipeline.ts';
import { createMotAccumulator, readMotGroundTruth } from '../../models/eval/mot-metrics.ts';
import { HAVE_VTEST, VTEST, VTEST_GT, requireFootageOrWarn } from './footage.ts';

requireFootageOrWarn('tests/vision/pipeline');

describe.skipIf(!HAVE_VTEST)('vision pipeline on real vtest frames', () => {
  let pipeline: VisionPipelineWithStats;
  const analyses: FrameAnalysis[] = [];

  beforeAll(async () => {
    // One worker thread: exercises the tsx bootstrap of workers under vitest.
    // vtest.avi is a street seen from afar: the open scene (edge/vision/scene.ts).
    pipeline = await createVisionPipeline({ size: 1, posesPerFrame: 8, scene: 'open' });
    let n = 0;
    for await (const frame of readFrames({ source: VTEST as string, every: 2, realtime: false })) {
      const a = await pipeline.analyse('vtest', frame);
      if (!a) throw new Error('a pipeline without burst analysis left a frame out');
      analyses.push(a);
      if (++n >= 22) break;
    }
  }, 180_000);

  afterAll(async () => {
    await pipeline?.close();
  });

  it('runs on a TF.js backend in a worker thread', () => {
    expect(['tensorflow', 'wasm', 'cpu']).toContain(pipeline.backend);
    expect(pipeline.workers).toBe(1);
  });

  // Linux only, and only when the tests themselves run at normal priority (not under `nice`).
  it.skipIf(process.platform !== 'linux' || getPriority() !== 0)('runs its inference thread at nice 10, the calling thread at normal priority', () => {
    const niceOf = (task: string) => Number(readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);
    const nice = readdirSync('/proc/self/task').map(niceOf);
    expect(nice.filter((n) => n === 10)).toHaveLength(1);
    expect(getPriority()).toBe(0);
  });

  it('finds the people of the ground truth with sane boxes', async () => {
    const gt = await readMotGroundTruth(VTEST_GT as string);
    const acc = createMotAccumulator(0.5);
    // The first frames only confirm tracks (min hits); judge the rest.
    for (const a of analyses.slice(3)) acc.add(gt.get(a.frame.index) ?? [], a.persons.map((p) => ({ id: p.track, box: p.box })));
    const m = acc.finish();
    console.info(`vtest 22 frames (every 2nd): precision ${m.precision.toFixed(3)} recall ${m.recall.toFixed(3)} count MAE ${m.countMae.toFixed(2)}`);
    expect(m.frames).toBe(19);
    // Measured on these frames: precision 0.84–0.87, recall 0.76, count MAE 0.53–0.63; the floors
    // leave a margin. The full-sequence numbers are in models/README.md.
    expect(m.precision).toBeGreaterThan(0.8);
    expect(m.recall).toBeGreaterThan(0.7);
    expect(m.countMae).toBeLessThan(1);
  });

  it('gives tracked people keypoints inside their surroundings, upright postures and no child labels', () => {
    const persons = analyses.flatMap((a) => a.persons);
    expect(persons.length).toBeGreaterThan(50);
    const withPose = persons.filter((p) => p.keypoints);
    expect(withPose.length / persons.length).toBeGreaterThan(0.8);
    for (const p of withPose) {
      expect(p.keypoints).toHaveLength(17);
      const [x, y, w, h] = p.box;
      const nose = p.keypoints?.[0] as [number, number, number];
      expect(nose[0]).toBeGreaterThan(x - w);
      expect(nose[0]).toBeLessThan(x + 2 * w);
      expect(nose[1]).toBeGreaterThan(y - h / 2);
      expect(nose[1]).toBeLessThan(y + h);
    }
    const upright = persons.filter((p) => p.posture === 'upright').length;
    expect(upright / persons.length).toBeGreaterThan(0.7);
    expect(persons.filter((p) => p.age === 'child')).toHaveLength(0);
  });

  it('refuses a malformed frame with a clear error and goes on', async () => {
    const bad = { data: new Uint8Array(10), width: 768, height: 576, index: 999, t: 99.9, at: 0 };
    await expect(pipeline.analyse('vtest', bad)).rejects.toThrow(/10 bytes, expected 768×576×3/);
    expect(pipeline.stats().errors).toBe(1);
  });

  it('keeps track ids stable between consecutive frames', () => {
    const last = analyses.at(-1) as FrameAnalysis;
    const prev = analyses.at(-2) as FrameAnalysis;
    const shared = last.persons.filter((p) => prev.persons.some((q) => q.track === p.track));
    expect(shared.length).toBeGreaterThanOrEqual(Math.min(last.persons.length, prev.persons.length) - 1);
  });
});
