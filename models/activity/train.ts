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
import { dataDir, loadClips } from './clips.ts';
import type { LabelledSample } from './dataset.ts';
import { realSequences } from './real-sequences.ts';
import { saveModel } from './model.ts';
import { TRAIN_DEFAULTS, trainActivityModel } from './training.ts';
import { runScript } from '../run-script.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'permissive-only': { type: 'boolean', default: false },
      'synthetic-only': { type: 'boolean', default: false },
      epochs: { type: 'string', default: String(TRAIN_DEFAULTS.epochs) },
      synthetic: { type: 'string', default: String(TRAIN_DEFAULTS.synthetic) },
      copies: { type: 'string', default: String(TRAIN_DEFAULTS.copies) },
      seed: { type: 'string', default: String(TRAIN_DEFAULTS.seed) },
      'class-weight-power': { type: 'string', default: String(TRAIN_DEFAULTS.classWeightPower) },
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
  const out = resolve(values.out ?? join(HERE, syntheticOnly ? 'model-synthetic' : permissive ? 'model-permissive' : 'model'));
  await tf.setBackend('cpu');
  const started = Date.now();

  let real: LabelledSample[][] = [];
  const trainedOn: string[] = [];
  if (!syntheticOnly) {
    const root = dataDir();
    if (!root) {
      console.error('train:activity needs the real clips: set ANYU_DATA_DIR (see ../shared/data/README.md)');
      return 2;
    }
    const clips = loadClips(root).filter((c) => c.part === 'fit' && (c.dataset === 'gmdcsa24' || (c.dataset === 'urfd' && !permissive)));
    real = await realSequences(clips, (m) => console.log(m));
    trainedOn.push(...(permissive ? [] : ['URFD fit split (CC BY-NC-SA 4.0)']), 'GMDCSA24 subjects 1–2 (MIT)');
  }
  trainedOn.push(`${values.synthetic} synthetic sequences (models/activity/synthetic*.ts)`);
  const { model } = await trainActivityModel({
    real,
    synthetic: Number(values.synthetic),
    copies: Number(values.copies),
    seed,
    epochs: Number(values.epochs),
    classWeightPower: Number(values['class-weight-power']),
    log: (m) => console.log(m),
  });
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
