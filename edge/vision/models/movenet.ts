/**
 * Single-person MoveNet (lightning 192² or thunder 256²) on each person's crop. The crop
 * is the box grown by a margin and made square around its centre, so a person keeps
 * their proportions; keypoints come back in source pixels.
 */
import type { GraphModel, Tensor, Tensor4D } from '@tensorflow/tfjs';
import type { Box } from '../../../protocol/index.ts';
import type { Keypoint, PoseEstimator, RgbFrame } from '../../types.ts';
import type { Tf } from '../runtime.ts';
import { loadGraphModel, type ModelManifest } from '../model-loader.ts';

export interface MovenetOptions {
  variant: 'lightning' | 'thunder';
  /** Fraction added around the box on each side. */
  margin: number;
  /** Mean keypoint score below which the pose is reported as null. */
  minPoseScore: number;
}

export const defaultMovenetOptions: MovenetOptions = { variant: 'lightning', margin: 0.15, minPoseScore: 0.2 };

/** Square crop around the box centre, side = longer box side × (1 + 2·margin). */
export function cropSquare(box: Box, margin: number): Box {
  const side = Math.max(box[2], box[3]) * (1 + 2 * margin);
  const cx = box[0] + box[2] / 2;
  const cy = box[1] + box[3] / 2;
  return [cx - side / 2, cy - side / 2, side, side];
}

export async function createMovenetEstimator(
  tf: Tf,
  manifest: ModelManifest,
  options: Partial<MovenetOptions> = {},
): Promise<PoseEstimator> {
  const opts = { ...defaultMovenetOptions, ...options };
  const name = `movenet-${opts.variant}`;
  const model: GraphModel = await loadGraphModel(tf, name, { manifest });
  const size = manifest.models[name]?.inputSize[0] ?? (opts.variant === 'lightning' ? 192 : 256);

  async function estimate(frame: RgbFrame, boxes: Box[]): Promise<(Keypoint[] | null)[]> {
    if (boxes.length === 0) return [];
    const crops = boxes.map((b) => cropSquare(b, opts.margin));
    const W = frame.width;
    const H = frame.height;
    const outputs = tf.tidy(() => {
      const img = tf.tensor3d(frame.data, [H, W, 3], 'int32').toFloat().expandDims(0) as Tensor4D;
      // cropAndResize takes normalised [y1, x1, y2, x2]; regions outside the frame are zero-padded.
      const norm = crops.map((c) => [c[1] / (H - 1), c[0] / (W - 1), (c[1] + c[3]) / (H - 1), (c[0] + c[2]) / (W - 1)]);
      const batch = tf.image.cropAndResize(img, tf.tensor2d(norm), tf.zeros([crops.length], 'int32'), [size, size]);
      return crops.map((_, i) => {
        const input = batch.slice([i, 0, 0, 0], [1, -1, -1, -1]).toInt();
        return model.execute(input) as Tensor;
      });
    });
    const results: (Keypoint[] | null)[] = [];
    for (let i = 0; i < outputs.length; i++) {
      const out = outputs[i] as Tensor;
      const data = await out.data();
      out.dispose();
      const c = crops[i] as Box;
      const kps: Keypoint[] = [];
      let sum = 0;
      for (let k = 0; k < 17; k++) {
        const y = data[k * 3] as number;
        const x = data[k * 3 + 1] as number;
        const s = data[k * 3 + 2] as number;
        kps.push([c[0] + x * c[2], c[1] + y * c[3], s]);
        sum += s;
      }
      results.push(sum / 17 >= opts.minPoseScore ? kps : null);
    }
    return results;
  }

  return {
    name,
    estimate,
    async dispose() {
      model.dispose();
    },
  };
}
