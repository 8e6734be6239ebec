/**
 * The audible cue for critical incidents: a two-tone beep through WebAudio, repeated
 * until nothing critical is left unacknowledged. Browsers keep audio suspended until a
 * user gesture, so `unlock()` is called from clicks (login, the sound button).
 */
export interface Alarm {
  setActive(active: boolean): void;
  unlock(): Promise<void>;
  /** True when the browser lets us play sound now. */
  audible(): boolean;
  /** Beeps played since creation (the page exposes it for tests and diagnostics). */
  beeps(): number;
  /** Called after every beep that was actually played. */
  onBeep(fn: (count: number) => void): () => void;
  dispose(): void;
}

const REPEAT_MS = 2_500;

export function createAlarm(): Alarm {
  let ctx: AudioContext | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let count = 0;
  const listeners = new Set<(count: number) => void>();

  const context = (): AudioContext | null => {
    if (ctx) return ctx;
    if (typeof AudioContext === 'undefined') return null;
    ctx = new AudioContext();
    return ctx;
  };

  const beep = (): void => {
    const ac = context();
    if (!ac || ac.state !== 'running') return;
    count += 1;
    const start = ac.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = ac.createOscillator();
      const gain = ac.createGain();
      osc.type = 'square';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + i * 0.3);
      gain.gain.exponentialRampToValueAtTime(0.2, start + i * 0.3 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.3 + 0.25);
      osc.connect(gain).connect(ac.destination);
      osc.start(start + i * 0.3);
      osc.stop(start + i * 0.3 + 0.27);
    }
    for (const fn of listeners) fn(count);
  };

  return {
    setActive(active) {
      if (active && timer === undefined) {
        beep();
        timer = setInterval(beep, REPEAT_MS);
      } else if (!active && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    async unlock() {
      const ac = context();
      if (ac && ac.state === 'suspended') await ac.resume();
    },
    audible: () => ctx?.state === 'running',
    beeps: () => count,
    onBeep(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    dispose() {
      clearInterval(timer);
      timer = undefined;
      listeners.clear();
      void ctx?.close();
      ctx = null;
    },
  };
}
