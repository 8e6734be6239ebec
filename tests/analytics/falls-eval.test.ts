/**
 * `npm run eval:falls` inside `npm test`: the whole held-out (report) side of the split
 * plus all of vtest.avi, extracted fresh with real ffmpeg and the project's vision
 * pipeline into a temporary cache (never a dev run's cache) as the live edge runs a camera
 * without a nap zone (its own pipeline defaults; captured at 10 frames a second, 5
 * analysed and every one while someone goes down),
 * replayed through the edge's activity tagger and rule engine with every variant of the
 * model card's table.
 * It prints the table (and writes it to test-artifacts/falls-eval.md) and fails when:
 * - a clip of the split is missing or yields no frames;
 * - any variant raises a fall on vtest.avi (the target is none);
 * - a detected fall opens more than 2 s after the confirmation window ends;
 * - the shipped default's recall or specificity differs from the model card's table by
 *   more than one clip (the card must describe the code; one clip of slack because a
 *   different ffmpeg build decodes slightly different pixels).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RulesConfig } from '../../edge/analytics/config.ts';
import { dataDir, loadClips } from '../../models/activity/clips.ts';
import { cardCounts, EDGE_SETUP, evaluateFalls, extractOptions, formatFallTable, loadEvalClips, MODEL_CARD, VARIANTS, type EvalClip, type FallEvalRow } from '../../models/eval/falls-eval.ts';

const root = dataDir();
const required = process.env.ANYU_REQUIRE_DATA === '1';
if (!root) console.warn(`falls-eval test: ANYU_DATA_DIR is not set or has no falls/ — ${required ? 'failing (ANYU_REQUIRE_DATA=1)' : 'skipping'}`);

const CONFIRM_SECONDS = RulesConfig.parse({}).fall.confirmSeconds;

describe.skipIf(!root && !required)('fall evaluation on the held-out clips (npm run eval:falls)', () => {
  let dir = '';
  const clips: EvalClip[] = [];
  let rows: FallEvalRow[] = [];

  beforeAll(async () => {
    if (!root) throw new Error('ANYU_REQUIRE_DATA=1 but ANYU_DATA_DIR is missing: the fall evaluation must not skip');
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'anyu-falls-eval-'));
    const infos = loadClips(root).filter((c) => c.part === 'report');
    const started = Date.now();
    clips.push(...(await loadEvalClips(infos, { ...extractOptions(EDGE_SETUP), cacheDir: dir, concurrency: 2 })));
    console.log(`falls-eval: extracted ${infos.length} clips, ${clips.reduce((n, c) => n + c.cached.frames.length, 0)} frames analysed in ${((Date.now() - started) / 1000).toFixed(0)} s (2 at a time)`);
    rows = await evaluateFalls(clips, VARIANTS, (m) => console.warn(m));
    const table = formatFallTable(rows, 'report', CONFIRM_SECONDS, EDGE_SETUP);
    console.log(table);
    await mkdir('test-artifacts', { recursive: true });
    await writeFile('test-artifacts/falls-eval.md', `${table}\n`);
  }, 900_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('evaluates every clip of the report split and all of vtest.avi', () => {
    const ids = clips.map((c) => c.info.id);
    expect(ids).toContain('vtest');
    expect(clips.filter((c) => c.info.kind === 'fall').length).toBe(18);
    expect(clips.filter((c) => c.info.kind !== 'fall').length).toBe(19);
    for (const c of clips) expect(c.cached.frames.length, c.info.id).toBeGreaterThan(5);
    // vtest.avi is 79.5 s at 10 fps: the whole clip captured, not an excerpt; about half
    // of it analysed (5 a second, and the bursts).
    const vtest = clips.find((c) => c.info.id === 'vtest')?.cached;
    expect(vtest?.captured).toBeGreaterThanOrEqual(790);
    expect(vtest?.frames.length).toBeGreaterThanOrEqual(395);
    expect(vtest?.frames.length).toBeLessThan(790);
    expect(rows.map((r) => r.name)).toEqual(VARIANTS.map((v) => v.name));
  });

  it('raises no fall on vtest.avi in any variant', () => {
    for (const r of rows) expect(r.vtestFalseFalls, r.name).toBe(0);
  });

  it('opens each detected fall within 2 s of the end of the confirmation window', () => {
    for (const r of rows) {
      expect(r.tp, r.name).toBe(r.latencies.length);
      for (const l of r.latencies) expect(l, r.name).toBeLessThanOrEqual(CONFIRM_SECONDS + 2);
    }
  });

  it('matches the model card: the shipped default within one clip of the published recall and specificity', async () => {
    const card = await readFile(MODEL_CARD, 'utf8');
    const def = rows[0];
    if (!def) throw new Error('no evaluation rows');
    const published = cardCounts(card, def.name);
    expect(published, `MODEL_CARD.md has no "${def.name}" row between the eval:falls markers`).not.toBeNull();
    if (!published) return;
    expect(def.tp + def.fn).toBe(published.falls);
    expect(def.tn + def.fp).toBe(published.negatives);
    expect(Math.abs(def.tp - published.tp), `recall ${def.tp}/${def.tp + def.fn} vs card ${published.tp}/${published.falls}: rerun npm run eval:falls -- --write-card`).toBeLessThanOrEqual(1);
    expect(Math.abs(def.tn - published.tn), `specificity ${def.tn}/${def.tn + def.fp} vs card ${published.tn}/${published.negatives}`).toBeLessThanOrEqual(1);
  });
});
