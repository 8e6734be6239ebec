/**
 * `npm run eval:vision [-- --frames N --every N --workers N --peer centernet,nanodet|none
 *  --multicam-frames N --no-refind --no-sweep --no-readme]` (`--no-refind`: without the pose re-find of lost bodies;
 *  `--no-sweep`: without the lying-body sweep): our pipeline and the `@vladmandic/human` peer on
 * vtest.avi against its MOT15 ground truth, in one run on the same frames; prints the
 * table and writes it into models/README.md. Run it under `nice` (see package.json).
 */
import { availableParallelism } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readMotGroundTruth } from './mot-metrics.ts';
import { SCENES, type Scene } from '../../edge/vision/scene.ts';
import { capacityFps, multicamLine, resultsTable, writeIntoReadme } from './vision-report.ts';
import { runMulticam, runOurs, runPeer, type RunResult } from './vision-runs.ts';

const { values } = parseArgs({
  options: {
    frames: { type: 'string' },
    every: { type: 'string' },
    workers: { type: 'string' },
    peer: { type: 'string' },
    'multicam-frames': { type: 'string' },
    'detect-every': { type: 'string' },
    poses: { type: 'string' },
    'multicam-detect-every': { type: 'string' },
    'multicam-poses': { type: 'string' },
    'no-readme': { type: 'boolean' },
    'no-refind': { type: 'boolean' },
    'no-sweep': { type: 'boolean' },
    'detector-width': { type: 'string' },
    'min-score': { type: 'string' },
    'track-score': { type: 'string' },
    scene: { type: 'string' },
  },
});

const dataDir = process.env.ANYU_DATA_DIR;
if (!dataDir) {
  console.error('eval:vision needs ANYU_DATA_DIR (the folder holding media/vtest.avi and media/vtest-gt.txt)');
  process.exit(2);
}
const video = join(dataDir, 'media', 'vtest.avi');
const gt = await readMotGroundTruth(join(dataDir, 'media', 'vtest-gt.txt'));
const maxFrames = values.frames ? Number(values.frames) : Number.POSITIVE_INFINITY;
const every = values.every ? Number(values.every) : 1;
const workers = values.workers ? Number(values.workers) : availableParallelism();
const peers = (values.peer ?? 'centernet').split(',').filter((p) => p !== 'none') as ('centernet' | 'nanodet')[];
const multicamFrames = Number(values['multicam-frames'] ?? 60);
const log = (m: string) => console.error(m);
const src = { video, gt, maxFrames, every };

/** Detector and tracker settings from the command line (defaults: the pipeline's). */
function detectorArgs() {
  // vtest.avi is a street seen from afar: an `open` scene (edge/vision/scene.ts) unless told otherwise.
  const scene = (values.scene ?? 'open') as Scene;
  if (!SCENES.includes(scene)) {
    console.error(`--scene must be one of ${SCENES.join(', ')}`);
    process.exit(2);
  }
  const w = values['detector-width'] ? { inputWidth: Number(values['detector-width']) } : {};
  const m = values['min-score'] ? { minScore: Number(values['min-score']) } : {};
  const t = values['track-score'] ? Number(values['track-score']) : null;
  return { scene, detector: { ...w, ...m }, ...(t !== null ? { tracker: { highScore: t, lowScore: Math.max(0.05, t - 0.05) } } : {}) };
}
const runs: RunResult[] = [];
log(`eval:vision: ours (${workers} workers)…`);
const detectEvery = Number(values['detect-every'] ?? 1);
const poses = Number(values.poses ?? 2);
const refind = !values['no-refind'];
const sweep = !values['no-sweep'];
runs.push(
  await runOurs(
    src,
    { size: workers, log, detectEvery, posesPerFrame: poses, ...detectorArgs(), ...(refind ? {} : { poseRefind: false as const }), ...(sweep ? {} : { lyingSweep: false as const }) },
    `anyu: ${values.scene ?? 'open'} scene, centernet@${values['detector-width'] ?? (values.scene === 'room' ? 640 : 384)} (every ${detectEvery}) + tracker + movenet-lightning ×${poses}/frame${refind ? ' + pose re-find' : ''}${sweep ? ' + lying sweep' : ''}`,
  ),
);
for (const p of peers) {
  log(`eval:vision: peer human ${p}…`);
  runs.push(await runPeer(src, p));
}
let multicam = '';
if (multicamFrames > 0) {
  log(`eval:vision: 4 cameras of 640×360, ${multicamFrames} frames each…`);
  const mc = { size: workers, scene: detectorArgs().scene, detectEvery: Number(values['multicam-detect-every'] ?? 2), posesPerFrame: Number(values['multicam-poses'] ?? 2) };
  multicam = multicamLine(await runMulticam(video, 4, 640, 360, multicamFrames, mc), availableParallelism());
}

const command = `ANYU_DATA_DIR=… nice -n 10 npm run eval:vision --${process.argv.slice(2).map((a) => ` ${a}`).join('')}`;
const ours = runs[0] as RunResult;
const cores = availableParallelism();
const peerRuns = runs.slice(1);
const bestWall = peerRuns.reduce((m, r) => Math.max(m, r.frames / r.wallSeconds), 0);
const bestCapacity = peerRuns.reduce((m, r) => Math.max(m, capacityFps(r, cores)), 0);
const speedup =
  bestWall > 0
    ? `Speed vs the fastest peer: **${(capacityFps(ours, cores) / bestCapacity).toFixed(2)}× on idle cores** (from CPU time), ${(ours.frames / ours.wallSeconds / bestWall).toFixed(2)}× in wall-clock time of this run (the runs follow each other, so other jobs on the machine weigh on each differently).`
    : '';
const body = [
  `Measured ${new Date().toISOString().slice(0, 16)}Z on this machine (${availableParallelism()} cores, shared), IoU ≥ 0.5, frames = source frames analysed (every ${every}).`,
  '',
  resultsTable(runs, cores),
  '',
  speedup,
  multicam,
  '',
  `Command: \`${command}\``,
].join('\n');
console.log(body);
if (!values['no-readme']) {
  await writeIntoReadme(resolve(dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), body);
  log('eval:vision: table written to models/README.md');
}
