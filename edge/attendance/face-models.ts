/**
 * The face models of the entrance camera and of enrolment, all shipped offline in npm
 * packages and verified against `models/manifest.json` before loading:
 * - detection and 68 landmarks: @vladmandic/face-api (SSD MobileNetV1 + landmark net);
 * - descriptors: face-api's 128-d ResNet (a port of dlib's), human-models' FaceRes (1024-d)
 *   and MobileFaceNet (192-d) — `models/eval/faces.ts` measures them side by side;
 * - anti-spoofing and liveness scores: human-models `antispoof` and `liveness`.
 *
 * Every descriptor sees a chip cut by a similarity transform from landmarks to that
 * model's own template (`alignChip`), except `faceapi-box`, which is face-api's own
 * behaviour (the detection box, resized) and kept as the library's reference point.
 */
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type { GraphModel, Tensor } from '@tensorflow/tfjs';
import { createRuntime, type BackendName, type Runtime } from '../vision/runtime.ts';
import { loadGraphModel, packageRoot, readManifest, verifiedRead, type ModelManifest } from '../vision/model-loader.ts';
import { boxChip, estimateSimilarity, warpChip, type Point, type RgbImage } from './image.ts';

export const DESCRIPTORS = ['faceapi', 'faceapi-flip', 'faceapi-box', 'faceres', 'mobilefacenet', 'mobileface'] as const;
export type DescriptorName = (typeof DESCRIPTORS)[number];

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectedFace {
  box: FaceBox;
  /** Detector score 0..1. */
  score: number;
  /** All 68 landmarks (iBUG order) in image pixels. */
  landmarks: Point[];
}

const mean = (pts: Point[]): Point => [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];

/** Eye centres, nose tip and mouth corners from the 68 landmarks (image left eye first). */
export function fivePoints(l: Point[]): Point[] {
  return [mean(l.slice(36, 42)), mean(l.slice(42, 48)), l[30]!, l[48]!, l[54]!];
}

/** ArcFace/InsightFace 112×112 reference points (eyes, nose tip, mouth corners). */
const ARCFACE_112: Point[] = [
  [38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041],
];
/**
 * dlib's 5-point mean face (eye corners 45, 42, 36, 39 and the nose base 33) in the unit
 * square, as `get_face_chip_details` uses it; with padding p a point goes to (v + p) / (1 + 2p).
 */
const DLIB_5 = { x: [0.8595674595, 0.6460604785, 0.1496316266, 0.3568207841, 0.5086737908], y: [0.2134981149, 0.2082364953, 0.2011892585, 0.2044104035, 0.686543497] };
const DLIB_IDX = [45, 42, 36, 39, 33];

export interface ChipSpec {
  size: number;
  /** Which landmarks and where they go in the chip. */
  src: (l: Point[]) => Point[];
  dst: Point[];
}

function arcface(size: number, zoom = 1): ChipSpec {
  const s = size / 112;
  const c = size / 2;
  return {
    size,
    src: fivePoints,
    dst: ARCFACE_112.map(([x, y]) => [c + (x * s - c) * zoom, c + (y * s - c) * zoom] as Point),
  };
}

function dlibChip(size: number, padding: number): ChipSpec {
  return {
    size,
    src: (l) => DLIB_IDX.map((i) => l[i]!),
    dst: DLIB_5.x.map((x, i) => [((x + padding) / (1 + 2 * padding)) * size, ((DLIB_5.y[i]! + padding) / (1 + 2 * padding)) * size] as Point),
  };
}

/** The chip each aligned descriptor sees. */
export const CHIPS: Record<Exclude<DescriptorName, 'faceapi-box' | 'faceapi-flip'>, ChipSpec> = {
  // dlib's own chip: 150 px, padding 0.25 (the model was trained on these).
  faceapi: dlibChip(150, 0.25),
  // FaceRes (VGGFace2 crops, looser than ArcFace's): the ArcFace layout at 224 px, zoomed out.
  faceres: arcface(224, 0.8),
  mobilefacenet: arcface(112),
  mobileface: arcface(112),
};

export function alignChip(img: RgbImage, face: DetectedFace, spec: ChipSpec): Float32Array {
  const m = estimateSimilarity(spec.src(face.landmarks), spec.dst);
  return warpChip(img, m, spec.size);
}

function padImage(img: RgbImage, pad: number): RgbImage {
  const width = img.width + 2 * pad, height = img.height + 2 * pad;
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), ((y + pad) * width + pad) * 3);
  return { width, height, data };
}

