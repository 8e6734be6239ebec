/**
 * Capture benchmark, side by side in one run (medians over repeats):
 *  1. CPU time per frame: `readFrames` (ffmpeg + our Node frame assembly) against plain
 *     ffmpeg decoding the same input with the same filters to rawvideo; CPU of a process
 *     tree is read with the shell's `times` (children's user+sys), minus Node's start-up.
 *  2. Resident memory per camera with 4 live cameras (agent + ffmpeg processes).
 *  3. Time from killing an RTSP source to the `camera_offline` incident stored by the hub.
 * `node bin/run-ts.mjs bench/capture.ts` or `npm run bench -- --group capture`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveFfmpegPath } from '../edge/capture/index.ts';
import { fmt, markdownTable, median } from './stats.ts';
import { measureMemory } from './capture-memory.ts';
import { measureOfflineLatency } from './capture-offline.ts';

export interface BenchSection {
  title: string;
  body: string;
}

interface Ctx {
  dataDir: string | undefined;
  log: (msg: string) => void;
}

const ROOT = join(import.meta.dirname, '..');
const REPEATS = Number(process.env.ANYU_BENCH_REPEATS ?? 5);

const shellQuote = (argv: string[]) => argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');

/** Children's user+sys CPU seconds of `argv` (or of a shell pipeline), via bash's `times`. */
function cpuSeconds(argv: string[] | { shell: string }): { cpu: number; stdout: string } {
  const quoted = Array.isArray(argv) ? shellQuote(argv) : argv.shell;
  const out = execFileSync('bash', ['-c', `${quoted}; echo "@@TIMES"; times`], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).toString();
  const [stdout, timesPart] = out.split('@@TIMES\n');
  const children = timesPart!.trim().split('\n')[1]!;
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { cpu: secs.reduce((a, b) => a + b, 0), stdout: stdout!.trim() };
}

interface CpuCase {
  label: string;
  width: number;
  height: number;
  fps: number;
}

function plainArgs(ffmpeg: string, source: string, c: CpuCase, first: boolean): string[] {
  const vf = [...(c.fps > 0 ? [`fps=${c.fps}`] : []), `scale=${c.width}:${c.height}:flags=bilinear`].join(',');
  return [
    ffmpeg, '-hide_banner', '-loglevel', 'error', '-nostdin', '-i', source, '-an', '-map', '0:v:0', '-vf', vf,
    ...(first ? ['-frames:v', '1'] : []), '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-y', '/dev/null',
  ];
}

/**
 * Marginal CPU per frame: (full run − run stopped after the first frame) / (frames − 1),
 * for both sides, so start-up costs (Node, tsx, process spawn, fluent-ffmpeg's one-time
 * capability probe) do not count as per-frame work.
 */
async function measureCpu(source: string, log: (m: string) => void): Promise<string> {
  const ffmpeg = resolveFfmpegPath();
  const node = process.execPath;
  const child = (c: CpuCase, first: boolean) => [
    node, 'bin/run-ts.mjs', 'bench/capture-child.ts', source, String(c.width), String(c.height), String(c.fps), ...(first ? ['--first'] : []),
  ];
  const cases: CpuCase[] = [
    { label: '640×360 @ 5 fps (analysis sub-stream)', width: 640, height: 360, fps: 5 },
    { label: '768×576 every frame (10 fps source)', width: 768, height: 576, fps: 0 },
  ];
  const rows: string[][] = [];
  for (const c of cases) {
    const plain: number[] = [];
    const piped: number[] = [];
    const ours: number[] = [];
    let frames = 0;
    for (let i = 0; i < REPEATS; i++) {
      const p = cpuSeconds(plainArgs(ffmpeg, source, c, false)).cpu - cpuSeconds(plainArgs(ffmpeg, source, c, true)).cpu;
      const toCat = (first: boolean) => ({ shell: `${shellQuote(plainArgs(ffmpeg, source, c, first)).replace(`'-y' '/dev/null'`, `'pipe:1'`)} | cat > /dev/null` });
      const q = cpuSeconds(toCat(false)).cpu - cpuSeconds(toCat(true)).cpu;
      const full = cpuSeconds(child(c, false));
      frames = Number(full.stdout.split('\n').at(-1));
      const o = full.cpu - cpuSeconds(child(c, true)).cpu;
      plain.push((p / (frames - 1)) * 1000);
      piped.push((q / (frames - 1)) * 1000);
      ours.push((o / (frames - 1)) * 1000);
      log(`cpu ${c.label}: run ${i + 1}/${REPEATS}: plain ${plain.at(-1)!.toFixed(2)} ms/frame, readFrames ${ours.at(-1)!.toFixed(2)} ms/frame (${frames} frames)`);
    }
    const ratios = ours.map((o, i) => o / plain[i]!);
    const pipedRatios = ours.map((o, i) => o / piped[i]!);
    rows.push([
      c.label, String(frames), fmt(median(plain), 2), fmt(median(piped), 2), fmt(median(ours), 2),
      `${fmt(median(ratios), 2)}×`, `${fmt(median(pipedRatios), 2)}×`,
    ]);
  }
  return markdownTable(
    ['case', 'frames', 'plain ffmpeg → /dev/null ms CPU/frame', 'plain ffmpeg → pipe → cat', 'readFrames', 'ratio vs /dev/null', 'ratio vs pipe → cat'],
    rows,
  );
}

export async function run(ctx: Ctx): Promise<BenchSection> {
  const source = ctx.dataDir ? join(ctx.dataDir, 'media', 'vtest.avi') : null;
  if (!source) {
    return { title: 'Capture (edge)', body: 'Skipped: ANYU_DATA_DIR is not set (needs media/vtest.avi).' };
  }
  const cpu = await measureCpu(source, ctx.log);
  const mem = await measureMemory(source, ctx.log);
  const offline = await measureOfflineLatency(source, ctx.log);
  const body = [
    `Input: \`vtest.avi\` (768×576, 10 fps, 795 frames, msmpeg4v3). ${REPEATS} repeats, medians.`,
    '',
    '### CPU time per frame (offline decode, every frame delivered)',
    '',
    cpu,
    '',
    'CPU = user+sys of the whole process tree (bash `times`), marginal per frame: (full run − run stopped after the first frame) / (frames − 1). readFrames = ffmpeg writing rawvideo to a pipe plus Node assembling frames; plain ffmpeg writes the same rawvideo to /dev/null (no pipe, no reader: the strictest baseline) or through a pipe to `cat` (what any reader of frames pays for the pipe). Ratios are medians of the per-run ratios.',
    '',
    '### Resident memory, 4 live cameras (realtime, 640×360 @ 5 fps, no vision)',
    '',
    mem,
    '',
    'RSS counts the shared libraries (libav*, codecs) again in every ffmpeg; PSS splits shared pages between the processes that map them, so Σ PSS is what the 4 ffmpeg processes really add. Node growth = RSS of this process after 8 s of capture minus before the agent started (median of 10 samples).',
    '',
    '### Source killed → `camera_offline` incident stored at the hub',
    '',
    offline,
  ].join('\n');
  return { title: 'Capture (edge)', body };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const section = await run({ dataDir: process.env.ANYU_DATA_DIR, log: (m) => console.error(`[bench] ${m}`) });
  console.log(`## ${section.title}\n\n${section.body}`);
}
