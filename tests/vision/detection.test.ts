/**
 * The detection stage (edge/vision/detection.ts) on its own: the network input it picks for
 * a frame (display aspect, no blowing up of small frames), containment suppression, and a
 * real daycare still where the display aspect is what finds the children.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Box } from '../../protocol/index.ts';
import { createDetectionStage, defaultDetectionOptions, type DetectionStage } from '../../edge/vision/detection.ts';
import { nms } from '../../edge/vision/geometry.ts';
import { readManifest } from '../../edge/vision/model-loader.ts';
import type { CenternetDetector } from '../../edge/vision/models/centernet.ts';
import { createRuntime } from '../../edge/vision/runtime.ts';
import { readDaycareFrames, readRgb } from '../../models/eval/labelled-frames.ts';
import { matchFrame } from '../../models/eval/match.ts';

const dataDir = process.env.ANYU_DATA_DIR;
const required = process.env.ANYU_REQUIRE_DATA === '1';

describe('detection stage', () => {
  let stage: DetectionStage & Pick<CenternetDetector, 'inputSize'>;

  beforeAll(async () => {
    const { tf } = await createRuntime({ prefer: 'wasm' });
    stage = (await createDetectionStage(tf, await readManifest())) as DetectionStage & Pick<CenternetDetector, 'inputSize'>;
  }, 60_000);

  it('runs the network at the picture display aspect, never enlarging a small frame past its own width', () => {
    expect(defaultDetectionOptions.inputWidth).toBe(640);
    // A 16:9 camera delivered as 640×640: the network sees 640×352, not a squashed square.
    expect(stage.inputSize(640, 640, 16 / 9)).toEqual([640, 352]);
    expect(stage.inputSize(640, 360)).toEqual([640, 352]);
    // A 320×240 clip runs at 384 (the smallest width), not blown up to 640.
    expect(stage.inputSize(320, 240)).toEqual([384, 288]);
  });

  it('drops a box lying mostly inside a stronger one (legs or a torso found as a second person)', () => {
    const person = { box: [100, 100, 60, 160] as Box, score: 0.8 };
    const legs = { box: [105, 180, 50, 80] as Box, score: 0.3 };
    const neighbour = { box: [150, 110, 60, 150] as Box, score: 0.5 };
    const kept = nms([person, legs, neighbour], defaultDetectionOptions.nmsIou, defaultDetectionOptions.maxContained);
    expect(kept).toEqual([person, neighbour]);
    // Without containment suppression (maxContained 1) the legs stay: IoU alone is 0.42.
    expect(nms([person, legs, neighbour], defaultDetectionOptions.nmsIou, 1)).toHaveLength(3);
  });

  describe.skipIf(!dataDir && !required)('on a real daycare still', () => {
    it('finds more of the labelled people at the display aspect than on the squashed picture', async () => {
      if (!dataDir) throw new Error('ANYU_REQUIRE_DATA=1 but ANYU_DATA_DIR is missing');
      const frames = (await readDaycareFrames(dataDir)).slice(0, 12);
      let wide = 0;
      let square = 0;
      for (const f of frames) {
        const still = await readRgb(f.path);
        const found = (dets: { box: Box; score: number }[]) => matchFrame(dets.filter((d) => d.score >= 0.2), f.persons, 0.4).pairs.length;
        wide += found(await stage.detect({ ...still, pixelAspect: 16 / 9 }));
        square += found(await stage.detect(still));
      }
      expect(wide).toBeGreaterThan(square);
    }, 300_000);
  });
});