function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    s += x * y; na += x * x; nb += y * y;
  }
  return s / (Math.sqrt(na * nb) || 1);
}

export interface FaceModelsOptions {
  descriptors: readonly DescriptorName[];
  /** Load the anti-spoofing and liveness models too. */
  liveness?: boolean;
  prefer?: BackendName;
  manifest?: ModelManifest;
  log?: (msg: string) => void;
  /** Minimum SSD score (default 0.3, measured by eval:faces; face-api's own default is 0.5). */
  minDetectionScore?: number;
  /** When SSD finds no face, try face-api's TinyFaceDetector (score ≥ 0.3) too (default true). */
  tinyFallback?: boolean;
}

type FaceApiNet = { loadFromWeightMap(m: Record<string, Tensor>): void };

async function loadFaceApiNet(runtime: Runtime, net: FaceApiNet, name: string, manifest: ModelManifest): Promise<void> {
  const entry = manifest.models[name];
  if (!entry) throw new Error(`model '${name}' is not listed in models/manifest.json`);
  const root = packageRoot(entry.package);
  const [jsonFile, binFile] = [entry.files.find((f) => f.path.endsWith('.json')), entry.files.find((f) => f.path.endsWith('.bin'))];
  if (!jsonFile || !binFile) throw new Error(`model '${name}': manifest lists no weights manifest or .bin`);
  const groups = JSON.parse((await verifiedRead(root, jsonFile, name)).toString('utf8')) as { weights: unknown[] }[];
  const bin = await verifiedRead(root, binFile, name);
  const specs = groups.flatMap((g) => g.weights);
  const weightMap = runtime.tf.io.decodeWeights(
    bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer,
    specs as Parameters<Runtime['tf']['io']['decodeWeights']>[1],
  );
  net.loadFromWeightMap(weightMap as Record<string, Tensor>);
}

export class FaceModels {
  private graph = new Map<string, GraphModel>();
  private constructor(
    readonly runtime: Runtime,
    readonly descriptors: readonly DescriptorName[],
    private readonly minScore: number,
    private readonly tinyFallback: boolean,
  ) {}

  get backend(): BackendName {
    return this.runtime.backend;
  }

  static async load(opts: FaceModelsOptions): Promise<FaceModels> {
    const runtime = await createRuntime({ prefer: opts.prefer ?? 'wasm', log: opts.log });
    const manifest = opts.manifest ?? (await readManifest());
    const models = new FaceModels(runtime, opts.descriptors, opts.minDetectionScore ?? 0.3, opts.tinyFallback ?? true);
    if (opts.tinyFallback ?? true) await loadFaceApiNet(runtime, faceapi.nets.tinyFaceDetector as unknown as FaceApiNet, 'faceapi-tiny-face-detector', manifest);
    await loadFaceApiNet(runtime, faceapi.nets.ssdMobilenetv1 as unknown as FaceApiNet, 'faceapi-ssd-mobilenetv1', manifest);
    await loadFaceApiNet(runtime, faceapi.nets.faceLandmark68Net as unknown as FaceApiNet, 'faceapi-landmark68', manifest);
    if (opts.descriptors.some((d) => d.startsWith('faceapi'))) {
      await loadFaceApiNet(runtime, faceapi.nets.faceRecognitionNet as unknown as FaceApiNet, 'faceapi-recognition', manifest);
    }
    const graphNames = [
      ...opts.descriptors.filter((d) => !d.startsWith('faceapi')),
      ...(opts.liveness ? ['antispoof', 'liveness'] : []),
    ];
    for (const name of graphNames) models.graph.set(name, await loadGraphModel(runtime.tf, name, { manifest }));
    return models;
  }

  /**
   * Faces with landmarks, largest first. `thorough` (photos: enrolment, evaluation): when
   * none is found the image is tried once more inside a grey border of half its size on each
   * side (SSD misses faces that fill most of the frame), then with TinyFaceDetector when
   * `tinyFallback` is on. Camera frames (`thorough: false`) get one SSD pass: an empty
   * doorway is the common case and must stay cheap.
   */
  async detect(img: RgbImage, opts: { thorough?: boolean } = {}): Promise<DetectedFace[]> {
    const found = await this.detectOnce(img);
    if (found.length > 0 || opts.thorough === false) return found;
    const pad = Math.round(Math.max(img.width, img.height) / 2);
    const padded = padImage(img, pad);
    const again = await this.detectOnce(padded);
    if (again.length === 0 && this.tinyFallback) return this.detectOnce(img, true);
    return again.map((f) => ({
      ...f,
      box: { ...f.box, x: f.box.x - pad, y: f.box.y - pad },
      landmarks: f.landmarks.map(([x, y]) => [x - pad, y - pad] as Point),
    }));
  }

