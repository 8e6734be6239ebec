/**
 * Loads TF.js graph models from an installed npm package through a custom `tf.io`
 * IOHandler (no network, no file:// URLs), after checking every file against the sha256
 * recorded in `models/manifest.json`. A mismatch is a clear error, never a silent load.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GraphModel } from '@tensorflow/tfjs';
import type { Tf } from './runtime.ts';

export interface ManifestFile {
  path: string;
  sha256: string;
}

export interface ManifestEntry {
  package: string;
  packageVersion: string;
  task: string;
  inputSize: [number, number];
  licence: string;
  files: ManifestFile[];
}

export interface ModelManifest {
  models: Record<string, ManifestEntry>;
}

export const defaultManifestPath = resolve(dirname(fileURLToPath(import.meta.url)), '../../models/manifest.json');

export class ModelIntegrityError extends Error {
  readonly code = 'MODEL_INTEGRITY';
}

export async function readManifest(path = defaultManifestPath): Promise<ModelManifest> {
  return JSON.parse(await readFile(path, 'utf8')) as ModelManifest;
}

const require = createRequire(import.meta.url);

export function packageRoot(pkg: string): string {
  return dirname(require.resolve(`${pkg}/package.json`));
}

export interface LoadOptions {
  manifest: ModelManifest;
  /** Read files from this folder instead of the installed package (tests use a copy). */
  rootOverride?: string;
  /**
   * Relax the height and width of the graph input node (a TF `Placeholder` op) so a fully convolutional model
   * can run at the aspect ratio of the camera instead of its square training size.
   */
  dynamicInput?: boolean;
}

interface GraphNode {
  op: string;
  attr?: { shape?: { shape?: { dim?: { size: string }[] } } };
}

function relaxInputShape(modelJson: Record<string, unknown>): void {
  const topology = modelJson.modelTopology as { node?: GraphNode[] } | undefined;
  for (const node of topology?.node ?? []) {
    const dims = node.op === 'Placeholder' ? node.attr?.shape?.shape?.dim : undefined;
    if (dims && dims.length === 4) {
      // NHWC: keep batch and channels, free H and W.
      dims[1] = { size: '-1' };
      dims[2] = { size: '-1' };
    }
  }
}

export async function verifiedRead(root: string, file: ManifestFile, model: string): Promise<Buffer> {
  const full = join(root, file.path);
  const bytes = await readFile(full);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== file.sha256) {
    throw new ModelIntegrityError(
      `model '${model}': ${full} has sha256 ${actual}, manifest expects ${file.sha256}; refusing to load`,
    );
  }
  return bytes;
}

/** Reads and verifies all files of a model; returns the parsed model.json and weight buffers by path. */
export async function readVerifiedModelFiles(
  name: string,
  opts: LoadOptions,
): Promise<{ modelJson: Record<string, unknown>; weights: Map<string, Buffer>; entry: ManifestEntry }> {
  const entry = opts.manifest.models[name];
  if (!entry) throw new Error(`model '${name}' is not listed in models/manifest.json`);
  const root = opts.rootOverride ?? packageRoot(entry.package);
  const jsonFile = entry.files.find((f) => f.path.endsWith('.json'));
  if (!jsonFile) throw new Error(`model '${name}': manifest lists no model.json`);
  const modelJson = JSON.parse((await verifiedRead(root, jsonFile, name)).toString('utf8')) as Record<string, unknown>;
  const weights = new Map<string, Buffer>();
  const jsonDir = dirname(jsonFile.path);
  const groups = (modelJson.weightsManifest ?? []) as { paths: string[] }[];
  for (const p of groups.flatMap((g) => g.paths)) {
    const rel = join(jsonDir, p);
    const listed = entry.files.find((f) => f.path === rel);
    if (!listed) throw new ModelIntegrityError(`model '${name}': weight file ${rel} is not listed in the manifest`);
    weights.set(p, await verifiedRead(root, listed, name));
  }
  return { modelJson, weights, entry };
}

export async function loadGraphModel(tf: Tf, name: string, opts: LoadOptions): Promise<GraphModel> {
  const { modelJson, weights } = await readVerifiedModelFiles(name, opts);
  if (opts.dynamicInput) relaxInputShape(modelJson);
  const handler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(modelJson as unknown as Parameters<Tf['io']['getModelArtifactsForJSON']>[0], async (manifest) => {
        const [specs, data] = [[], []] as [unknown[], ArrayBuffer[]];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const buf = weights.get(p);
            if (!buf) throw new Error(`model '${name}': weights ${p} missing`);
            data.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
          }
        }
        return [specs as never, data];
      }),
  };
  return tf.loadGraphModel(handler);
}
