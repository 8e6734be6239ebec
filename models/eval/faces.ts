/**
 * `npm run eval:faces`: face verification and identification on FG-NET
 * ($ANYU_DATA_DIR/faces/fgnet, see its README), every candidate descriptor side by side,
 * children (ages 0–5, genuine pairs at most 2 years apart) and adults (ages ≥ 20) apart:
 * - TAR at FAR 1e-3 and 1e-4 (threshold from all impostor pairs of the group; 95 % Wilson
 *   interval over the genuine pairs), the cosine threshold that gives it;
 * - rank-1 identification: each person's earliest photo of the group enrolled (N), all later
 *   photos of the group probed against all N (children: gaps up to 5 years); closed set (top match right) and at the accept threshold
 *   (top match right and above the FAR 1e-3 threshold, what the entrance does);
 * - failure to enrol (no face found), ms per face on the edge's backend (WASM, one thread);
 * - anti-spoofing/liveness scores of these real (scanned) faces.
 *
 * Options: `--subset N` (first N people, quick iterations), `--descriptors a,b`,
 * `--no-readme` (print only), `--cache DIR` (default .anyu/cache/eval-faces).
 * Embeddings are cached per photo and descriptor, so a re-run only redoes what changed.
 * FG-NET is for measurement only: nothing here trains anything, nothing of it is committed.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cosine, DESCRIPTORS, FaceModels, type DescriptorName } from '../../edge/attendance/face-models.ts';
import { decodeJpeg } from '../../edge/attendance/image.ts';
import { writeBetweenMarkers } from './markers.ts';
import { fmt, formatInterval } from './proportion.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({
  options: {
    subset: { type: 'string' },
    descriptors: { type: 'string' },
    'no-readme': { type: 'boolean', default: false },
    cache: { type: 'string' },
    'min-score': { type: 'string', default: '0.3' },
    'no-tiny': { type: 'boolean', default: false },
  },
});

export interface Photo {
  file: string;
  person: string;
  age: number;
}

/** `NNNAyy.JPG`, `NNNayy.JPG`, `NNNAyya.JPG` (two photos at one age). */
export function parseFgnetName(file: string): Photo | null {
  const m = /^(\d{3})[Aa](\d{2})[a-z]?\.jpe?g$/i.exec(file);
  return m ? { file, person: m[1]!, age: Number(m[2]) } : null;
}

interface Cached {
  detected: boolean;
  detectMs: number;
  score?: number;
  real?: number;
  live?: number;
  desc: Partial<Record<DescriptorName, { v: number[]; ms: number }>>;
}

export interface GroupResult {
  descriptor: DescriptorName;
  genuine: number;
  impostor: number;
  /** Thresholds at FAR 1e-1 and 1e-2 (the edge's proposal floor). */
  thr1: number;
  thr2: number;
  tar3: number; tar3k: number; thr3: number;
  tar4: number; tar4k: number; thr4: number;
  enrolled: number; probes: number;
  rank1: number; rank1k: number;
  rank1Open: number; rank1Openk: number;
}

/** Lowest threshold t with (impostors ≥ t) / n ≤ far: the (n·far)-th highest impostor score, just above it. */
export function thresholdAtFar(impostor: Float64Array, far: number): number {
  const sorted = Float64Array.from(impostor).sort();
  const allowed = Math.floor(impostor.length * far);
  // impostors strictly above index n-1-allowed are accepted: `allowed` of them.
  const idx = sorted.length - 1 - allowed;
  return idx < 0 ? -Infinity : sorted[idx]! + 1e-9;
}

