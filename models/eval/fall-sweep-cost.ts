/**
 * What the fall sweep (edge/vision/lying-sweep.ts) costs and finds: every labelled clip
 * and vtest.avi run through the live edge's pipeline for a camera without a nap zone
 * (`createEdgeVisionSource`, its defaults: bursts, the fall sweep on), one clip after
 * another on each of two inference threads; prints per group of clips the fall sweeps per
 * minute of footage, the bodies they adopted and MultiPose's time per sweep. The fall
 * rule's side (falls found, lying frames tracked) is `npm run eval:falls` with and without
 * `--no-fall-sweep`; the live cameras a box sustains, `npm run bench -- --group vision`.
 *
 * `ANYU_DATA_DIR=… node bin/run-ts.mjs models/eval/fall-sweep-cost.ts` (≈ 7 min on 2 cores;
 * nothing cached: the counts come from the pipeline, not from the keypoints).
 */
import { readFrames } from '../../edge/capture/index.ts';
import type { VisionPipelineWithStats } from '../../edge/vision/pipeline.ts';
import { markdownTable } from '../../bench/stats.ts';
import { dataDir, loadClips, type ClipInfo } from '../activity/clips.ts';
import { createEdgeVisionSource } from '../activity/vision-source.ts';
import { EDGE_RATES } from './falls-eval.ts';
import { runScript } from '../run-script.ts';

interface Counted {
  clip: ClipInfo;
  fallSweeps: number;
  adopted: number;
  sweepMs: number;
}

function groupOf(c: ClipInfo): string {
  if (c.id === 'vtest') return 'vtest.avi (a street, 10–20 people)';
  return `${c.part} side, ${c.kind === 'fall' ? 'fall clips' : 'daily activities'}`;
}

async function main(): Promise<number> {
  const root = dataDir();
  if (!root) {
    console.error('fall-sweep-cost needs the real clips: set ANYU_DATA_DIR (see ../shared/data/README.md)');
    return 2;
  }
  const clips = loadClips(root);
  // Longest first, so vtest.avi does not start last and run alone.
  const order = [...clips].sort((a, b) => b.durationS - a.durationS);
  const counted: Counted[] = [];
  let next = 0;
  const lane = async () => {
    // One pipeline per lane: its stats change only with the clip this lane runs.
    const source = createEdgeVisionSource({ workers: 1, burst: { calmFps: EDGE_RATES.calmFps } });
    try {
      const pipeline = (await source.pipeline()) as VisionPipelineWithStats;
      while (next < order.length) {
        const clip = order[next++] as ClipInfo;
        const s0 = pipeline.stats();
        for await (const frame of readFrames({ source: clip.file, fps: EDGE_RATES.fps, realtime: false, ...(clip.crop ? { crop: clip.crop } : {}) })) await pipeline.analyse(clip.id, frame);
        const s1 = pipeline.stats();
        counted.push({ clip, fallSweeps: s1.fallSweeps - s0.fallSweeps, adopted: s1.adopted - s0.adopted, sweepMs: s1.sweepMs - s0.sweepMs });
        console.error(`fall-sweep-cost: ${counted.length}/${order.length} ${clip.id}: ${s1.fallSweeps - s0.fallSweeps} fall sweeps`);
      }
    } finally {
      await source.close();
    }
  };
  await Promise.all([lane(), lane()]);
  const groups = new Map<string, Counted[]>();
  for (const c of counted) groups.set(groupOf(c.clip), [...(groups.get(groupOf(c.clip)) ?? []), c]);
  const rows = [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, cs]) => {
    const minutes = cs.reduce((a, c) => a + c.clip.durationS, 0) / 60;
    const sweeps = cs.reduce((a, c) => a + c.fallSweeps, 0);
    const ms = cs.reduce((a, c) => a + c.sweepMs, 0);
    return [
      name,
      `${cs.length} (${minutes.toFixed(1)} min)`,
      `${sweeps} (${cs.filter((c) => c.fallSweeps > 0).length})`,
      (sweeps / Math.max(1e-9, minutes)).toFixed(1),
      cs.reduce((a, c) => a + c.adopted, 0),
      sweeps ? (ms / sweeps).toFixed(0) : '–',
      ((ms / 1000 / Math.max(1e-9, minutes * 60)) * 100).toFixed(1),
    ];
  });
  console.log(`Fall sweeps of the live edge's pipeline (a camera without a nap zone, ${EDGE_RATES.calmFps} fps, ${EDGE_RATES.fps} in bursts), one WASM thread per clip:\n`);
  console.log(markdownTable(['clips', 'clips (footage)', 'fall sweeps (clips with any)', 'per minute', 'bodies adopted', 'ms per sweep', '% of one core'], rows));
  return 0;
}

runScript(main);
