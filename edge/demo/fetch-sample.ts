/**
 * `node bin/run-ts.mjs edge/demo/fetch-sample.ts [cacheDir]`: makes sure the demo footage
 * is available and prints its path (downloads Debian's opencv-doc when needed).
 */
import { resolveSampleVideo } from './sample-video.ts';

const cacheDir = process.argv[2];
try {
  const path = await resolveSampleVideo({ ...(cacheDir ? { cacheDir } : {}), log: (m) => console.error(m) });
  console.log(path);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
