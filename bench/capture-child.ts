/**
 * Child process of bench/capture.ts: reads one file through `readFrames` in offline mode
 * (every frame, no drops) and prints the frame count. With `--first` it stops after the
 * first frame, so the parent can subtract the fixed start-up cost (Node, tsx, ffmpeg
 * start, fluent-ffmpeg's capability probe) and keep the cost per frame.
 */
import { readFrames } from '../edge/capture/index.ts';

const [source, w, h, fps, mode] = process.argv.slice(2);
if (!source) throw new Error('usage: capture-child.ts <source> <width> <height> <fps|0> [--first]');
let n = 0;
{
  for await (const f of readFrames({
    source,
    width: Number(w),
    height: Number(h),
    ...(Number(fps) > 0 ? { fps: Number(fps) } : {}),
    realtime: false,
  })) {
    n += f.data.length > 0 ? 1 : 0;
    if (mode === '--first') break;
  }
}
console.log(n);
