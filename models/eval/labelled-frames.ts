/**
 * Labelled still frames of real rooms (../shared/data): the daycare set (adults and
 * children, pasted children flagged) and the care-ward CCTV set (YOLO labels, a person
 * carries an identity box and a state box). Read from ANYU_DATA_DIR; never copied.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Box } from '../../protocol/index.ts';
import type { RgbFrame } from '../../edge/types.ts';
import { iou } from '../../edge/vision/geometry.ts';
import { decodeJpeg } from '../../edge/attendance/image.ts';

export type PersonClass = 'adult' | 'child' | 'person';

export interface LabelledPerson {
  box: Box;
  cls: PersonClass;
  /** Pasted into the picture by the uploader: a detection on it is neither right nor wrong. */
  ignore: boolean;
  /** Care wards: the state box drawn for this person, when there is one (stand, sit, lie, fall, danger, move). */
  state?: string;
}

export interface LabelledFrame {
  set: 'daycare' | 'care-cctv';
  /** File name, unique within the set. */
  name: string;
  /** The room or camera the frame comes from (frames of one room are not independent). */
  group: string;
  path: string;
  persons: LabelledPerson[];
}

interface DaycareLabels {
  frames: { image: string; boxes: { cls: 'adult' | 'child'; box: Box; pasted: boolean }[] }[];
}

/** `resized-scene00626_png.rf.<hash>.jpg` → `scene00626`: augmented copies share a source frame. */
function daycareSource(image: string): string {
  return /scene\d+/.exec(image)?.[0] ?? image;
}

export async function readDaycareFrames(dataDir: string): Promise<LabelledFrame[]> {
  const dir = join(dataDir, 'childcare', 'daycare');
  const labels = JSON.parse(await readFile(join(dir, 'labels.json'), 'utf8')) as DaycareLabels;
  return labels.frames.map((f) => ({
    set: 'daycare',
    name: f.image,
    group: daycareSource(f.image),
    path: join(dir, 'images', f.image),
    persons: f.boxes.map((b) => ({ box: b.box, cls: b.cls, ignore: b.pasted })),
  }));
}

const CARE_CLASSES = ['bed', 'danger', 'fall', 'lie', 'move', 'patient', 'person', 'sit', 'stand', 'walker', 'wheelchair'] as const;
const IDENTITY = new Set(['patient', 'person']);
const STATE = new Set(['danger', 'fall', 'lie', 'move', 'sit', 'stand']);

/**
 * One person per identity box (patient, person); a state box (stand, sit, lie, fall,
 * danger, move) is the same person when it overlaps an identity box at IoU > 0.5 — the
 * uploader drew both for most people — and a person of its own otherwise.
 */
export function carePersons(lines: string, width: number, height: number): LabelledPerson[] {
  const ids: Box[] = [];
  const states: { box: Box; cls: string }[] = [];
  for (const line of lines.split('\n')) {
    const p = line.trim().split(/\s+/).map(Number);
    if (p.length < 5 || p.some((v) => !Number.isFinite(v))) continue;
    const cls = CARE_CLASSES[p[0] as number];
    const [cx, cy, w, h] = p.slice(1, 5) as [number, number, number, number];
    const box: Box = [(cx - w / 2) * width, (cy - h / 2) * height, w * width, h * height];
    if (cls && IDENTITY.has(cls)) ids.push(box);
    else if (cls && STATE.has(cls)) states.push({ box, cls });
  }
  const stateOf = (b: Box) => states.filter((s) => iou(s.box, b) > 0.5).sort((x, y) => iou(y.box, b) - iou(x.box, b))[0]?.cls;
  const lone = states.filter((s) => !ids.some((b) => iou(s.box, b) > 0.5));
  return [
    ...ids.map((box) => ({ box, cls: 'person' as const, ignore: false, ...(stateOf(box) ? { state: stateOf(box) } : {}) })),
    ...lone.map((s) => ({ box: s.box, cls: 'person' as const, ignore: false, state: s.cls })),
  ];
}

/** `cam_3_202309191745-avi_100006_png_jpg.rf.<hash>.jpg` → `cam_3_202309191745-avi`. */
function careSource(image: string): string {
  const m = /^(.*?)_\d+_png/.exec(image);
  return m?.[1] ?? image;
}

export async function readCareFrames(dataDir: string, splits: readonly string[] = ['valid', 'test']): Promise<LabelledFrame[]> {
  const out: LabelledFrame[] = [];
  for (const split of splits) {
    const dir = join(dataDir, 'care-cctv', split);
    const images = (await readdir(join(dir, 'images'))).filter((f) => f.endsWith('.jpg')).sort();
    for (const image of images) {
      const txt = await readFile(join(dir, 'labels', image.replace(/\.jpg$/, '.txt')), 'utf8').catch(() => '');
      // The set's frames are 640×640 (README); boxes are relative.
      out.push({ set: 'care-cctv', name: `${split}/${image}`, group: careSource(image), path: join(dir, 'images', image), persons: carePersons(txt, 640, 640) });
    }
  }
  return out;
}

/** Decodes a JPEG file into a packed RGB frame (t = 0). */
export async function readRgb(path: string, index = 0): Promise<RgbFrame> {
  return { ...decodeJpeg(await readFile(path)), index, t: 0, at: 0 };
}
