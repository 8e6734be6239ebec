/**
 * Which ffmpeg binary to run: `ANYU_FFMPEG` when set, else `ffmpeg` on PATH (the system
 * build usually has more codecs and hardware decoders), else the static build shipped by
 * `@ffmpeg-installer/ffmpeg`.
 */
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

export interface FfmpegPathEnv {
  ANYU_FFMPEG?: string | undefined;
  PATH?: string | undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EACCES') {
      return false;
    }
    throw err;
  }
}

function fromPath(pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'ffmpeg');
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function fromInstaller(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const mod = require('@ffmpeg-installer/ffmpeg') as { path?: string };
    return mod.path && isExecutable(mod.path) ? mod.path : null;
  } catch (err) {
    // The installer package throws when it has no build for this platform.
    if (err instanceof Error) return null;
    throw err;
  }
}

export function resolveFfmpegPath(env: FfmpegPathEnv = process.env): string {
  if (env.ANYU_FFMPEG) {
    if (!isExecutable(env.ANYU_FFMPEG)) {
      throw new Error(`ANYU_FFMPEG=${env.ANYU_FFMPEG} is not an executable file`);
    }
    return env.ANYU_FFMPEG;
  }
  const found = fromPath(env.PATH) ?? fromInstaller();
  if (!found) {
    throw new Error('no ffmpeg found: install ffmpeg, set ANYU_FFMPEG, or install @ffmpeg-installer/ffmpeg');
  }
  return found;
}
