/**
 * MoveNet MultiPose (lightning): up to 6 people with boxes and keypoints, run at a chosen
 * input size (sides multiples of 32). A detector candidate (models/eval/detector-sweep.ts)
 * and the lying-body sweep's model (edge/vision/lying-sweep.ts).
 */
import type { GraphModel, Tensor, Tensor4D } from '@tensorflow/tfjs';
import type { Box } from '../../../protocol/index.ts';
import type { Detection, Detector, Keypoint, RgbFrame } from '../../types.ts';
import type { Tf } from '../runtime.ts';
import { loadGraphModel, type ModelManifest } from '../model-loader.ts';
import { clampBox, pixelRegion } from '../geometry.ts';

/** A MultiPose person: box and score, and its 17 keypoints in source pixels. */
export interface PoseDetection extends Detection {
  keypoints: Keypoint[];
}

export interface MultiposeDetector extends Detector {
  /**
   * The people on `frame`, or only on its part `region` (source pixels, whole pixels), at
   * input `size` [width, height] (multiples of 32; the detector's own size by default).
   * Boxes and keypoints are in the frame's pixels either way.
   */
  detect(frame: RgbFrame, region?: Box, size?: [number, number]): Promise<PoseDetection[]>;
}

export async function createMultiposeDetector(tf: Tf, manifest: ModelManifest, inputWidth: number, inputHeight: number, minScore = 0.2): Promise<MultiposeDetector> {
  const model: GraphModel = await loadGraphModel(tf, 'movenet-multipose', { manifest, dynamicInput: true });
  return {
    name: `multipose@${inputWidth}x${inputHeight}`,
    async detect(frame: RgbFrame, region?: Box, size: [number, number] = [inputWidth, inputHeight]): Promise<PoseDetection[]> {
      const [rx, ry, rw, rh] = region ? pixelRegion(region, frame.width, frame.height) : [0, 0, frame.width, frame.height];
      const out = tf.tidy(() => {
        const all = tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
        const part = region ? all.slice([ry, rx, 0], [rh, rw, 3]) : all;
        const img = part.toFloat().expandDims(0) as Tensor4D;
        return model.execute(tf.image.resizeBilinear(img, [size[1], size[0]]).toInt()) as Tensor;
      });
      const data = await out.data();
      out.dispose();
      const found: PoseDetection[] = [];
      for (let i = 0; i < 6; i++) {
        const o = i * 56 + 51;
        const [ymin, xmin, ymax, xmax, score] = [data[o], data[o + 1], data[o + 2], data[o + 3], data[o + 4]] as number[];
        if ((score as number) < minScore) continue;
        const box = clampBox(
          [rx + (xmin as number) * rw, ry + (ymin as number) * rh, ((xmax as number) - (xmin as number)) * rw, ((ymax as number) - (ymin as number)) * rh],
          frame.width,
          frame.height,
        );
        const keypoints: Keypoint[] = [];
        for (let k = 0; k < 17; k++) {
          const q = i * 56 + k * 3;
          keypoints.push([rx + (data[q + 1] as number) * rw, ry + (data[q] as number) * rh, data[q + 2] as number]);
        }
        found.push({ box, score: score as number, keypoints });
      }
      return found;
    },
    async dispose() {
      model.dispose();
    },
  };
}
