/** FG-NET photos for the face suites: skip with a printed reason without them, fail when CI requires them. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseFgnetName, type Photo } from '../../models/eval/faces.ts';

const dir = process.env.ANYU_DATA_DIR ? join(process.env.ANYU_DATA_DIR, 'faces', 'fgnet') : null;
export const FGNET = dir && existsSync(dir) ? dir : null;

export function requireFgnetOrWarn(suite: string): boolean {
  if (FGNET) return true;
  if (process.env.ANYU_REQUIRE_DATA === '1') throw new Error(`${suite}: ANYU_REQUIRE_DATA=1 but faces/fgnet is missing under ANYU_DATA_DIR`);
  console.warn(`${suite}: ANYU_DATA_DIR/faces/fgnet not found; skipping the face tests`);
  return false;
}

export function fgnetPhotos(): Photo[] {
  if (!FGNET) return [];
  return readdirSync(FGNET)
    .map(parseFgnetName)
    .filter((p): p is Photo => p !== null)
    .sort((a, b) => a.file.localeCompare(b.file));
}

export const fgnetPath = (p: Photo): string => join(FGNET!, p.file);
