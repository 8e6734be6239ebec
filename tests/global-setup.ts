/**
 * Marks every process of this test run with a run id in its environment (workers, the
 * edges they spawn and every ffmpeg below them inherit it), and at teardown fails loudly
 * when any ffmpeg carrying the mark is still alive. Orphans are found too, because the
 * mark survives re-parenting; ffmpeg run by other people on the machine is not counted.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

const MARK = 'ANYU_TEST_RUN';

function markedFfmpeg(runId: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    let env: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (!/(^|\/)ffmpeg(\s|$)/.test(cmd.split(' ')[0] ?? '')) continue;
      env = readFileSync(`/proc/${entry}/environ`, 'utf8');
    } catch (err) {
      // The process ended while we looked, or belongs to another user: not ours either way.
      if (['ENOENT', 'EACCES', 'ESRCH', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) continue;
      throw err;
    }
    if (env.split('\0').includes(`${MARK}=${runId}`)) found.push({ pid: Number(entry), cmd });
  }
  return found;
}

export default function setup(): () => Promise<void> {
  const runId = randomUUID();
  process.env[MARK] = runId;
  return async () => {
    if (process.platform !== 'linux') return;
    // Give teardown paths (q → SIGTERM → SIGKILL) their full time before judging.
    let left = markedFfmpeg(runId);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      left = markedFfmpeg(runId);
    }
    if (left.length > 0) {
      for (const p of left) process.kill(p.pid, 'SIGKILL');
      throw new Error(
        `ffmpeg processes left running by the test run (now killed):\n${left.map((p) => `  ${p.pid} ${p.cmd}`).join('\n')}`,
      );
    }
  };
}
