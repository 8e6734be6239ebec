/**
 * Resident memory per camera: an agent with 4 live cameras (looped file played in real
 * time, 640×360 @ 5 fps, no vision) against an in-process broker; RSS of this Node process
 * (minus its RSS before the agent started) plus the RSS of each ffmpeg it runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { createAgent } from '../edge/agent.ts';
import { parseConfig } from '../edge/config/index.ts';
import { fmt, markdownTable, median } from './stats.ts';

function rssKiB(pid: number | 'self'): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Proportional set size: shared library pages split between the processes using them. */
function pssKiB(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function ffmpegChildren(): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat);
      if (m && m[1] === 'ffmpeg' && Number(m[2]) === process.pid) pids.push(Number(e));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return pids;
}

export async function measureMemory(source: string, log: (m: string) => void): Promise<string> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'anyu-bench-mem-'));
  const config = parseConfig(
    {
      hub: { url: `mqtt://127.0.0.1:${port}`, institutionId: 'bench', edgeId: 'bench-mem' },
      outboxDir: join(dir, 'outbox'),
      cameras: [1, 2, 3, 4].map((i) => ({ id: `cam-${i}`, source, fps: 5, width: 640, height: 360 })),
    },
    dir,
  );
  global.gc?.();
  const before = rssKiB('self');
  const agent = createAgent({ config, log: () => undefined });
  agent.start();
  const samples: { node: number; ffmpeg: number[]; pss: number[] }[] = [];
  await new Promise((r) => setTimeout(r, 8000));
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const pids = ffmpegChildren();
    samples.push({ node: rssKiB('self') - before, ffmpeg: pids.map((p) => rssKiB(p)), pss: pids.map((p) => pssKiB(p)) });
  }
  const status = agent.status();
  await agent.stop();
  await new Promise<void>((r) => aedes.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });

  const nodeDelta = median(samples.map((s) => s.node)) / 1024;
  const ff = median(samples.map((s) => s.ffmpeg.reduce((a, b) => a + b, 0))) / 1024;
  const nFf = median(samples.map((s) => s.ffmpeg.length));
  const ffPss = median(samples.map((s) => s.pss.reduce((a, b) => a + b, 0))) / 1024;
  const fps = status.cameras.map((c) => c.deliveredFps);
  log(`memory: node +${nodeDelta.toFixed(1)} MiB, ffmpeg ${ff.toFixed(1)} MiB over ${nFf} processes, fps ${fps.join(', ')}`);
  return markdownTable(
    ['cameras', 'ffmpeg processes', 'Σ ffmpeg RSS MiB', 'Σ ffmpeg PSS MiB', 'Node RSS growth MiB', 'per camera MiB (RSS)', 'per camera MiB (PSS)', 'delivered fps per camera'],
    [['4', String(nFf), fmt(ff), fmt(ffPss), fmt(nodeDelta), fmt((ff + nodeDelta) / 4), fmt((ffPss + nodeDelta) / 4), fps.map((f) => fmt(f, 1)).join(', ')]],
  );
}
