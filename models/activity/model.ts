/**
 * The activity model: a small MLP over the whole normalised keypoint window (15 × 51
 * values, oldest first), so it sees both the posture and its change over 1.5 s. A 1-D
 * convolution was tried first: the TF.js CPU backend (the only one here with the
 * convolution gradients; WASM lacks Conv2DBackpropFilter) trained it ~25× slower per
 * sample, which would not fit "training takes minutes". ~25 k parameters, ~100 kB.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ACTIVITIES, ACTIVITY_HZ, FEATURES_PER_FRAME, WINDOW_FRAMES } from '../../edge/analytics/activity-features.ts';
import type { ActivityModelMeta } from '../../edge/analytics/activity-classifier.ts';

export function buildModel(seed: number, windowFrames = WINDOW_FRAMES): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [windowFrames, FEATURES_PER_FRAME] }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.dropout({ rate: 0.2, seed }));
  model.add(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.dense({ units: ACTIVITIES.length, activation: 'softmax', kernelInitializer: init(3) }));
  return model;
}

export async function saveModel(model: tf.LayersModel, dir: string, meta: Omit<ActivityModelMeta, 'weightsFile' | 'weightsSha256' | 'parameters' | 'classes' | 'windowFrames' | 'hz'>): Promise<ActivityModelMeta> {
  await mkdir(dir, { recursive: true });
  let full: ActivityModelMeta | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      if (!data || Array.isArray(data)) throw new Error('expected one weight buffer');
      const bytes = Buffer.from(data as ArrayBuffer);
      await writeFile(join(dir, 'weights.bin'), bytes);
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
      full = {
        ...meta,
        classes: [...ACTIVITIES],
        windowFrames: model.inputs[0]?.shape[1] ?? WINDOW_FRAMES,
        hz: ACTIVITY_HZ,
        weightsFile: 'weights.bin',
        weightsSha256: createHash('sha256').update(bytes).digest('hex'),
        parameters: model.countParams(),
      };
      await writeFile(join(dir, 'meta.json'), `${JSON.stringify(full, null, 2)}\n`);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength } };
    }),
  );
  if (!full) throw new Error('model was not saved');
  return full;
}
