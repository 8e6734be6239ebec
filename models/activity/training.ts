/**
 * One training run of the activity model, shared by `npm run train:activity` and the
 * cross-validation in models/eval/falls-cv.ts: real labelled sequences (plus augmented
 * copies) and synthetic ones become windows, a seeded shuffle holds out 10 % to watch
 * over-fitting, and the MLP of model.ts is fitted one epoch at a time over a seeded
 * permutation, so the same inputs and seed give the same weights, byte for byte.
 */
import * as tf from '@tensorflow/tfjs';
import { ACTIVITIES, FEATURES_PER_FRAME, WINDOW_FRAMES } from '../../edge/analytics/activity-features.ts';
import { createRng } from './augment.ts';
import { buildDataset, concatDatasets, type Dataset, type LabelledSample } from './dataset.ts';
import { buildModel } from './model.ts';
import { randomSequence, type SyntheticSet } from './synthetic-scenarios.ts';

export interface TrainOptions {
  /** Labelled real sequences (see real-sequences.ts); may be empty. */
  real: readonly LabelledSample[][];
  /** Random synthetic sequences to add (synthetic-scenarios.ts). */
  synthetic: number;
  /** Which synthetic scenarios (synthetic-scenarios.ts); default `base`. */
  syntheticSet?: SyntheticSet;
  /** Augmented copies per real sequence. */
  copies: number;
  seed: number;
  epochs: number;
  /**
   * Class weights (n / (classes × count))^power. 1 (full inverse frequency, until the
   * third round) made the held-out accuracy swing 0.72–0.93 between epochs and pushed
   * walking windows to `falling`; 0 ignores the rare `falling` class; 0.5 is stable.
   */
  classWeightPower: number;
  /** Frames per window (10 Hz); default the shipped `WINDOW_FRAMES` (1.5 s). */
  windowFrames?: number;
  log?: (msg: string) => void;
}

/** The defaults of `npm run train:activity`, which the cross-validation trains with too. */
export const TRAIN_DEFAULTS = { synthetic: 150, copies: 3, seed: 7, epochs: 12, classWeightPower: 0.5 } as const;

export interface TrainResult {
  model: tf.LayersModel;
  windows: number;
  counts: Dataset['counts'];
  realCounts: Dataset['counts'] | null;
  /** Held-out window accuracy after the last epoch. */
  valAccuracy: number;
}

export async function trainActivityModel(opts: TrainOptions): Promise<TrainResult> {
  const log = opts.log ?? (() => {});
  const rng = createRng(opts.seed);
  const W = opts.windowFrames ?? WINDOW_FRAMES;
  const parts: Dataset[] = [];
  if (opts.real.length > 0) parts.push(buildDataset(opts.real, { rng, copies: opts.copies, childP: 0.3, windowFrames: W }));
  const realCounts = parts[0]?.counts ?? null;
  if (realCounts) log(`real windows: ${JSON.stringify(realCounts)}`);
  const synth: LabelledSample[][] = [];
  for (let i = 0; i < opts.synthetic; i += 1) {
    synth.push(randomSequence(rng, 10, 0.4, opts.syntheticSet).frames.map((f) => ({ keypoints: f.keypoints, label: f.label })));
  }
  parts.push(buildDataset(synth, { rng, copies: 1, childP: 0, windowFrames: W }));
  const data = concatDatasets(parts);
  log(`windows: ${data.n} ${JSON.stringify(data.counts)}`);

  // Shuffle, then hold out 10 % of windows to watch over-fitting.
  const order = permutation(data.n, rng);
  const per = W * FEATURES_PER_FRAME;
  const x = new Float32Array(data.n * per);
  const y = new Int32Array(data.n);
  order.forEach((src, dst) => {
    x.set(data.x.subarray(src * per, (src + 1) * per), dst * per);
    y[dst] = data.y[src] ?? 0;
  });
  const nVal = Math.floor(data.n * 0.1);
  const xs = tf.tensor3d(x, [data.n, W, FEATURES_PER_FRAME]);
  const ys = tf.oneHot(tf.tensor1d(y, 'int32'), ACTIVITIES.length);
  const classWeight = Object.fromEntries(ACTIVITIES.map((a, i) => [i, (data.n / (ACTIVITIES.length * Math.max(1, data.counts[a]))) ** opts.classWeightPower]));

  const model = buildModel(opts.seed, W);
  model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // One fit call per epoch over a seeded permutation: model.fit's own `shuffle` orders the
  // batches with Math.random, which made two runs of the same command differ.
  const trainX = xs.slice(nVal);
  const trainY = ys.slice(nVal);
  const valX = xs.slice(0, nVal);
  const valY = ys.slice(0, nVal);
  let valAccuracy = Number.NaN;
  for (let epoch = 0; epoch < opts.epochs; epoch += 1) {
    const idx = tf.tensor1d(permutation(data.n - nVal, rng), 'int32');
    const ex = tf.gather(trainX, idx);
    const ey = tf.gather(trainY, idx);
    const h = await model.fit(ex, ey, { epochs: 1, batchSize: 128, shuffle: false, classWeight, validationData: [valX, valY], verbose: 0 });
    tf.dispose([idx, ex, ey]);
    const last = (k: string) => h.history[k]?.[0] as number | undefined;
    valAccuracy = last('val_acc') ?? Number.NaN;
    log(`epoch ${epoch + 1}: loss ${last('loss')?.toFixed(3)} acc ${last('acc')?.toFixed(3)} val_loss ${last('val_loss')?.toFixed(3)} val_acc ${valAccuracy.toFixed(3)}`);
  }
  tf.dispose([xs, ys, trainX, trainY, valX, valY]);
  return { model, windows: data.n, counts: data.counts, realCounts, valAccuracy };
}

function permutation(n: number, rng: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = p.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng() * (i + 1));
    [p[i], p[j]] = [p[j] ?? 0, p[i] ?? 0];
  }
  return p;
}
