/**
 * One breach state machine per (camera, zone, kind): turns a noisy per-frame verdict into
 * one incident per breach. Debounce (`onSeconds` of continuous breach before opening),
 * hysteresis in time (`offSeconds` of continuous clear before resolving) and a cooldown
 * after each resolve keep a flickering count from producing a flood of incidents.
 */
import type { Evidence, IncidentEvent, IncidentKind, Severity } from '../../protocol/index.ts';
import type { IncidentLifecycle } from '../incident-lifecycle.ts';
import type { BreachTiming } from './config.ts';

/** `hold`: the inputs cannot decide (e.g. unknown ages could flip it): keep the current state. */
export type Verdict = 'breach' | 'clear' | 'hold';

export interface BreachKey {
  cameraId: string;
  zoneId: string | null;
  /** The zone's display name, carried on the incident. */
  zoneName?: string;
  kind: IncidentKind;
}

export interface BreachInput {
  verdict: Verdict;
  evidence: Evidence;
  message: string;
  /**
   * How bad the breach is now (people over capacity, children beyond the ratio, fallen
   * people…): the counts of the worst input while open travel as `evidence.peak`, so an
   * incident that ended still shows what raised it, not the count at its end.
   */
  badness?: number;
}

type Phase =
  | { name: 'idle' }
  | { name: 'pending'; since: number }
  | { name: 'open'; clearSince: number | null; lastUpdate: number; evidenceSig: string }
  | { name: 'cooldown'; until: number; pendingSince: number | null };

export class BreachMachine {
  readonly key: string;
  #phase: Phase = { name: 'idle' };
  #last: BreachInput | null = null;
  #peak: { badness: number; counts: NonNullable<Evidence['counts']> } | null = null;

  constructor(
    readonly id: BreachKey,
    readonly severity: Severity,
    readonly timing: BreachTiming,
    readonly lifecycle: IncidentLifecycle,
  ) {
    this.key = `${id.cameraId}/${id.zoneId ?? '-'}/${id.kind}`;
  }

  get phase(): Phase['name'] {
    return this.#phase.name;
  }

  /** The evidence with the worst moment of the open breach, when the rule measures one. */
  #withPeak(e: Evidence): Evidence {
    return this.#peak ? { ...e, peak: this.#peak.counts } : e;
  }

  #notePeak(input: BreachInput): void {
    if (this.#phase.name !== 'open' || input.verdict !== 'breach' || input.badness === undefined || !input.evidence.counts) return;
    if (!this.#peak || input.badness > this.#peak.badness) this.#peak = { badness: input.badness, counts: input.evidence.counts };
  }

  /** Feed the current verdict; `null` means "no new input, only the clock moved". */
  step(nowMs: number, input: BreachInput | null): IncidentEvent[] {
    if (input) {
      this.#last = input;
      this.#notePeak(input);
    }
    const cur = this.#last;
    if (!cur) return [];
    const v = cur.verdict;
    const ms = (s: number) => s * 1000;
    const ph = this.#phase;
    switch (ph.name) {
      case 'idle':
        if (v === 'breach') this.#phase = { name: 'pending', since: nowMs };
        return this.#maybeOpen(nowMs, cur);
      case 'pending':
        if (v === 'clear') this.#phase = { name: 'idle' };
        return this.#maybeOpen(nowMs, cur);
      case 'cooldown': {
        const pendingSince = v === 'breach' ? (ph.pendingSince ?? nowMs) : v === 'clear' ? null : ph.pendingSince;
        if (nowMs < ph.until) {
          this.#phase = { ...ph, pendingSince };
          return [];
        }
        this.#phase = pendingSince === null ? { name: 'idle' } : { name: 'pending', since: pendingSince };
        return this.#maybeOpen(nowMs, cur);
      }
      case 'open': {
        const clearSince = v === 'clear' ? (ph.clearSince ?? nowMs) : v === 'breach' ? null : ph.clearSince;
        if (v === 'clear' && clearSince !== null && nowMs - clearSince >= ms(this.timing.offSeconds)) {
          this.#phase = { name: 'cooldown', until: nowMs + ms(this.timing.cooldownSeconds), pendingSince: null };
          const evidence = this.#withPeak(cur.evidence);
          this.#peak = null;
          return [this.lifecycle.resolve(this.key, { evidence, message: cur.message })];
        }
        const sig = JSON.stringify(cur.evidence.counts ?? {});
        if (v === 'breach' && sig !== ph.evidenceSig && nowMs - ph.lastUpdate >= ms(this.timing.updateMinSeconds)) {
          this.#phase = { name: 'open', clearSince, lastUpdate: nowMs, evidenceSig: sig };
          return [this.lifecycle.update(this.key, { evidence: this.#withPeak(cur.evidence), message: cur.message })];
        }
        this.#phase = { ...ph, clearSince };
        return [];
      }
    }
  }

  #maybeOpen(nowMs: number, cur: BreachInput): IncidentEvent[] {
    const ph = this.#phase;
    // A `hold` never opens: unknown inputs must not be counted as a breach.
    if (ph.name !== 'pending' || cur.verdict !== 'breach' || nowMs - ph.since < this.timing.onSeconds * 1000) return [];
    this.#phase = { name: 'open', clearSince: null, lastUpdate: nowMs, evidenceSig: JSON.stringify(cur.evidence.counts ?? {}) };
    this.#peak = null;
    this.#notePeak(cur);
    return [
      this.lifecycle.open(this.key, {
        kind: this.id.kind,
        severity: this.severity,
        cameraId: this.id.cameraId,
        zoneId: this.id.zoneId,
        ...(this.id.zoneName !== undefined ? { zoneName: this.id.zoneName } : {}),
        evidence: this.#withPeak(cur.evidence),
        message: cur.message,
      }),
    ];
  }
}
