/**
 * MoveNet MultiPose (lightning): up to 6 people with boxes and keypoints, run at a chosen
 * input size (sides multiples of 32). A detector candidate (models/eval/detector-sweep.ts)
 * and the lying-body sweep's model (edge/vision/lying-sweep.ts).
 */
import type { GraphModel, Tensor, Tensor4D } from '@tensorflow/tfjs';
import type { Detection, Detector, Keypoint, RgbFrame } from '../../types.ts';
import type { Tf } from '../runtime.ts';
import { loadGraphModel, type ModelManifest } from '../model-loader.ts';
import { clampBox } from '../geometry.ts';

/** A MultiPose person: box and score, and its 17 keypoints in source pixels. */
export interface PoseDetection extends Detection {
  keypoints: Keypoint[];
}

export interface MultiposeDetector extends Detector {
  detect(frame: RgbFrame): Promise<PoseDetection[]>;
}

export async function createMultiposeDetector(tf: Tf, manifest: ModelManifest, inputWidth: number, inputHeight: number, minScore = 0.2): Promise<MultiposeDetector> {
  const model: GraphModel = await loadGraphModel(tf, 'movenet-multipose', { manifest, dynamicInput: true });
  return {
    name: `multipose@${inputWidth}x${inputHeight}`,
    async detect(frame: RgbFrame): Promise<PoseDetection[]> {
      const out = tf.tidy(() => {
        const img = tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32').toFloat().expandDims(0) as Tensor4D;
        return model.execute(tf.image.resizeBilinear(img, [inputHeight, inputWidth]).toInt()) as Tensor;
      });
      const data = await out.data();
      out.dispose();
      const found: PoseDetection[] = [];
      for (let i = 0; i < 6; i++) {
        const o = i * 56 + 51;
        const [ymin, xmin, ymax, xmax, score] = [data[o], data[o + 1], data[o + 2], data[o + 3], data[o + 4]] as number[];
        if ((score as number) < minScore) continue;
        const box = clampBox(
          [(xmin as number) * frame.width, (ymin as number) * frame.height, ((xmax as number) - (xmin as number)) * frame.width, ((ymax as number) - (ymin as number)) * frame.height],
          frame.width,
          frame.height,
        );
        const keypoints: Keypoint[] = [];
        for (let k = 0; k < 17; k++) {
          const q = i * 56 + k * 3;
          keypoints.push([(data[q + 1] as number) * frame.width, (data[q] as number) * frame.height, data[q + 2] as number]);
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
