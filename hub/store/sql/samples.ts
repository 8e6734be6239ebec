/**
 * Camera status history for coverage. Edges report every few seconds, so storing every
 * status would grow by ~8,640 rows per camera per day; instead consecutive statuses that
 * say the same thing extend one row covering [at, lastAt]. A row keeps the lowest
 * analysed fps of its run, so merging can only make coverage stricter, never looser.
 */
import type { CameraSample, Scope } from '../types.ts';
import type { SqlExecutor } from './executor.ts';
import { scopeSql } from './scope.ts';
import { isoTime } from './rows.ts';

/** A longer silence between two statuses starts a new row, so the gap stays visible. */
export const MERGE_MAX_GAP_MS = 60_000;
/** Analysed fps within this share of expected fps of the run's value counts as "the same". */
export const MERGE_FPS_TOLERANCE = 0.05;

export type NewSample = Omit<CameraSample, 'lastAt'>;

interface LastRow {
  id: number | string;
  edge_id: string;
  state: string;
  expected_fps: number;
  analysed_fps: number;
  last_at: string;
}

function continuesRun(last: LastRow, s: NewSample): boolean {
  const expected = Number(last.expected_fps);
  return (
    last.edge_id === s.edgeId &&
    last.state === s.state &&
    expected === s.expectedFps &&
    s.at >= last.last_at &&
    Date.parse(s.at) - Date.parse(last.last_at) <= MERGE_MAX_GAP_MS &&
    Math.abs(s.analysedFps - Number(last.analysed_fps)) <= MERGE_FPS_TOLERANCE * expected
  );
}

/** Records one status of one camera (whose row must exist); `s.at` is normalised UTC. */
export async function appendSample(q: SqlExecutor, s: NewSample): Promise<void> {
  const last = await q.get<LastRow>(
    `SELECT p.id, p.edge_id, p.state, p.expected_fps, p.analysed_fps, p.last_at
     FROM cameras c JOIN camera_samples p ON p.id = c.last_sample_id WHERE c.institution_id = ? AND c.id = ?`,
    [s.institutionId, s.cameraId],
  );
  if (last && continuesRun(last, s)) {
    await q.run('UPDATE camera_samples SET last_at = ?, analysed_fps = ? WHERE id = ?', [
      s.at,
      Math.min(Number(last.analysed_fps), s.analysedFps),
      last.id,
    ]);
    return;
  }
  const row = await q.get<{ id: number | string }>(
    `INSERT INTO camera_samples (institution_id, edge_id, camera_id, at, last_at, state, expected_fps, analysed_fps)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [s.institutionId, s.edgeId, s.cameraId, s.at, s.at, s.state, s.expectedFps, s.analysedFps],
  );
  // A replayed older status adds history but is not the row later statuses extend.
  if (row && (!last || s.at >= last.last_at)) {
    await q.run('UPDATE cameras SET last_sample_id = ? WHERE institution_id = ? AND id = ?', [
      row.id,
      s.institutionId,
      s.cameraId,
    ]);
  }
}

/** Stores runs as given, in one transaction; returns the rows written. */
export async function importCameraSamples(q: SqlExecutor, samples: readonly CameraSample[]): Promise<number> {
  for (const s of samples) {
    await q.run(
      `INSERT INTO camera_samples (institution_id, edge_id, camera_id, at, last_at, state, expected_fps, analysed_fps)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [s.institutionId, s.edgeId, s.cameraId, isoTime(s.at), isoTime(s.lastAt ?? s.at), s.state, s.expectedFps, s.analysedFps],
    );
  }
  return samples.length;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface SampleRow {
  id: number | string;
  institution_id: string;
  edge_id: string;
  camera_id: string;
  at: string;
  last_at: string;
  state: CameraSample['state'];
  expected_fps: number;
  analysed_fps: number;
}

const sameCamera = (a: SampleRow, b: SampleRow) => a.institution_id === b.institution_id && a.camera_id === b.camera_id;
const cameraOrder = (a: SampleRow, b: SampleRow) => cmp(a.institution_id, b.institution_id) || cmp(a.camera_id, b.camera_id);

/**
 * Samples starting in [from, to) plus, per camera, the last one starting before `from`
 * (the state the period starts in), ordered by institution, camera and time. Two queries
 * merged here: the period's rows come in index order, so no sort of a district's 90 days
 * is needed (bench/coverage.ts), and the few rows before it slot in front of their camera.
 */
export async function cameraSamples(db: SqlExecutor, scope: Scope, from: string, to: string): Promise<CameraSample[]> {
  const f = isoTime(from);
  const t = isoTime(to);
  const s1 = scopeSql(scope, 's.institution_id');
  const s2 = scopeSql(scope, 'c.institution_id');
  const cols = 's.id, s.institution_id, s.edge_id, s.camera_id, s.at, s.last_at, s.state, s.expected_fps, s.analysed_fps';
  const period = await db.all<SampleRow>(
    `SELECT ${cols} FROM camera_samples s WHERE ${s1.sql} AND s.at >= ? AND s.at < ?
     ORDER BY s.institution_id, s.camera_id, s.at, s.id`,
    [...s1.params, f, t],
  );
  const before = await db.all<SampleRow>(
    `SELECT ${cols} FROM cameras c JOIN camera_samples s ON s.id = (
       SELECT p.id FROM camera_samples p WHERE p.institution_id = c.institution_id AND p.camera_id = c.id AND p.at < ?
       ORDER BY p.at DESC, p.id DESC LIMIT 1)
     WHERE ${s2.sql}`,
    [f, ...s2.params],
  );
  before.sort(cameraOrder);
  const rows: SampleRow[] = [];
  let b = 0;
  for (const r of period) {
    // Rows before the period of cameras that sort earlier, or of this camera (they are older).
    while (b < before.length && (cameraOrder(before[b]!, r) < 0 || sameCamera(before[b]!, r))) rows.push(before[b++]!);
    rows.push(r);
  }
  while (b < before.length) rows.push(before[b++]!);
  return rows.map((r) => ({
    institutionId: r.institution_id,
    edgeId: r.edge_id,
    cameraId: r.camera_id,
    at: r.at,
    lastAt: r.last_at,
    state: r.state,
    expectedFps: Number(r.expected_fps),
    analysedFps: Number(r.analysed_fps),
  }));
}

/** Deletes history rows whose run ended before `before`. */
export async function purgeCameraSamples(db: SqlExecutor, before: string): Promise<number> {
  return db.run('DELETE FROM camera_samples WHERE last_at < ?', [isoTime(before)]);
}
