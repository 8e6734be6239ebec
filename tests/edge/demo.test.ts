import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSampleVideo, SampleUnavailableError } from '../../edge/demo/index.ts';

describe('demo footage lookup', () => {
  it('prefers $ANYU_DATA_DIR/media/vtest.avi, then the cache', async () => {
    const data = mkdtempSync(join(tmpdir(), 'anyu-data-'));
    mkdirSync(join(data, 'media'));
    writeFileSync(join(data, 'media', 'vtest.avi'), 'x');
    const cache = mkdtempSync(join(tmpdir(), 'anyu-cache-'));
    writeFileSync(join(cache, 'vtest.avi'), 'y');
    expect(await resolveSampleVideo({ env: { ANYU_DATA_DIR: data }, cacheDir: cache, download: false })).toBe(join(data, 'media', 'vtest.avi'));
    expect(await resolveSampleVideo({ env: {}, cacheDir: cache, download: false })).toBe(join(cache, 'vtest.avi'));
  });

  it('says what to do when the footage cannot be found', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'anyu-cache-'));
    const err = await resolveSampleVideo({ env: {}, cacheDir: cache, download: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SampleUnavailableError);
    expect((err as Error).message).toMatch(/set ANYU_DATA_DIR/);
    expect((err as Error).message).toMatch(/fetch-sample\.ts/);
  });
});
