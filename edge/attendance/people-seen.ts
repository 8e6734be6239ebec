/**
 * The most people a camera saw at once since the start of the edge's local day (or its
 * start-up that day): `CameraStatus.peopleSeen`, which the hub's attendance cross-check
 * compares with the children checked in to the camera's room (20 checked in, the room's
 * camera never saw more than 8 people → a day to look at).
 */
export class PeopleSeen {
  #since: number | null = null;
  #max = 0;

  /** `count` people in a frame analysed at `atMs` (epoch ms, edge clock). */
  observe(count: number, atMs: number): void {
    const dayStart = new Date(atMs);
    dayStart.setHours(0, 0, 0, 0);
    if (this.#since === null || this.#since < dayStart.getTime()) {
      // First frame, or a new local day: start counting again.
      this.#since = this.#since === null ? atMs : dayStart.getTime();
      this.#max = 0;
    }
    this.#max = Math.max(this.#max, Math.min(1000, Math.max(0, Math.round(count))));
  }

  /** For the status: null before the first analysed frame. */
  value(): { since: string; max: number } | null {
    return this.#since === null ? null : { since: new Date(this.#since).toISOString(), max: this.#max };
  }
}
