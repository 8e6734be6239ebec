/** Where the tests find real footage; suites skip with a printed reason when it is absent. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR = process.env.ANYU_DATA_DIR;
export const VTEST = DATA_DIR ? join(DATA_DIR, 'media', 'vtest.avi') : null;
export const HAVE_VTEST = VTEST !== null && existsSync(VTEST);

if (!HAVE_VTEST) {
  if (process.env.ANYU_REQUIRE_DATA === '1') {
    throw new Error(`ANYU_REQUIRE_DATA=1 but ${VTEST ?? '$ANYU_DATA_DIR/media/vtest.avi'} is missing`);
  }
  console.warn('tests/edge: ANYU_DATA_DIR/media/vtest.avi not found; footage tests skip');
}

export function vtest(): string {
  if (!VTEST) throw new Error('ANYU_DATA_DIR is not set');
  return VTEST;
}
