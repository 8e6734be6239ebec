/**
 * Parameters of the cloud-supervision coverage definition (DOMAIN.md, Indicator 16). Days
 * are each institution's own (`InstitutionView.timeZone`), not a parameter.
 */
export interface CoverageParams {
  /** Share of the day each camera must be online and analysing; district choice, default 0.9. */
  minOnlineShare: number;
  /** Analysed fps must reach this share of expected fps to count; default 0.6. */
  minFpsRatio: number;
  /**
   * A camera's last sample stands for at most this long when no newer sample follows
   * (edges report every ≤ 10 s); beyond it the state is unknown, which is not covered.
   */
  staleAfterS: number;
  /** Longest period one report may cover, in days. */
  maxDays: number;
}

export const DEFAULT_COVERAGE_PARAMS: Readonly<CoverageParams> = {
  minOnlineShare: 0.9,
  minFpsRatio: 0.6,
  staleAfterS: 30,
  maxDays: 366,
};

export function coverageParams(p: Partial<CoverageParams> = {}): CoverageParams {
  const out = { ...DEFAULT_COVERAGE_PARAMS, ...p };
  const inUnit = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;
  if (!inUnit(out.minOnlineShare)) throw new RangeError(`minOnlineShare must be in [0, 1], got ${out.minOnlineShare}`);
  if (!Number.isFinite(out.minFpsRatio) || out.minFpsRatio < 0) {
    throw new RangeError(`minFpsRatio must be ≥ 0, got ${out.minFpsRatio}`);
  }
  if (!Number.isFinite(out.staleAfterS) || out.staleAfterS < 0) throw new RangeError(`staleAfterS must be ≥ 0, got ${out.staleAfterS}`);
  return out;
}
