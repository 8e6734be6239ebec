/**
 * Chooses the fastest TF.js backend present on this machine: native `tensorflow`
 * (`@tensorflow/tfjs-node`, an optional dependency), else WebAssembly with SIMD, else the
 * pure-JS CPU backend. Each worker thread calls this once; the answer is reported in
 * `VisionPipeline.backend`.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type Tf = typeof tf;
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface RuntimeOptions {
  /** Force a backend (tests, benchmarks); default picks the best available. */
  prefer?: BackendName;
  log?: (msg: string) => void;
}

export interface Runtime {
  tf: Tf;
  backend: BackendName;
}

const require = createRequire(import.meta.url);

async function tryNative(log: (msg: string) => void): Promise<boolean> {
  try {
    // Optional dependency: registers the `tensorflow` backend when it could be installed.
    await import('@tensorflow/tfjs-node' as string);
    return await tf.setBackend('tensorflow');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
    log(missing
      ? 'TF.js: the optional @tensorflow/tfjs-node is not installed; using WebAssembly'
      : `TF.js: @tensorflow/tfjs-node failed to load (${(err as Error).message.split('\n')[0]}); using WebAssembly`);
    return false;
  }
}

async function tryWasm(log: (msg: string) => void): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const pkgDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    // The threaded build needs cross-origin isolation that Node does not provide; our own
    // worker threads give the parallelism instead, so point every variant at the SIMD file.
    const simd = join(pkgDir, 'dist', 'tfjs-backend-wasm-simd.wasm');
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': join(pkgDir, 'dist', 'tfjs-backend-wasm.wasm'),
      'tfjs-backend-wasm-simd.wasm': simd,
      'tfjs-backend-wasm-threaded-simd.wasm': simd,
    });
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return await tf.setBackend('wasm');
  } catch (err) {
    log(`wasm backend unavailable (${(err as Error).message}); falling back to cpu`);
    return false;
  }
}

export async function createRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  const log = opts.log ?? (() => undefined);
  // TF.js's own console chatter (the "install our node backend" banner, once per thread)
  // says nothing this log line does not; production mode silences only that.
  tf.enableProdMode();
  const order: BackendName[] = opts.prefer ? [opts.prefer] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    const ok =
      name === 'tensorflow' ? await tryNative(log) : name === 'wasm' ? await tryWasm(log) : await tf.setBackend('cpu');
    if (ok) {
      await tf.ready();
      log(`tfjs backend: ${name}`);
      return { tf, backend: name };
    }
  }
  throw new Error(`no usable TF.js backend among ${order.join(', ')}`);
}
