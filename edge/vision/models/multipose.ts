/**
 * MoveNet MultiPose (lightning) as a person detector candidate: up to 6 people with
 * boxes and keypoints, run at a chosen input size (sides multiples of 32).
 */
import type { GraphModel, Tensor, Tensor4D } from '@tensorflow/tfjs';
import type { Detection, Detector, RgbFrame } from '../../types.ts';
import type { Tf } from '../runtime.ts';
import { loadGraphModel, type ModelManifest } from '../model-loader.ts';
import { clampBox } from '../geometry.ts';

export async function createMultiposeDetector(tf: Tf, manifest: ModelManifest, inputWidth: number, inputHeight: number, minScore = 0.2): Promise<Detector> {
  const model: GraphModel = await loadGraphModel(tf, 'movenet-multipose', { manifest, dynamicInput: true });
  return {
    name: `multipose@${inputWidth}x${inputHeight}`,
    async detect(frame: RgbFrame): Promise<Detection[]> {
      const out = tf.tidy(() => {
        const img = tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32').toFloat().expandDims(0) as Tensor4D;
        return model.execute(tf.image.resizeBilinear(img, [inputHeight, inputWidth]).toInt()) as Tensor;
      });
      const data = await out.data();
      out.dispose();
      const found: Detection[] = [];
      for (let i = 0; i < 6; i++) {
        const o = i * 56 + 51;
        const [ymin, xmin, ymax, xmax, score] = [data[o], data[o + 1], data[o + 2], data[o + 3], data[o + 4]] as number[];
        if ((score as number) < minScore) continue;
        const box = clampBox(
          [(xmin as number) * frame.width, (ymin as number) * frame.height, ((xmax as number) - (xmin as number)) * frame.width, ((ymax as number) - (ymin as number)) * frame.height],
          frame.width,
          frame.height,
        );
        found.push({ box, score: score as number });
      }
      return found;
    },
    async dispose() {
      model.dispose();
    },
  };
}
