// Worker threads do not inherit the tsx loader of the thread that started them (nor
// vitest's transform), so each worker registers tsx itself before loading the
// TypeScript worker module.
import { register } from 'tsx/esm/api';

register();
await import('./inference-worker.ts');
