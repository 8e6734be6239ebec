/**
 * `anyu analyze --input <file|rtsp://…> --out <file.jsonl> [--every N] [--render out.mp4]`:
 * offline analysis with a progress bar (periodic lines on stderr when it is not a TTY),
 * one JSON line per analysed frame and a last `{"summary": …}` line.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, statSync, unlinkSync } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { RuleEngine } from '../types.ts';
import { createVisionPipeline } from '../vision/pipeline.ts';
import { SCENES, type Scene } from '../vision/scene.ts';
import { createOfflineRuleEngine } from '../analytics/offline.ts';
import { createActivityTagger, loadActivityClassifier } from '../analytics/index.ts';
import { analyzeSource, type AnalyzeSummary } from './analyze-session.ts';

const HELP = `usage: anyu analyze --input <video file | rtsp://…> --out <file.jsonl> [options]

  --every N         analyse every Nth decoded frame (default 1)
  --render FILE     also write an H.264 mp4 with boxes, ids and skeletons drawn
  --frames N        stop after N analysed frames (needed for endless RTSP streams)
  --workers N       inference threads (default: one per core)
  --transport T     RTSP transport: tcp (default) or udp
  --camera ID       camera id written in events (default "offline")
  --scene S         room (default: a room seen from the ceiling or high on a wall)
                    or open (a yard or street seen from afar); see edge/README.md
  --pixel-aspect X  width ÷ height of a pixel as the scene shows it, when the video
                    was scaled to other proportions than the camera's (default 1)
  --quiet           no progress output`;

/** Hook for incidents: analytics registers a factory; each analysed frame feeds it. */
export type RuleEngineFactory = (cameraId: string) => RuleEngine | Promise<RuleEngine>;

export interface AnalyzeDeps {
  ruleEngineFactory?: RuleEngineFactory;
  /** The vision pipeline factory (tests check it is never reached when the input is missing). */
  createPipeline?: typeof createVisionPipeline;
}

/** Why a local input cannot be read, or null (URLs are left to ffmpeg). */
function inputProblem(input: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return null;
  if (!existsSync(input)) return `input ${input} does not exist`;
  if (!statSync(input).isFile()) return `input ${input} is not a file`;
  return null;
}

function probeFrameCount(input: string): number | null {
  if (/^rtsps?:\/\//i.test(input)) return null;
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=nb_frames', '-of', 'csv=p=0', input], {
    encoding: 'utf8',
  });
  const n = r.status === 0 ? Number.parseInt(r.stdout.trim(), 10) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got '${v}'`);
  return n;
}

function createProgress(total: number | null, quiet: boolean) {
  if (quiet) return { update: (_a: number, _i: number) => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'analyze [{bar}] {percentage}% | frame {frame}/{totalFrames} | {fps} fps | eta {eta}s', stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    const started = performance.now();
    bar.start(total ?? 0, 0, { frame: 0, totalFrames: total ?? '?', fps: '0' });
    return {
      update(analysed: number, index: number) {
        const fps = (analysed / ((performance.now() - started) / 1000)).toFixed(1);
        bar.update(total ? index + 1 : analysed, { frame: index + 1, fps });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  const started = performance.now();
  return {
    update(analysed: number, index: number) {
      const now = performance.now();
      if (now - last < 5000) return;
      last = now;
      const fps = (analysed / ((now - started) / 1000)).toFixed(1);
      process.stderr.write(`analyze: frame ${index + 1}${total ? `/${total}` : ''}, ${analysed} analysed, ${fps} fps\n`);
    },
    stop: () => undefined,
  };
}

export async function run(args: string[], deps: AnalyzeDeps = {}): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        input: { type: 'string' },
        out: { type: 'string' },
        every: { type: 'string' },
        render: { type: 'string' },
        frames: { type: 'string' },
        workers: { type: 'string' },
        transport: { type: 'string' },
        camera: { type: 'string' },
        scene: { type: 'string' },
        'pixel-aspect': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`anyu analyze: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.input || !values.out) {
    console.error(`anyu analyze: --input and --out are required\n\n${HELP}`);
    return 2;
  }
  let every: number | undefined;
  let maxFrames: number | undefined;
  let workers: number | undefined;
  let pixelAspect = 1;
  try {
    every = positiveInt('every', values.every);
    maxFrames = positiveInt('frames', values.frames);
    workers = positiveInt('workers', values.workers);
    if (values.transport && values.transport !== 'tcp' && values.transport !== 'udp') throw new Error('--transport must be tcp or udp');
    if (values.scene !== undefined && !(SCENES as readonly string[]).includes(values.scene)) throw new Error(`--scene must be one of ${SCENES.join(', ')}, got '${values.scene}'`);
    pixelAspect = values['pixel-aspect'] === undefined ? 1 : Number(values['pixel-aspect']);
    if (!(pixelAspect >= 0.25 && pixelAspect <= 4)) throw new Error(`--pixel-aspect must be a number from 0.25 to 4, got '${values['pixel-aspect']}'`);
  } catch (err) {
    console.error(`anyu analyze: ${(err as Error).message}`);
    return 2;
  }
  // Before loading any model or creating the output: a typo in a path fails in a moment
  // and leaves no empty output file behind.
  const problem = inputProblem(values.input);
  if (problem) {
    console.error(`anyu analyze: ${problem}`);
    return 2;
  }
  const cameraId = values.camera ?? 'offline';
  const outPath = values.out;
  const out = createWriteStream(outPath);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const total = probeFrameCount(values.input);
  const progress = createProgress(total && every ? Math.ceil(total / every) * every : total, values.quiet ?? false);
  // The pipeline's defaults (a lying-body sweep once a second) and the fall sweep, as on every live camera.
  const pipeline = await (deps.createPipeline ?? createVisionPipeline)({ size: workers, fallSweep: {}, scene: values.scene as Scene | undefined, pixelAspect, log: (m) => (values.quiet ? undefined : process.stderr.write(`${m}\n`)) });
  let summary: AnalyzeSummary | null = null;
  try {
    // Safety rules on media time (analytics); incidents become {"event": …} lines.
    const ruleEngine = await (deps.ruleEngineFactory ?? ((id: string) => createOfflineRuleEngine(id)))(cameraId);
    const tagger = createActivityTagger(await loadActivityClassifier());
    summary = await analyzeSource({
      source: values.input,
      out,
      pipeline,
      cameraId,
      every,
      maxFrames,
      sourceFrames: total,
      transport: values.transport as 'tcp' | 'udp' | undefined,
      renderPath: values.render,
      inFlight: Math.max(2, pipeline.workers * 2),
      ruleEngine,
      tagger,
      signal: abort.signal,
      onProgress: (a, i) => progress.update(a, i),
    });
    out.write(`${JSON.stringify({ summary })}\n`);
    return 0;
  } catch (err) {
    console.error(`anyu analyze: ${(err as Error).message}`);
    return 1;
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    await pipeline.close();
    await new Promise<void>((resolve) => out.end(() => resolve()));
    // A run that failed before its first line leaves no empty file to mistake for a result.
    if (!summary && out.bytesWritten === 0) unlinkSync(outPath);
    if (summary && !values.quiet) process.stderr.write(`analyze: ${summary.analysedFrames} frames in ${summary.wallSeconds} s (${summary.fps} fps, ${summary.backend})\n`);
  }
}
