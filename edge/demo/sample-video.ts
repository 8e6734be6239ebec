/**
 * The demo camera's footage: OpenCV's `vtest.avi` (80 s street scene, 768×576, 10 fps).
 * Looked up in order:
 *   1. `$ANYU_DATA_DIR/media/vtest.avi` (the shared data folder, CI);
 *   2. a cached copy in `<cacheDir>/vtest.avi` (default `./data/samples/`);
 *   3. Debian's `opencv-doc` package: `apt-get download opencv-doc` into a temporary
 *      folder, extract the package's files (`dpkg-deb`), take `…/examples/data/vtest.avi`,
 *      cache it. Needs a Debian/Ubuntu system with apt sources and network access.
 * When none works the error says what to do (set ANYU_DATA_DIR, copy the file, or pass
 * another source).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const SAMPLE_NAME = 'vtest.avi';

export interface SampleOptions {
  env?: NodeJS.ProcessEnv;
  /** Where a downloaded copy is kept; default `./data/samples`. */
  cacheDir?: string;
  /** Set false to never call apt-get (offline machines, tests). */
  download?: boolean;
  log?: (msg: string) => void;
}

export class SampleUnavailableError extends Error {
  constructor(tried: string[]) {
    super(
      `sample footage ${SAMPLE_NAME} not found. Tried:\n  ${tried.join('\n  ')}\n` +
        `Fix one of: set ANYU_DATA_DIR to a folder with media/${SAMPLE_NAME}; copy ${SAMPLE_NAME} into ./data/samples/; ` +
        `on Debian/Ubuntu with network, run \`node bin/run-ts.mjs edge/demo/fetch-sample.ts\`; ` +
        'or give the demo camera another source (`anyu start --source <file|rtsp://…>`).',
    );
    this.name = 'SampleUnavailableError';
  }
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile() && statSync(p).size > 0;
}

function findFile(dir: string, name: string): string | null {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    } else if (entry.name === name) {
      return p;
    }
  }
  return null;
}

/** Downloads `opencv-doc` with apt and extracts vtest.avi into `cacheDir`. */
export async function fetchFromDebian(cacheDir: string, log: (msg: string) => void = () => undefined): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'anyu-opencv-doc-'));
  try {
    log(`downloading Debian package opencv-doc (about 100 MB) into ${work}`);
    await run('apt-get', ['download', 'opencv-doc'], { cwd: work, maxBuffer: 16 * 1024 * 1024 });
    const deb = readdirSync(work).find((f) => f.startsWith('opencv-doc') && f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download opencv-doc produced no .deb');
    const root = join(work, 'root');
    await run('dpkg-deb', ['-x', join(work, deb), root], { maxBuffer: 16 * 1024 * 1024 });
    const found = findFile(root, SAMPLE_NAME);
    if (!found) throw new Error(`${deb} holds no ${SAMPLE_NAME}`);
    mkdirSync(cacheDir, { recursive: true });
    const target = join(cacheDir, SAMPLE_NAME);
    // Copy to a temporary name first so a crash never leaves a truncated cache file.
    copyFileSync(found, `${target}.part`);
    renameSync(`${target}.part`, target);
    log(`cached ${SAMPLE_NAME} at ${target}`);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function resolveSampleVideo(opts: SampleOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const tried: string[] = [];
  if (env.ANYU_DATA_DIR) {
    const p = join(env.ANYU_DATA_DIR, 'media', SAMPLE_NAME);
    if (isFile(p)) return p;
    tried.push(`${p} (ANYU_DATA_DIR): missing`);
  } else {
    tried.push('$ANYU_DATA_DIR/media/vtest.avi: ANYU_DATA_DIR not set');
  }
  const cacheDir = resolve(opts.cacheDir ?? join('data', 'samples'));
  const cached = join(cacheDir, SAMPLE_NAME);
  if (isFile(cached)) return cached;
  tried.push(`${cached}: missing`);
  if (opts.download === false) throw new SampleUnavailableError([...tried, 'Debian opencv-doc: download disabled']);
  try {
    return await fetchFromDebian(cacheDir, log);
  } catch (err) {
    const msg = (err as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? (err as Error).message;
    throw new SampleUnavailableError([...tried, `apt-get download opencv-doc: ${msg}`]);
  }
}
