/** Loads what coverage needs from the store, within a scope, and computes the report. */
import type { CoverageQuery, CoverageReport } from '../../protocol/index.ts';
import { DAY_MS, anyZoneBounds } from '../store/days.ts';
import type { Scope, Store } from '../store/types.ts';
import { computeCoverage } from './compute.ts';
import { coverageParams, type CoverageParams } from './params.ts';

export interface CoverageOptions extends Partial<CoverageParams> {
  /** Epoch ms; injected for tests. */
  now?: () => number;
}

export async function coverageReport(
  store: Store,
  scope: Scope,
  query: CoverageQuery,
  opts: CoverageOptions = {},
): Promise<CoverageReport> {
  const { now: clock, ...raw } = opts;
  const p = coverageParams(raw);
  const now = (clock ?? Date.now)();
  const institutions = (await store.listInstitutions(scope)).filter(
    (i) => (query.townId === undefined || i.townId === query.townId) && (query.institutionId === undefined || i.id === query.institutionId),
  );
  const ids = new Set(institutions.map((i) => i.id));
  const cameras = (await store.listCameras(scope)).filter((c) => ids.has(c.institutionId));
  // Wide enough for the local days of any zone; one extra day because a sample just after
  // the period tells how long the last one in it held.
  const bounds = anyZoneBounds(query.from, query.to);
  const from = bounds.start;
  const to = Math.min(bounds.end + DAY_MS, now + 1);
  const samples =
    to > from
      ? (await store.cameraSamples(scope, new Date(from).toISOString(), new Date(to).toISOString())).filter((s) =>
          ids.has(s.institutionId),
        )
      : [];
  return computeCoverage({ institutions, cameras, samples, from: query.from, to: query.to, now }, p);
}

export { computeCoverage, type CoverageCamera, type CoverageInput } from './compute.ts';
export { DEFAULT_COVERAGE_PARAMS, type CoverageParams } from './params.ts';
