/**
 * Person detector on CenterNet (MobileNetV3, COCO). The graph is run at the scene's own
 * aspect ratio (the frame's, corrected by its pixel aspect; input sides multiples of 32)
 * instead of its 512² training size: the upsampling sizes baked into the graph are
 * rewritten for each input size, and the person heatmap and box-edge outputs are decoded
 * here so thresholds are ours.
 */
import type { GraphModel, Tensor, Tensor4D } from '@tensorflow/tfjs';
import type { Detection, Detector, RgbFrame } from '../../types.ts';
import type { Tf } from '../runtime.ts';
import { loadGraphModel, type ModelManifest } from '../model-loader.ts';
import { clampBox, nms } from '../geometry.ts';

export interface CenternetOptions {
  /** Network input width in pixels (rounded to a multiple of 32); height follows the frame's aspect. */
  inputWidth: number;
  /** Minimum heatmap peak for a person. */
  minScore: number;
  /** Boxes overlapping more than this (IoU) are merged by NMS. */
  nmsIou: number;
  /** A box lying this much (share of its area) inside a stronger one is a part of that person, dropped; 1 = kept. */
  maxContained: number;
  maxDetections: number;
}

export const defaultCenternetOptions: CenternetOptions = { inputWidth: 512, minScore: 0.3, nmsIou: 0.5, maxContained: 1, maxDetections: 50 };

const STRIDE = 4;
const UPSAMPLE_SIZES: [string, number][] = [
  ['tower_0/CenternetHead/c5_upsample/up_sampling2d/mul', 16],
  ['tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul', 8],
  ['tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul', 4],
];

function roundTo32(n: number): number {
  return Math.max(64, Math.round(n / 32) * 32);
}

/** Settings a caller may change per frame (a camera's scene, scene.ts). */
/** The smallest input width chosen for a small frame (the width tuned on 320×240 and 768×576 footage). */
export const MIN_INPUT_WIDTH = 384;

export type CenternetFrameSettings = Partial<Pick<CenternetOptions, 'inputWidth' | 'minScore'>>;

export interface CenternetDetector extends Detector {
  detect(frame: RgbFrame, settings?: CenternetFrameSettings): Promise<Detection[]>;
  /** Network input [width, height] for a frame of this size and pixel aspect. */
  readonly inputSize: (frameWidth: number, frameHeight: number, pixelAspect?: number) => [number, number];
}

export async function createCenternetDetector(
  tf: Tf,
  manifest: ModelManifest,
  options: Partial<CenternetOptions> = {},
): Promise<CenternetDetector> {
  const opts = { ...defaultCenternetOptions, ...options };
  const model: GraphModel = await loadGraphModel(tf, 'centernet', { manifest, dynamicInput: true });
  const weights = model.weights as unknown as Record<string, Tensor[]>;
  let configured = '';

  /**
   * The network's input at the frame's display aspect. A frame narrower than the asked
   * width is not blown up past its own display width (nor below MIN_INPUT_WIDTH):
   * upscaling adds no detail, and a 320×240 clip at 640 made CenterNet find the near,
   * large people of a small frame worse (URFD falls: three more missed; models/README.md).
   */
  function inputSize(fw: number, fh: number, pixelAspect = 1, inputWidth = opts.inputWidth): [number, number] {
    const width = Math.min(inputWidth, Math.max(MIN_INPUT_WIDTH, fw * pixelAspect));
    return [roundTo32(width), roundTo32((width * fh) / (fw * pixelAspect))];
  }

  function configure(w: number, h: number): void {
    const key = `${w}x${h}`;
    if (key === configured) return;
    for (const [name, div] of UPSAMPLE_SIZES) {
      for (const old of weights[name] ?? []) old.dispose();
      weights[name] = [tf.tensor1d([h / div, w / div], 'int32')];
    }
    configured = key;
  }

  async function detect(frame: RgbFrame, settings: CenternetFrameSettings = {}): Promise<Detection[]> {
    const minScore = settings.minScore ?? opts.minScore;
    const [w, h] = inputSize(frame.width, frame.height, frame.pixelAspect ?? 1, settings.inputWidth ?? opts.inputWidth);
    configure(w, h);
    const [heat, edges] = tf.tidy(() => {
      const img = tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32').toFloat();
      const x = tf.image.resizeBilinear(img.expandDims(0) as Tensor4D, [h, w]);
      const [kp, wh] = model.execute(x, ['tower_0/keypoints', 'tower_0/wh']) as [Tensor, Tensor];
      const person = kp.slice([0, 0, 0, 0], [1, -1, -1, 1]);
      // A peak is a heatmap cell that equals its 3×3 neighbourhood maximum.
      const pooled = tf.maxPool(person as Tensor4D, 3, 1, 'same');
      const peaks = person.mul(person.equal(pooled).toFloat());
      return [peaks, wh];
    });
    const [hm, wh] = await Promise.all([heat.data(), edges.data()]);
    heat.dispose();
    edges.dispose();
    const gw = w / STRIDE;
    const sx = frame.width / w;
    const sy = frame.height / h;
    const found: Detection[] = [];
    for (let i = 0; i < hm.length; i++) {
      const score = hm[i] as number;
      if (score < minScore) continue;
      const cx = (i % gw) * STRIDE;
      const cy = Math.floor(i / gw) * STRIDE;
      const x1 = cx - (wh[i * 4] as number);
      const y1 = cy - (wh[i * 4 + 1] as number);
      const x2 = cx + (wh[i * 4 + 2] as number);
      const y2 = cy + (wh[i * 4 + 3] as number);
      const box = clampBox([x1 * sx, y1 * sy, (x2 - x1) * sx, (y2 - y1) * sy], frame.width, frame.height);
      if (box[2] > 1 && box[3] > 1) found.push({ box, score });
    }
    return nms(found, opts.nmsIou, opts.maxContained).slice(0, opts.maxDetections);
  }

  return {
    name: `centernet@${opts.inputWidth}`,
    inputSize,
    detect,
    async dispose() {
      model.dispose();
    },
  };
}
