/** Real footage for the vision suites: skip with a printed reason without it, fail when CI requires it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.ANYU_DATA_DIR;
export const VTEST = dir ? join(dir, 'media', 'vtest.avi') : null;
export const VTEST_GT = dir ? join(dir, 'media', 'vtest-gt.txt') : null;
export const HAVE_VTEST = VTEST !== null && VTEST_GT !== null && existsSync(VTEST) && existsSync(VTEST_GT);

export function requireFootageOrWarn(suite: string): void {
  if (HAVE_VTEST) return;
  if (process.env.ANYU_REQUIRE_DATA === '1') throw new Error(`${suite}: ANYU_REQUIRE_DATA=1 but vtest footage is missing under ANYU_DATA_DIR`);
  console.warn(`${suite}: ANYU_DATA_DIR/media/vtest.avi (+ vtest-gt.txt) not found; skipping footage tests`);
}

/**
 * A clip under `ANYU_DATA_DIR` for a real-footage case: its path, or null with a printed
 * reason (and a failure when `ANYU_REQUIRE_DATA=1`, as in CI).
 */
export function footageClip(suite: string, relPath: string): string | null {
  const path = dir ? join(dir, relPath) : null;
  if (path && existsSync(path)) return path;
  if (process.env.ANYU_REQUIRE_DATA === '1') throw new Error(`${suite}: ANYU_REQUIRE_DATA=1 but ${relPath} is missing under ANYU_DATA_DIR`);
  console.warn(`${suite}: ANYU_DATA_DIR/${relPath} not found; skipping the real-footage case`);
  return null;
}
