/**
 * The real clips of `$ANYU_DATA_DIR` with their labels and their side of the fixed split
 * (`split.json`): URFD (RGB half cropped out of the depth|RGB frame), GMDCSA24 and
 * vtest.avi. Labels are turned into one vocabulary: `notLying`, `falling`, `lying`, and
 * `down` (going to the floor on purpose, URFD's "0" label inside ADL clips).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Crop } from '../../edge/capture/index.ts';

export type FrameLabel = 'notLying' | 'falling' | 'lying' | 'down';

export interface ClipInfo {
  id: string;
  dataset: 'urfd' | 'gmdcsa24' | 'vtest';
  file: string;
  crop?: Crop;
  /** `fall` clips contain a fall; `adl` and `none` do not. */
  kind: 'fall' | 'adl' | 'none';
  part: 'fit' | 'report';
  durationS: number;
  /** Labelled start of lying (URFD) or of the fall (GMDCSA24, which has no lying label). */
  lyingStartS?: number;
  labelAt(t: number): FrameLabel | null;
}

interface Split {
  fit: { urfd: string[]; gmdcsa24Subjects: string[] };
  report: { urfd: string[]; gmdcsa24Subjects: string[]; vtest: string };
}

export const SPLIT_PATH = resolve(dirname(fileURLToPath(import.meta.url)), 'split.json');
export const URFD_CROP: Crop = { width: 320, height: 240, x: 320, y: 0 };
/** GMDCSA24 labels a fall's whole span; its first second is the descent, the rest lying. */
const GMDCSA_FALLING_S = 1;

function readCsv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const head = (lines.shift() ?? '').split(',');
  return lines.map((line) => {
    // Quoted fields do not occur in the columns read here; descriptions come last.
    const cells = line.split(',');
    return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']));
  });
}

export function dataDir(): string | null {
  const dir = process.env.ANYU_DATA_DIR;
  return dir && existsSync(join(dir, 'falls')) ? dir : null;
}

export function loadClips(root: string): ClipInfo[] {
  const split = JSON.parse(readFileSync(SPLIT_PATH, 'utf8')) as Split;
  const clips: ClipInfo[] = [];
  const urfd = join(root, 'falls/urfd');
  const frameLabels = new Map<string, Map<number, number>>();
  for (const f of ['urfall-cam0-falls.csv', 'urfall-cam0-adls.csv']) {
    for (const r of readCsv(join(urfd, 'labels', f))) {
      const name = r.name ?? '';
      if (!frameLabels.has(name)) frameLabels.set(name, new Map());
      frameLabels.get(name)?.set(Number(r.frame), Number(r.label));
    }
  }
  for (const r of readCsv(join(urfd, 'manifest.csv'))) {
    const file = r.file ?? '';
    const part = split.fit.urfd.includes(file) ? 'fit' : split.report.urfd.includes(file) ? 'report' : null;
    if (!part) continue;
    const fps = Number(r.fps);
    const labels = frameLabels.get((r.urfd_sequence ?? '').replace(/-cam0$/, '')) ?? new Map<number, number>();
    const isAdl = r.clip_label === 'adl';
    clips.push({
      id: `urfd/${file.replace(/\.mp4$/, '')}`,
      dataset: 'urfd',
      file: join(urfd, file),
      crop: URFD_CROP,
      kind: isAdl ? 'adl' : 'fall',
      part,
      durationS: Number(r.duration_s),
      ...(r.lying_first_frame ? { lyingStartS: (Number(r.lying_first_frame) - 1) / fps } : {}),
      labelAt(t) {
        const l = labels.get(Math.round(t * fps) + 1);
        if (l === undefined) return null;
        if (l === -1) return 'notLying';
        if (l === 0) return isAdl ? 'down' : 'falling';
        return 'lying';
      },
    });
  }
  const gm = join(root, 'falls/gmdcsa24');
  for (const r of readCsv(join(gm, 'manifest.csv'))) {
    const subject = r.subject ?? '';
    const part = split.fit.gmdcsa24Subjects.includes(subject) ? 'fit' : split.report.gmdcsa24Subjects.includes(subject) ? 'report' : null;
    if (!part) continue;
    const isFall = r.clip_label === 'fall';
    const start = isFall ? Number(r.fall_start_s) : NaN;
    clips.push({
      id: `gmdcsa24/${(r.file ?? '').replace(/\.mp4$/, '').replace(/ /g, '')}`,
      dataset: 'gmdcsa24',
      file: join(gm, r.file ?? ''),
      kind: isFall ? 'fall' : 'adl',
      part,
      durationS: Number(r.duration_s),
      ...(isFall ? { lyingStartS: start } : {}),
      labelAt(t) {
        if (!isFall || t < start) return 'notLying';
        return t < start + GMDCSA_FALLING_S ? 'falling' : 'lying';
      },
    });
  }
  clips.push({
    id: 'vtest',
    dataset: 'vtest',
    file: join(root, split.report.vtest),
    kind: 'none',
    part: 'report',
    durationS: 79.5,
    labelAt: () => 'notLying',
  });
  return clips;
}
