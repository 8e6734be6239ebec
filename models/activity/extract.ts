/**
 * `node bin/run-ts.mjs models/activity/extract.ts [--part fit|report|all] [--only urfd|gmdcsa24|vtest] [--jobs N]`:
 * fills the keypoint cache for the split's clips ahead of training or evaluation (both
 * also fill it on demand), N clips at a time (default 2). Useful to run the slow part
 * once, under `nice`.
 */
import { parseArgs } from 'node:util';
import { dataDir, loadClips } from './clips.ts';
import { extractClips } from './vision-source.ts';

const { values } = parseArgs({ options: { part: { type: 'string', default: 'all' }, only: { type: 'string' }, jobs: { type: 'string', default: '2' } } });
const root = dataDir();
if (!root) {
  console.error('extract needs the real clips: set ANYU_DATA_DIR');
  process.exit(2);
}
if (!['all', 'fit', 'report'].includes(values.part ?? '')) {
  console.error(`--part must be all, fit or report, not ${values.part}`);
  process.exit(2);
}
const jobs = Number(values.jobs);
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error(`--jobs must be a positive integer, not ${values.jobs}`);
  process.exit(2);
}
const clips = loadClips(root).filter((c) => (values.part === 'all' || c.part === values.part) && (!values.only || c.dataset === values.only));
console.log(`extract: ${clips.length} clips, ${jobs} at a time (cached ones are skipped)`);
await extractClips(clips, { concurrency: jobs, log: (m) => console.log(m) });
