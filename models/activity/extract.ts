/**
 * `node bin/run-ts.mjs models/activity/extract.ts [--part fit|report|all]`: fills the
 * keypoint cache for the split's clips ahead of training or evaluation (both also fill
 * it on demand). Useful to run the slow part once, under `nice`.
 */
import { parseArgs } from 'node:util';
import { dataDir, loadClips } from './clips.ts';
import { loadOrExtract } from './keypoint-cache.ts';
import { createVisionSource } from './vision-source.ts';

const { values } = parseArgs({ options: { part: { type: 'string', default: 'all' }, only: { type: 'string' }, reverse: { type: 'boolean', default: false } } });
const root = dataDir();
if (!root) {
  console.error('extract needs the real clips: set ANYU_DATA_DIR');
  process.exit(2);
}
const clips = loadClips(root).filter((c) => (values.part === 'all' || c.part === values.part) && (!values.only || c.dataset === values.only));
// A second process with --reverse meets the first in the middle (each skips cached clips).
if (values.reverse) clips.reverse();
const source = createVisionSource();
try {
  for (const clip of clips) await loadOrExtract(clip, { signature: source.signature, pipeline: source.pipeline, log: (m) => console.log(m) });
} finally {
  await source.close();
}