function evaluateGroup(
  name: DescriptorName,
  photos: Photo[],
  vec: (p: Photo) => Float32Array | null,
  genuineOk: (a: Photo, b: Photo) => boolean,
): GroupResult {
  const withFace = photos.filter((p) => vec(p));
  const gen: number[] = [];
  const imp: number[] = [];
  for (let i = 0; i < withFace.length; i++) {
    for (let j = i + 1; j < withFace.length; j++) {
      const a = withFace[i]!, b = withFace[j]!;
      const s = cosine(vec(a)!, vec(b)!);
      if (a.person === b.person) {
        if (genuineOk(a, b)) gen.push(s);
      } else imp.push(s);
    }
  }
  const impArr = Float64Array.from(imp);
  const thr3 = thresholdAtFar(impArr, 1e-3);
  const thr4 = thresholdAtFar(impArr, 1e-4);
  const thr2 = thresholdAtFar(impArr, 1e-2);
  const thr1 = thresholdAtFar(impArr, 1e-1);
  const tar3k = gen.filter((s) => s >= thr3).length;
  const tar4k = gen.filter((s) => s >= thr4).length;
  // identification: earliest photo of each person enrolled (photos without a face cannot enrol)
  const byPerson = new Map<string, Photo[]>();
  for (const p of withFace) byPerson.set(p.person, [...(byPerson.get(p.person) ?? []), p]);
  const gallery = [...byPerson.values()].map((ps) => ps.sort((a, b) => a.age - b.age || a.file.localeCompare(b.file))[0]!);
  let probes = 0, right = 0, rightOpen = 0;
  for (const ps of byPerson.values()) {
    for (const probe of ps.slice(1)) {
      probes++;
      let best = -Infinity, who = '';
      for (const g of gallery) {
        const s = cosine(vec(probe)!, vec(g)!);
        if (s > best) { best = s; who = g.person; }
      }
      if (who === probe.person) {
        right++;
        if (best >= thr3) rightOpen++;
      }
    }
  }
  return {
    descriptor: name, genuine: gen.length, impostor: imp.length, thr1, thr2,
    tar3: gen.length ? tar3k / gen.length : NaN, tar3k, thr3,
    tar4: gen.length ? tar4k / gen.length : NaN, tar4k, thr4,
    enrolled: gallery.length, probes,
    rank1: probes ? right / probes : NaN, rank1k: right,
    rank1Open: probes ? rightOpen / probes : NaN, rank1Openk: rightOpen,
  };
}

