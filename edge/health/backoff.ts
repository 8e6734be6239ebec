/**
 * Exponential backoff with jitter for reconnects: attempt n waits a random time in
 * [base/2, base] where base = min(max, initial·2ⁿ). The random half spreads the
 * reconnects of many cameras (or many edges after a site-wide outage) over time.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  random?: () => number;
}

export interface Backoff {
  /** Delay before the next attempt; grows until `reset`. */
  next(): number;
  reset(): void;
  readonly attempts: number;
}

export function createBackoff(opts: BackoffOptions): Backoff {
  const random = opts.random ?? Math.random;
  let attempts = 0;
  return {
    next() {
      const base = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(attempts, 30));
      attempts += 1;
      return Math.round(base / 2 + random() * (base / 2));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
