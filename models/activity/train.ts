/**
 * `npm run train:activity [-- options]`: trains the activity model and writes its weights,
 * topology and meta (with the weights' sha256) to `models/activity/model/` (or
 * `model-permissive/` with `--permissive-only`).
 *
 * Data: the `fit` side of `split.json` from `$ANYU_DATA_DIR/falls` (keypoints extracted by
 * the project's own vision pipeline, cached under data/cache/activity/) plus synthetic
 * skeletons. `--permissive-only` drops URFD (CC BY-NC-SA) and trains on GMDCSA24 (MIT) and
 * synthetic data only. `--synthetic-only` is a smoke test of the pipeline, never shipped.
 */
import { parseArgs } from 'node:util';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ACTIVITIES, FEATURES_PER_FRAME, WINDOW_FRAMES } from '../../edge/analytics/activity-features.ts';
import { createRng } from './augment.ts';
import { dataDir, loadClips } from './clips.ts';
import { buildDataset, concatDatasets, type Dataset, type LabelledSample } from './dataset.ts';
import { realSequences } from './real-sequences.ts';
import { buildModel, saveModel } from './model.ts';
import { randomSequence } from './synthetic-scenarios.ts';
import { runScript } from '../run-script.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'permissive-only': { type: 'boolean', default: false },
      'synthetic-only': { type: 'boolean', default: false },
      epochs: { type: 'string', default: '12' },
      synthetic: { type: 'string', default: '150' },
      copies: { type: 'string', default: '3' },
      seed: { type: 'string', default: '7' },
      'class-weight-power': { type: 'string', default: '0.5' },
      out: { type: 'string' },
    },
  });
  const permissive = values['permissive-only'] === true;
  const syntheticOnly = values['synthetic-only'] === true;
  for (const key of ['epochs', 'synthetic', 'copies', 'seed', 'class-weight-power'] as const) {
    const v = Number(values[key]);
    if (!Number.isFinite(v) || v < 0 || (key !== 'class-weight-power' && !Number.isInteger(v))) {
      console.error(`--${key} must be a non-negative ${key === 'class-weight-power' ? 'number' : 'integer'}, not ${values[key]}`);
      return 2;
    }
  }
  const seed = Number(values.seed);
  const rng = createRng(seed);
  const out = resolve(values.out ?? join(HERE, syntheticOnly ? 'model-synthetic' : permissive ? 'model-permissive' : 'model'));
  await tf.setBackend('cpu');
  const started = Date.now();

  const parts: Dataset[] = [];
  const trainedOn: string[] = [];
  if (!syntheticOnly) {
    const root = dataDir();
    if (!root) {
      console.error('train:activity needs the real clips: set ANYU_DATA_DIR (see ../shared/data/README.md)');
      return 2;
    }
    const clips = loadClips(root).filter((c) => c.part === 'fit' && (c.dataset === 'gmdcsa24' || (c.dataset === 'urfd' && !permissive)));
    const seqs = await realSequences(clips, (m) => console.log(m));
    parts.push(buildDataset(seqs, { rng, copies: Number(values.copies), childP: 0.3 }));
    trainedOn.push(...(permissive ? [] : ['URFD fit split (CC BY-NC-SA 4.0)']), 'GMDCSA24 subjects 1–2 (MIT)');
    console.log(`real windows: ${JSON.stringify(parts[0]?.counts)}`);
  }
  const synth: LabelledSample[][] = [];
  for (let i = 0; i < Number(values.synthetic); i += 1) {
    synth.push(randomSequence(rng, 10, 0.4).frames.map((f) => ({ keypoints: f.keypoints, label: f.label })));
  }
  parts.push(buildDataset(synth, { rng, copies: 1, childP: 0 }));
  trainedOn.push(`${values.synthetic} synthetic sequences (models/activity/synthetic*.ts)`);
  const data = concatDatasets(parts);
  console.log(`windows: ${data.n} ${JSON.stringify(data.counts)}`);

  // Shuffle, then hold out 10 % of windows to watch over-fitting.
  const order = Array.from({ length: data.n }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const per = WINDOW_FRAMES * FEATURES_PER_FRAME;
  const x = new Float32Array(data.n * per);
  const y = new Int32Array(data.n);
  order.forEach((src, dst) => {
    x.set(data.x.subarray(src * per, (src + 1) * per), dst * per);
    y[dst] = data.y[src] ?? 0;
  });
  const nVal = Math.floor(data.n * 0.1);
  const xs = tf.tensor3d(x, [data.n, WINDOW_FRAMES, FEATURES_PER_FRAME]);
  const ys = tf.oneHot(tf.tensor1d(y, 'int32'), ACTIVITIES.length);
  // Class weights (n / (classes × count))^power: 1 (full inverse frequency, until the third
  // round) made the held-out accuracy swing 0.72–0.93 between epochs and pushed walking
  // windows to `falling`; 0 ignores the rare `falling` class; 0.5 is stable.
  const power = Number(values['class-weight-power']);
  const classWeight = Object.fromEntries(ACTIVITIES.map((a, i) => [i, (data.n / (ACTIVITIES.length * Math.max(1, data.counts[a]))) ** power]));

  const model = buildModel(seed);
  model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // One fit call per epoch over a seeded permutation: model.fit's own `shuffle` orders the
  // batches with Math.random, which made two runs of the same command differ.
  const trainX = xs.slice(nVal);
  const trainY = ys.slice(nVal);
  const valX = xs.slice(0, nVal);
  const valY = ys.slice(0, nVal);
  const nTrain = data.n - nVal;
  for (let epoch = 0; epoch < Number(values.epochs); epoch += 1) {
    const perm = Array.from({ length: nTrain }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rng() * (i + 1));
      [perm[i], perm[j]] = [perm[j] ?? 0, perm[i] ?? 0];
    }
    const idx = tf.tensor1d(perm, 'int32');
    const ex = tf.gather(trainX, idx);
    const ey = tf.gather(trainY, idx);
    const h = await model.fit(ex, ey, { epochs: 1, batchSize: 128, shuffle: false, classWeight, validationData: [valX, valY], verbose: 0 });
    tf.dispose([idx, ex, ey]);
    const last = (k: string) => (h.history[k]?.[0] as number | undefined)?.toFixed(3);
    console.log(`epoch ${epoch + 1}: loss ${last('loss')} acc ${last('acc')} val_loss ${last('val_loss')} val_acc ${last('val_acc')}`);
  }
  const command = `npm run train:activity --${permissive ? ' --permissive-only' : syntheticOnly ? ' --synthetic-only' : ''} --epochs ${values.epochs} --synthetic ${values.synthetic} --copies ${values.copies} --seed ${seed} --class-weight-power ${values['class-weight-power']}`;
  const meta = await saveModel(model, out, {
    name: `anyu-activity-tcn${permissive ? '-permissive' : ''}`,
    trainedOn,
    licence: permissive || syntheticOnly ? 'MIT-derived (GMDCSA24) and synthetic: usable commercially' : 'CC BY-NC-SA 4.0 (inherits URFD): non-commercial use only',
    command,
  });
  console.log(`saved ${out} (${meta.parameters} parameters, sha256 ${meta.weightsSha256}) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return 0;
}

runScript(main);
