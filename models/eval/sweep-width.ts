/**
 * Lying-body sweep at smaller MultiPose inputs: on every GMDCSA24 clip (fit and report),
 * the pipeline as the evaluations pin it but with the sweep as the live edge runs it (in
 * the background, `applyAfterMs` 500) at each `--widths` value; prints the frames labelled
 * lying with a tracked person, per split side and width. The cost side is the vision
 * bench's live-camera table (`npm run bench -- --group vision`). GMDCSA24 only: there the
 * sweep matters (URFD's lying bodies mostly do not look lying, MODEL_CARD "Fifth round").
 *
 * `ANYU_DATA_DIR=… node bin/run-ts.mjs models/eval/sweep-width.ts [--widths 384,512]`
 * Caches its keypoints under data/cache/sweep-width/ (gitignored with data/). Analysis only.
 */
import { parseArgs } from 'node:util';
import { createVisionPipeline, type VisionPipelineWithStats } from '../../edge/vision/pipeline.ts';
import { dataDir, loadClips, type ClipInfo } from '../activity/clips.ts';
import type { CachedClip } from '../activity/keypoint-cache.ts';
import { EVAL_PIPELINE_SETTINGS, extractClips, POSES_PER_FRAME, type VisionSource } from '../activity/vision-source.ts';
import { runScript } from '../run-script.ts';

const CACHE_DIR = 'data/cache/sweep-width';

function extractAt(clips: readonly ClipInfo[], width: number, log: (m: string) => void): Promise<CachedClip[]> {
  const settings = { ...EVAL_PIPELINE_SETTINGS, posesPerFrame: POSES_PER_FRAME, detectEvery: 1, lyingSweep: { ...EVAL_PIPELINE_SETTINGS.lyingSweep, applyAfterMs: 500, inputWidth: width } };
  let created: Promise<VisionPipelineWithStats> | null = null;
  const source: VisionSource = {
    signature: JSON.stringify({ study: 'sweep-width', settings }),
    pipeline: () => (created ??= createVisionPipeline({ size: 2, ...settings })),
    close: async () => {
      if (created) await (await created).close();
    },
  };
  return extractClips(clips, { source, cacheDir: CACHE_DIR, log });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { widths: { type: 'string', default: '384,512' } } });
  const widths = (values.widths ?? '').split(',').map(Number);
  if (widths.some((w) => !Number.isInteger(w) || w < 128 || w > 1024)) throw new Error(`--widths must be integers 128–1024, not ${values.widths}`);
  const root = dataDir();
  if (!root) {
    console.error('sweep-width needs the real clips: set ANYU_DATA_DIR');
    return 2;
  }
  const clips = loadClips(root).filter((c) => c.dataset === 'gmdcsa24');
  console.log('| MultiPose width | fit: lying frames with a tracked person | report: lying frames with a tracked person | all |');
  console.log('| --- | --- | --- | --- |');
  for (const width of widths) {
    console.error(`sweep-width: ${clips.length} GMDCSA24 clips at width ${width} (cached ones are read)…`);
    const cached = await extractAt(clips, width, (m) => console.error(m));
    const count = (part: ClipInfo['part'] | null) => {
      let lying = 0;
      let seen = 0;
      clips.forEach((clip, i) => {
        if (part && clip.part !== part) return;
        for (const f of cached[i]?.frames ?? []) {
          if (clip.labelAt(f.t) !== 'lying') continue;
          lying++;
          if (f.persons.length > 0) seen++;
        }
      });
      return `${seen}/${lying} (${Math.round((100 * seen) / Math.max(1, lying))} %)`;
    };
    console.log(`| ${width} | ${count('fit')} | ${count('report')} | ${count(null)} |`);
  }
  return 0;
}

runScript(main);
