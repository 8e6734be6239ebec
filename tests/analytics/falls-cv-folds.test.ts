/**
 * The folds of `npm run eval:falls-cv`: no GMDCSA24 person on two sides, and every fold
 * holds falls, non-falls and lying-down ADLs (the hard negatives the fixed split puts
 * 5 / 11 on its two sides). The evaluation itself trains 8 models and runs as a script.
 */
import { describe, expect, it } from 'vitest';
import { dataDir, loadClips, type ClipInfo } from '../../models/activity/clips.ts';
import { FOLDS, foldOf } from '../../models/eval/falls-cv.ts';

const clip = (dataset: ClipInfo['dataset'], id: string) => ({ dataset, id }) as ClipInfo;
const root = dataDir();
const required = process.env.ANYU_REQUIRE_DATA === '1';
if (!root) console.warn(`falls-cv folds test: ANYU_DATA_DIR is not set — the check on the real clip list ${required ? 'fails (ANYU_REQUIRE_DATA=1)' : 'is skipped'}`);

describe('falls cross-validation folds', () => {
  it('puts GMDCSA24 subjects in their own fold, URFD clips by number, and leaves vtest out', () => {
    expect([1, 2, 3, 4].map((n) => foldOf(clip('gmdcsa24', `gmdcsa24/Subject${n}/Fall/01`)))).toEqual([0, 1, 2, 3]);
    expect(foldOf(clip('gmdcsa24', 'gmdcsa24/Subject3/ADL/07'))).toBe(2);
    expect(['fall-01-cam0', 'fall-02-cam0', 'adl-04-cam0', 'adl-05-cam0', 'adl-40-cam0'].map((id) => foldOf(clip('urfd', `urfd/${id}`)))).toEqual([0, 1, 3, 0, 3]);
    expect(foldOf(clip('vtest', 'vtest'))).toBeNull();
    expect(foldOf(clip('urfd', 'urfd/unexpected-name'))).toBeNull();
  });

  it.skipIf(!root && !required)('gives every fold of the real clip list falls, non-falls and lying-down ADLs', () => {
    if (!root) throw new Error('ANYU_REQUIRE_DATA=1 but ANYU_DATA_DIR is missing');
    const clips = loadClips(root);
    const labelled = clips.filter((c) => c.dataset !== 'vtest');
    expect(labelled.every((c) => foldOf(c) !== null)).toBe(true);
    for (let f = 0; f < FOLDS; f += 1) {
      const inFold = labelled.filter((c) => foldOf(c) === f);
      expect(inFold.filter((c) => c.kind === 'fall').length).toBeGreaterThanOrEqual(5);
      expect(inFold.filter((c) => c.kind !== 'fall').length).toBeGreaterThanOrEqual(5);
      expect(inFold.filter((c) => c.kind !== 'fall' && c.lyingStartS !== undefined).length).toBeGreaterThanOrEqual(3);
    }
    const subjects = new Map<string, Set<number>>();
    for (const c of labelled.filter((x) => x.dataset === 'gmdcsa24')) {
      const s = /Subject\d+/.exec(c.id)?.[0] ?? '';
      subjects.set(s, (subjects.get(s) ?? new Set()).add(foldOf(c) ?? -1));
    }
    for (const folds of subjects.values()) expect(folds.size).toBe(1);
  });
});
