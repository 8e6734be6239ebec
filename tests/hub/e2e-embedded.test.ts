import { describe } from 'vitest';
import { defineE2E } from './e2e-scenario.ts';

describe('hub end to end with the embedded aedes broker', () => {
  defineE2E({ kind: 'embedded' });
});
