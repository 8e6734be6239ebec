/**
 * `npm run eval:childcare` and `npm run eval:cctv` inside `npm test`, on a fixed subset
 * (every 6th daycare still, every 12th care-ward still; `PIN_EVERY`): the edge's own
 * pipeline on real room CCTV, each still as a camera seeing its room for the first time.
 * It prints the table (and writes it to test-artifacts/rooms-eval.md) and fails when:
 * - a set is missing or smaller than its README says;
 * - recall, precision, count error or the adult/child figures differ from
 *   models/eval/rooms-pinned.json by more than a small slack (the pinned file must describe
 *   the code: re-pin with the command it records when a change moves them on purpose);
 * - indoor detection falls back towards what the issue measured before (daycare recall
 *   0.13, count MAE 7.3; adult/child decided for nobody).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PIN_EVERY, PINNED_FILE, evaluateRooms, pinnedFigures, roomsReport, SET_PIXEL_ASPECT, type PinnedFigures, type RoomSet } from '../../models/eval/rooms.ts';

const dataDir = process.env.ANYU_DATA_DIR;
const required = process.env.ANYU_REQUIRE_DATA === '1';
if (!dataDir) console.warn(`rooms-eval test: ANYU_DATA_DIR is not set — ${required ? 'failing (ANYU_REQUIRE_DATA=1)' : 'skipping'}`);

/** Slack against the pinned figures: another ffmpeg build decodes slightly other pixels. */
const SLACK = { recall: 0.03, precision: 0.03, countMae: 0.3, ageRight: 0.04, unknownShare: 0.05, floorRecall: 0.06 };
const MIN_STILLS: Record<RoomSet, number> = { daycare: 50, care: 50 };

describe.skipIf(!dataDir && !required)('indoor detection on real room CCTV (eval:childcare, eval:cctv subsets)', () => {
  const report: string[] = [];
  const check = async (set: RoomSet): Promise<PinnedFigures> => {
    if (!dataDir) throw new Error('ANYU_REQUIRE_DATA=1 but ANYU_DATA_DIR is missing: the rooms evaluation must not skip');
    const o = { set, every: PIN_EVERY[set], plays: 3, peer: false, scene: 'room' as const, pixelAspect: SET_PIXEL_ASPECT };
    const started = Date.now();
    const { runs } = await evaluateRooms(dataDir, o);
    const run = runs[0];
    if (!run) throw new Error('no run');
    report.push(roomsReport(o, runs, `ANYU_DATA_DIR=… npm run eval:${set === 'daycare' ? 'childcare' : 'cctv'} -- --every ${o.every} --peer none`));
    console.log(`${report.at(-1)}\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
    await mkdir('test-artifacts', { recursive: true });
    await writeFile('test-artifacts/rooms-eval.md', `${report.join('\n\n')}\n`);
    const got = pinnedFigures(run, o.every, set === 'daycare');
    const pinned = (JSON.parse(await readFile(PINNED_FILE, 'utf8')) as Record<string, PinnedFigures>)[set];
    expect(pinned, `${PINNED_FILE} has no ${set} entry`).toBeDefined();
    expect(got.stills).toBeGreaterThanOrEqual(MIN_STILLS[set]);
    expect(got.stills).toBe(pinned?.stills);
    for (const k of Object.keys(SLACK) as (keyof typeof SLACK)[]) {
      if (pinned?.[k] === undefined) continue;
      expect(Math.abs((got[k] as number) - pinned[k]), `${set} ${k}: ${got[k]} against pinned ${pinned[k]}`).toBeLessThanOrEqual(SLACK[k]);
    }
    return got;
  };

  it('daycare rooms: finds most people and tells adults from children', async () => {
    const got = await check('daycare');
    // The baseline on these rooms: recall 0.13, count MAE 7.3, nobody's age decided.
    expect(got.recall).toBeGreaterThan(0.4);
    expect(got.countMae).toBeLessThan(4);
    expect(got.ageRight).toBeGreaterThan(0.8);
    expect(got.unknownShare).toBeLessThan(0.4);
  }, 900_000);

  it('care wards: finds the staff and patients standing, sitting and lying', async () => {
    const got = await check('care');
    expect(got.recall).toBeGreaterThan(0.4);
    expect(got.precision).toBeGreaterThan(0.6);
    // People on the floor are what the fall rule stands on (a fall on a ward).
    expect(got.floorRecall).toBeGreaterThan(0.15);
  }, 900_000);
});
