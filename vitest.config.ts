import { defineConfig } from 'vitest/config';

const ALL = ['tests/**/*.test.ts', 'protocol/**/*.test.ts', 'edge/**/*.test.ts', 'hub/**/*.test.ts'];
/** Browser suites that check latency (the live wall within 1 s): run last, on their own. */
const BROWSER = ['tests/dashboard/**/*.test.ts'];

export default defineConfig({
  test: {
    // Real brokers, ffmpeg and models: generous per-test limits, and few files at once
    // because the machine has two cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    // Fails the run when any ffmpeg started by it is still alive at the end.
    globalSetup: ['tests/global-setup.ts'],
    // Two groups, one after the other: everything else (the fall evaluation extracts
    // keypoints on both cores for minutes), then the Chromium dashboard suites, whose
    // "live wall within 1 s" check measured 1.2–1.5 s while that extraction or the other
    // browser suite ran beside it (≈ 0.6 s alone).
    projects: [
      { extends: true, test: { name: 'main', include: ALL, exclude: BROWSER, sequence: { groupOrder: 0 } } },
      // One browser suite at a time: with two Chromiums side by side the check measured 1.4 s.
      { extends: true, test: { name: 'browser', include: BROWSER, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
