/**
 * The project's activity model (`models/activity/model/`) behind the `ActivityClassifier`
 * interface. Weights are read from disk through an in-memory IOHandler and checked
 * against the sha256 in `meta.json`, so a swapped or corrupted file is a clear error.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tfjs from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Activity, ActivityClassifier, Keypoint } from '../types.ts';
import { ACTIVITIES, FEATURES_PER_FRAME, windowFeatures } from './activity-features.ts';

/**
 * The permissive weights (GMDCSA24 + synthetic, no URFD) are the default because Anyu is
 * deployed commercially and URFD's CC BY-NC-SA terms travel with weights learned from it;
 * `models/activity/model/` (full data) is there for non-commercial use and comparison.
 */
export const DEFAULT_ACTIVITY_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../models/activity/model-permissive');
/** The weights trained on all datasets, URFD included: CC BY-NC-SA, non-commercial use only. */
export const NON_COMMERCIAL_ACTIVITY_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../models/activity/model');

export const ActivityModelMeta = z.object({
  name: z.string(),
  classes: z.array(z.enum(['upright', 'sitting', 'lying', 'falling'])).length(4),
  windowFrames: z.number().int().positive(),
  hz: z.number().positive(),
  weightsFile: z.string(),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  parameters: z.number().int().positive(),
  trainedOn: z.array(z.string()),
  licence: z.string(),
  command: z.string(),
});
export type ActivityModelMeta = z.infer<typeof ActivityModelMeta>;

export class ActivityModelIntegrityError extends Error {
  readonly code = 'ACTIVITY_MODEL_INTEGRITY';
}

export interface LoadActivityOptions {
  dir?: string;
  /** The TF.js namespace to use (e.g. vision's runtime); default the global one. */
  tf?: typeof tfjs;
}

export interface LoadedActivityClassifier extends ActivityClassifier {
  readonly meta: ActivityModelMeta;
  readonly hz: number;
}

export async function loadActivityClassifier(opts: LoadActivityOptions = {}): Promise<LoadedActivityClassifier> {
  const dir = opts.dir ?? DEFAULT_ACTIVITY_MODEL_DIR;
  const tf = opts.tf ?? tfjs;
  const meta = ActivityModelMeta.parse(JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')));
  const weights = await readFile(join(dir, meta.weightsFile));
  const sha = createHash('sha256').update(weights).digest('hex');
  if (sha !== meta.weightsSha256) {
    throw new ActivityModelIntegrityError(`activity weights ${meta.weightsFile}: sha256 ${sha} ≠ expected ${meta.weightsSha256}`);
  }
  const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tfjs.io.WeightsManifestEntry[] }[];
  };
  const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  // The small activity model runs on the CPU backend of this thread, whose first use
  // prints TF.js's "install our node backend" banner; the vision runtime already says
  // which backend runs inference. Production mode only silences TF.js's own console.
  tf.enableProdMode();
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }));
  const W = meta.windowFrames;
  const classes = meta.classes as Activity[];
  return {
    name: meta.name,
    meta,
    hz: meta.hz,
    windowFrames: W,
    async classify(windows: Keypoint[][][]) {
      if (windows.length === 0) return [];
      const data = new Float32Array(windows.length * W * FEATURES_PER_FRAME);
      windows.forEach((w, i) => {
        if (w.length !== W) throw new Error(`activity window has ${w.length} frames, model expects ${W}`);
        windowFeatures(w, data.subarray(i * W * FEATURES_PER_FRAME, (i + 1) * W * FEATURES_PER_FRAME));
      });
      const probs = tf.tidy(() => {
        const x = tf.tensor3d(data, [windows.length, W, FEATURES_PER_FRAME]);
        return model.predict(x) as tfjs.Tensor;
      });
      const values = await probs.data();
      probs.dispose();
      return windows.map((_, i) => {
        const p = Object.fromEntries(ACTIVITIES.map((a) => [a, 0])) as Record<Activity, number>;
        classes.forEach((c, j) => (p[c] = values[i * classes.length + j] ?? 0));
        const best = classes.reduce((a, b) => (p[b] > p[a] ? b : a));
        return { activity: best, probs: p };
      });
    },
    async dispose() {
      model.dispose();
    },
  };
}