  private async detectOnce(img: RgbImage, tiny = false): Promise<DetectedFace[]> {
    const tf = this.runtime.tf;
    const input = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
    try {
      const options = tiny
        ? new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.3 })
        : new faceapi.SsdMobilenetv1Options({ minConfidence: this.minScore });
      const results = await faceapi.detectAllFaces(input as never, options).withFaceLandmarks();
      return results
        .map((r) => ({
          box: { x: r.detection.box.x, y: r.detection.box.y, width: r.detection.box.width, height: r.detection.box.height },
          score: r.detection.score,
          landmarks: r.landmarks.positions.map((p) => [p.x, p.y] as Point),
        }))
        .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    } finally {
      input.dispose();
    }
  }

  /** The L2-normalised descriptor of one detected face. */
  async describe(name: DescriptorName, img: RgbImage, face: DetectedFace): Promise<Float32Array> {
    const tf = this.runtime.tf;
    if (name === 'faceapi' || name === 'faceapi-box' || name === 'faceapi-flip') {
      const chip = name === 'faceapi-box' ? boxChip(img, face.box, 150) : alignChip(img, face, CHIPS.faceapi);
      const t = tf.tensor3d(chip, [150, 150, 3]);
      try {
        const d = l2normalize((await faceapi.computeFaceDescriptor(t as never)) as Float32Array);
        if (name !== 'faceapi-flip') return d;
        // Test-time flip: the mirrored chip's descriptor averaged in.
        const flipped = tf.reverse(t, 1);
        try {
          const m = l2normalize((await faceapi.computeFaceDescriptor(flipped as never)) as Float32Array);
          return l2normalize(d.map((x, i) => x + m[i]!));
        } finally {
          flipped.dispose();
        }
      } finally {
        t.dispose();
      }
    }
    const model = this.graph.get(name);
    if (!model) throw new Error(`descriptor '${name}' was not loaded`);
    const spec = CHIPS[name];
    const chip = alignChip(img, face, spec);
    const out = tf.tidy(() => {
      const x = tf.tensor4d(chip, [1, spec.size, spec.size, 3]);
      if (name === 'mobilefacenet') {
        // MobileFaceNet (InsightFace recipe): RGB scaled to [-1, 1] as (x − 127.5) / 128;
        // its `embeddings` output is already L2-normalised.
        return model.execute(x.sub(127.5).div(128), 'embeddings') as Tensor;
      }
      // MobileFace (an MXNet export): raw 0..255 RGB; at 0..1 or ±1 its output is constant.
      if (name === 'mobileface') return model.execute(x, 'batchnorm0/add_1') as Tensor;
      // FaceRes: 0..255 RGB (Human feeds its 0..1 face tensor × 255); the descriptor is the
      // 1024-d `global_pooling/Mean` node, not one of the age/gender heads.
      return model.execute(x, 'global_pooling/Mean') as Tensor;
    });
    try {
      return l2normalize(new Float32Array(await out.data()));
    } finally {
      out.dispose();
    }
  }

  /**
   * Human's anti-spoofing (`real`, 128 px) and liveness (`live`, 32 px) scores, each 0..1,
   * higher = more likely a live face; both see the detection box grown by 1.25, in 0..1.
   */
  async spoofScores(img: RgbImage, face: DetectedFace): Promise<{ real: number; live: number }> {
    const anti = this.graph.get('antispoof');
    const live = this.graph.get('liveness');
    if (!anti || !live) throw new Error('antispoof/liveness models were not loaded (liveness: true)');
    const tf = this.runtime.tf;
    const grown = { x: face.box.x - face.box.width * 0.125, y: face.box.y - face.box.height * 0.125, width: face.box.width * 1.25, height: face.box.height * 1.25 };
    const a = boxChip(img, grown, 128);
    const [ra, rl] = tf.tidy(() => {
      const x = tf.tensor4d(a, [1, 128, 128, 3]).div(255);
      return [anti.execute(x) as Tensor, live.execute(tf.image.resizeBilinear(x as never, [32, 32])) as Tensor];
    });
    try {
      return { real: (await ra.data())[0]!, live: (await rl.data())[0]! };
    } finally {
      ra.dispose();
      rl.dispose();
    }
  }
}
