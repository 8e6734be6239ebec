/**
 * `npm run train:activity` is reproducible from its command: the same seed gives the same
 * weights, byte for byte (a smoke-sized run on synthetic sequences, the part of training
 * that needs no footage; the real clips go through the same seeded code path).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

async function train(out: string, seed: number): Promise<{ sha: string; log: string }> {
  const { stdout } = await run(
    process.execPath,
    ['bin/run-ts.mjs', 'models/activity/train.ts', '--synthetic-only', '--synthetic', '16', '--epochs', '2', '--seed', String(seed), '--out', out],
    { cwd: ROOT, timeout: 120_000 },
  );
  const meta = JSON.parse(await readFile(join(out, 'meta.json'), 'utf8')) as { weightsSha256: string };
  return { sha: meta.weightsSha256, log: stdout };
}

describe('activity training', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('writes the same weights for the same seed, and different ones for another seed', async () => {
    const base = await mkdtemp(join(tmpdir(), 'anyu-train-'));
    dirs.push(base);
    const a = await train(join(base, 'a'), 7);
    const b = await train(join(base, 'b'), 7);
    const c = await train(join(base, 'c'), 8);
    expect(a.log).toMatch(/epoch 2: loss \d/);
    expect(a.sha).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sha).toBe(a.sha);
    expect(c.sha).not.toBe(a.sha);
    const [wa, wb] = await Promise.all([readFile(join(base, 'a', 'weights.bin')), readFile(join(base, 'b', 'weights.bin'))]);
    expect(wb.equals(wa)).toBe(true);
  }, 300_000);
});