async function main(): Promise<void> {
  const dataDir = process.env.ANYU_DATA_DIR ?? resolve(root, '../shared/data');
  const fgnet = join(dataDir, 'faces', 'fgnet');
  if (!existsSync(fgnet)) {
    console.error(`eval:faces: ${fgnet} not found; set ANYU_DATA_DIR to the shared data folder (see ../shared/data/faces/README.md)`);
    process.exit(2);
  }
  const descriptors = (args.descriptors?.split(',') ?? [...DESCRIPTORS]) as DescriptorName[];
  for (const d of descriptors) if (!DESCRIPTORS.includes(d)) throw new Error(`unknown descriptor ${d}; one of ${DESCRIPTORS.join(', ')}`);
  let photos = (await readdir(fgnet)).map(parseFgnetName).filter((p): p is Photo => p !== null);
  photos.sort((a, b) => a.file.localeCompare(b.file));
  if (args.subset) {
    const keep = new Set([...new Set(photos.map((p) => p.person))].slice(0, Number(args.subset)));
    photos = photos.filter((p) => keep.has(p.person));
  }
  const used = photos.filter((p) => p.age <= 5 || p.age >= 20);
  const minScore = Number(args['min-score']);
  const tiny = !args['no-tiny'];
  const cacheDir = resolve(args.cache ?? join(root, '.anyu/cache/eval-faces'), `ssd${minScore}${tiny ? '-tiny' : ''}`);
  await mkdir(cacheDir, { recursive: true });

  let models: FaceModels | null = null;
  const cache = new Map<string, Cached>();
  const started = Date.now();
  let done = 0;
  for (const p of used) {
    const file = join(cacheDir, `${p.file}.json`);
    let c: Cached | null = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Cached) : null;
    const missing = !c || c.real === undefined && c.detected || descriptors.some((d) => c!.detected && !c!.desc[d]);
    if (missing) {
      models ??= await FaceModels.load({ descriptors: [...DESCRIPTORS], liveness: true, minDetectionScore: minScore, tinyFallback: tiny, log: (m) => console.error(m) });
      const img = decodeJpeg(await readFile(join(fgnet, p.file)));
      let faces;
      let detectMs = c?.detectMs ?? 0;
      {
        const t = performance.now();
        faces = await models.detect(img);
        detectMs = performance.now() - t;
      }
      c = { detected: faces.length > 0, detectMs, desc: c?.desc ?? {} };
      if (faces[0]) {
        c.score = faces[0].score;
        const s = await models.spoofScores(img, faces[0]);
        c.real = s.real;
        c.live = s.live;
        for (const d of descriptors) {
          if (c.desc[d]) continue;
          const t = performance.now();
          const v = await models.describe(d, img, faces[0]);
          c.desc[d] = { v: Array.from(v, (x) => Math.round(x * 1e6) / 1e6), ms: performance.now() - t };
        }
      }
      await writeFile(file, JSON.stringify(c));
    }
    cache.set(p.file, c!);
    done++;
    if (done % 25 === 0 || done === used.length) {
      console.error(`eval:faces: ${done}/${used.length} photos (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  }

  const vectors = new Map<string, Float32Array>();
  const vec = (d: DescriptorName) => (p: Photo): Float32Array | null => {
    const c = cache.get(p.file);
    const v = c?.desc[d]?.v;
    if (!v) return null;
    const key = `${d}/${p.file}`;
    let f = vectors.get(key);
    if (!f) vectors.set(key, (f = Float32Array.from(v)));
    return f;
  };
  const children = used.filter((p) => p.age <= 5);
  const adults = used.filter((p) => p.age >= 20);
  const groups = [
    { label: 'children 0–5 y, gap ≤ 2 y', photos: children, ok: (a: Photo, b: Photo) => Math.abs(a.age - b.age) <= 2 },
    { label: 'adults ≥ 20 y, any gap', photos: adults, ok: () => true },
  ];
  const lines: string[] = [];
  lines.push(`FG-NET (${dataDir}/faces/fgnet), ${used.length} photos used; detector face-api SSD MobileNetV1 (min score ${minScore}, padded retry${tiny ? ', then TinyFaceDetector' : ''}), 68 landmarks; backend ${models?.backend ?? 'wasm (cached)'}`);
  lines.push('');
  lines.push('| group | descriptor | genuine / impostor pairs | TAR @ FAR 1e-3 (95 % CI) | threshold | TAR @ FAR 1e-4 (95 % CI) | threshold | rank-1, N enrolled (probes) | rank-1 above the 1e-3 threshold |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  const thresholds: Record<string, Record<string, { far1e1: number; far1e2: number; far1e3: number; far1e4: number }>> = {};
  for (const g of groups) {
    for (const d of descriptors) {
      const r = evaluateGroup(d, g.photos, vec(d), g.ok);
      (thresholds[d] ??= {})[g.label.startsWith('children') ? 'children' : 'adults'] = { far1e1: r.thr1, far1e2: r.thr2, far1e3: r.thr3, far1e4: r.thr4 };
      lines.push(
        `| ${g.label} | ${d} | ${r.genuine} / ${r.impostor} | ${fmt(r.tar3)} (${formatInterval(r.tar3k, r.genuine)}) | ${fmt(r.thr3, 3)} | ` +
        `${fmt(r.tar4)} (${formatInterval(r.tar4k, r.genuine)}) | ${fmt(r.thr4, 3)} | ${fmt(r.rank1)}, N = ${r.enrolled} (${r.probes}) | ${fmt(r.rank1Open)} |`,
      );
    }
  }
  lines.push('');
  const fte = (ps: Photo[]) => {
    const k = ps.filter((p) => !cache.get(p.file)?.detected).length;
    return `${k}/${ps.length} = ${fmt(k / ps.length)} (${formatInterval(k, ps.length)})`;
  };
  lines.push(`Failure to enrol (no face found): children ${fte(children)}, adults ${fte(adults)}.`);
  const all = [...cache.values()].filter((c) => c.detected);
  const med = (xs: number[]): number => (xs.length ? xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);
  const msParts = [`detection + landmarks ${fmt(med([...cache.values()].map((c) => c.detectMs)), 0)} ms a photo`];
  for (const d of descriptors) msParts.push(`${d} ${fmt(med(all.map((c) => c.desc[d]?.ms ?? NaN).filter(Number.isFinite)), 0)} ms`);
  lines.push(`Median time on one WASM thread (this machine, 2 cores shared, measured when the photo was first processed): ${msParts.join(', ')} a face.`);
  const realPass = all.filter((c) => (c.real ?? 0) >= 0.5).length;
  const livePass = all.filter((c) => (c.live ?? 0) >= 0.5).length;
  lines.push(
    `Anti-spoofing on these real faces (scanned prints, so a strict detector may call them prints): antispoof ≥ 0.5 on ${realPass}/${all.length} (${formatInterval(realPass, all.length)}), ` +
    `liveness ≥ 0.5 on ${livePass}/${all.length} (${formatInterval(livePass, all.length)}); FG-NET has no spoof attacks, so no attack rejection rate can be measured here.`,
  );
  lines.push(`Reproduce: \`npm run eval:faces${args.subset ? ` -- --subset ${args.subset}` : ''}\` (ANYU_DATA_DIR=../shared/data).`);
  const text = lines.join('\n');
  console.log(text);
  console.log(`\nthresholds (cosine): ${JSON.stringify(thresholds, (_, v) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v))}`);
  if (!args['no-readme'] && !args.subset) {
    await writeBetweenMarkers(join(root, 'models/README.md'), '<!-- eval:faces:start -->', '<!-- eval:faces:end -->', text);
    console.error('eval:faces: table written to models/README.md');
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
