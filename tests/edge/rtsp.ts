/**
 * A real RTSP server for tests (`rtsp-streaming-server`, in process) fed by a real ffmpeg
 * that plays footage in real time and loops it. The server relays RTP over UDP only, so
 * cameras that read from it use `transport: udp`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { RtspServer } from 'rtsp-streaming-server';
import { resolveFfmpegPath, stopFfmpeg } from '../../edge/capture/index.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface TestRtspServer {
  publishUrl(path: string): string;
  clientUrl(path: string): string;
  /**
   * Ends a mount whose publisher died. This server never notices a killed publisher (it
   * only tears down on an RTSP TEARDOWN), while real servers expire such sessions.
   */
  dropMount(path: string): void;
  close(): Promise<void>;
}

export async function startRtspServer(): Promise<TestRtspServer> {
  const serverPort = await freePort();
  const clientPort = await freePort();
  // An even base in a high range; each stream uses a pair of UDP ports.
  const rtpPortStart = 20000 + 2 * Math.floor(Math.random() * 15000);
  const server = new RtspServer({ serverPort, clientPort, rtpPortStart, rtpPortCount: 40 });
  await server.start();
  type Closable = { server?: { close(cb?: () => void): void } };
  return {
    publishUrl: (path) => `rtsp://127.0.0.1:${serverPort}/${path}`,
    clientUrl: (path) => `rtsp://127.0.0.1:${clientPort}/${path}`,
    dropMount: (path) => void server.Mounts.deleteMount(`rtsp://127.0.0.1:${serverPort}/${path}`),
    close: async () => {
      for (const part of [server.PublishServer, server.ClientServer] as unknown as Closable[]) {
        await new Promise<void>((r) => (part.server ? part.server.close(() => r()) : r()));
      }
    },
  };
}

export interface Feeder {
  proc: ChildProcess;
  stop(): Promise<void>;
  /** Kills the feeder at once, as a camera losing power. */
  kill(): Promise<void>;
}

/** ffmpeg publishing `file` in real time, looped, as H.264 to `url` (RTSP ANNOUNCE). */
export function startFeeder(file: string, url: string): Feeder {
  const proc = spawn(
    resolveFfmpegPath(),
    [
      '-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', file,
      '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '10',
      '-s', '384x288', '-f', 'rtsp', url,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  proc.stderr?.on('data', (d: Buffer) => {
    const text = d.toString().trim();
    if (text) console.warn(`feeder: ${text}`);
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    stop: async () => {
      await stopFfmpeg(proc);
      await exited;
    },
    kill: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
