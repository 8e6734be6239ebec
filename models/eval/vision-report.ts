/** Markdown for the vision evaluation, and its insertion into models/README.md between markers. */
import { writeBetweenMarkers } from './markers.ts';
import type { MulticamResult, RunResult } from './vision-runs.ts';

export const START_MARKER = '<!-- eval:vision:start -->';
export const END_MARKER = '<!-- eval:vision:end -->';

const f = (n: number | null, d = 2) => (n === null || Number.isNaN(n) ? 'n/a' : n.toFixed(d));
const pct = (n: number, total: number) => (total > 0 ? `${((100 * n) / total).toFixed(1)} %` : 'n/a');

/**
 * Frames per second the system would reach with the machine to itself: its threads
 * (at most the cores) divided by the CPU time it spent per frame. Other people's load on
 * a shared machine changes wall-clock fps from run to run; this does not.
 */
export function capacityFps(r: RunResult, cores: number): number {
  return (Math.min(r.threads, cores) * 1000) / r.cpuMsPerFrame;
}

export function resultsTable(runs: RunResult[], cores: number): string {
  const head =
    '| system | backend | frames | count MAE | mean count error | precision | recall | MOTA | IDF1 | ID switches | detect ms/frame | pose ms/person (poses/frame) | wall fps | CPU ms/frame (all threads) | fps on idle cores | adult / child / unknown labels |';
  const sep = '|' + '---|'.repeat(16);
  const rows = runs.map((r) => {
    const m = r.metrics;
    const ages = r.ages;
    const total = ages ? ages.adult + ages.child + ages.unknown : 0;
    return [
      r.system, r.backend, String(r.frames), f(m.countMae), f(m.meanCountError), f(m.precision, 3), f(m.recall, 3),
      r.tracked ? f(m.mota, 3) : 'n/a (no tracker)', r.tracked ? f(m.idf1, 3) : 'n/a', r.tracked ? String(m.idSwitches) : 'n/a',
      f(r.detectMsPerFrame, 0), r.poseMsPerPerson === null ? 'n/a' : `${f(r.poseMsPerPerson, 1)} (${f(r.posesPerFrame, 1)})`,
      f(r.frames / r.wallSeconds, 2),
      f(r.cpuMsPerFrame, 0),
      f(capacityFps(r, cores), 1),
      ages ? `${pct(ages.adult, total)} / ${pct(ages.child, total)} (${ages.child} person-frames) / ${pct(ages.unknown, total)}` : 'n/a',
    ].join(' | ');
  });
  return [head, sep, ...rows.map((r) => `| ${r} |`)].join('\n');
}

export function multicamLine(m: MulticamResult, cores: number): string {
  const total = m.cameras * m.framesPerCamera;
  // What the same work would reach with both cores to itself, from the CPU it consumed.
  const cpuBound = total / m.cameras / (m.cpuSeconds / cores);
  return `All stages (${m.settings}), ${m.cameras} cameras of ${m.width}×${m.height} at once: ${m.framesPerCamera} frames each in ${m.wallSeconds.toFixed(1)} s wall = **${m.perCameraFps.toFixed(2)} analysed fps per camera** (target ≥ 5); CPU ${((1000 * m.cpuSeconds) / total).toFixed(0)} ms per frame, i.e. ${cpuBound.toFixed(2)} fps per camera if the ${cores} cores were not shared.`;
}

export function writeIntoReadme(path: string, body: string): Promise<void> {
  return writeBetweenMarkers(path, START_MARKER, END_MARKER, body);
}
