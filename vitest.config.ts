import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'protocol/**/*.test.ts', 'edge/**/*.test.ts', 'hub/**/*.test.ts'],
    // Real brokers, ffmpeg and models: generous per-test limits, and few files at once
    // because the machine has two cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    // Fails the run when any ffmpeg started by it is still alive at the end.
    globalSetup: ['tests/global-setup.ts'],
  },
});
