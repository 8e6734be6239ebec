/** Counts events in a trailing time window (reconnects and stalls in the last hour). */
export class SlidingCounter {
  readonly #windowMs: number;
  readonly #times: number[] = [];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  add(now: number): void {
    this.#times.push(now);
    this.#prune(now);
  }

  count(now: number): number {
    this.#prune(now);
    return this.#times.length;
  }

  #prune(now: number): void {
    const cutoff = now - this.#windowMs;
    let drop = 0;
    while (drop < this.#times.length && this.#times[drop]! <= cutoff) drop += 1;
    if (drop > 0) this.#times.splice(0, drop);
  }
}
