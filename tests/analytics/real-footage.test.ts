/**
 * The real pipeline on real held-out footage (report side of the split): ffmpeg decode
 * (URFD's RGB half cropped), the project's vision pipeline (detector, tracker, MoveNet),
 * the committed activity model tagging tracks as the edge does, and the rule engine with
 * its defaults (the model's veto is off by default). Two URFD falls must raise a fall;
 * a URFD clip of lying down on purpose and a vtest.avi excerpt must raise none.
 * Keypoints are extracted fresh into a temporary cache, never reused from a dev run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActivityClassifier, type LoadedActivityClassifier } from '../../edge/analytics/activity-classifier.ts';
import { dataDir, loadClips, type ClipInfo } from '../../models/activity/clips.ts';
import { loadOrExtract } from '../../models/activity/keypoint-cache.ts';
import { createVisionSource, type VisionSource } from '../../models/activity/vision-source.ts';
import { replayFalls } from '../../models/eval/fall-replay.ts';

const root = dataDir();
const required = process.env.ANYU_REQUIRE_DATA === '1';
if (!root) console.warn(`real-footage test: ANYU_DATA_DIR is not set or has no falls/ — ${required ? 'failing (ANYU_REQUIRE_DATA=1)' : 'skipping'}`);

const FALLS = ['urfd/fall-24-cam0', 'urfd/fall-29-cam0'];
const NON_FALLS = ['urfd/adl-33-cam0'];
const VTEST_SECONDS = 6;

describe.skipIf(!root && !required)('falls on real footage', () => {
  let dir = '';
  let source: VisionSource;
  let classifier: LoadedActivityClassifier;
  let clips: ClipInfo[] = [];

  beforeAll(async () => {
    if (!root) throw new Error('ANYU_REQUIRE_DATA=1 but ANYU_DATA_DIR is missing: the real-footage test must not skip');
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'anyu-falls-'));
    source = createVisionSource({ workers: 1 });
    classifier = await loadActivityClassifier();
    clips = loadClips(root);
  }, 120_000);

  afterAll(async () => {
    await source?.close();
    await classifier?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function opens(id: string, maxSeconds?: number): Promise<number[]> {
    const info = clips.find((c) => c.id === id);
    if (!info) throw new Error(`clip ${id} not in the split`);
    expect(info.part).toBe('report');
    const cached = await loadOrExtract(info, { cacheDir: dir, signature: source.signature, pipeline: source.pipeline, ...(maxSeconds ? { maxSeconds } : {}) });
    expect(cached.frames.length).toBeGreaterThan(5);
    return (await replayFalls(cached, { classifier, padSeconds: 3 })).opens;
  }

  it('detects held-out URFD falls', async () => {
    for (const id of FALLS) expect(await opens(id), id).toHaveLength(1);
  }, 180_000);

  it('raises no fall for lying down on purpose or for people walking in vtest.avi', async () => {
    for (const id of NON_FALLS) expect(await opens(id), id).toEqual([]);
    expect(await opens('vtest', VTEST_SECONDS)).toEqual([]);
  }, 180_000);
});
