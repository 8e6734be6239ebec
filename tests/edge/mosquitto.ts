/**
 * A private Mosquitto (the Debian binary) on a free port with on-disk persistence, so a
 * test can stop the broker and start it again like a real outage: sessions and queued
 * QoS1 messages survive the restart, as they do in a deployment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p)) ?? null;

export interface TestMosquitto {
  readonly url: string;
  start(): Promise<void>;
  /** SIGTERM: Mosquitto writes its persistence file and exits. */
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface MosquittoTls {
  cafile: string;
  certfile: string;
  keyfile: string;
  /** Ask clients for a certificate signed by `cafile` (mutual TLS). */
  requireCertificate: boolean;
}

/** `extra`: more mosquitto.conf lines (queue limits, sys_interval…). */
export function mosquitto(dir: string, port: number, tls?: MosquittoTls, extra: string[] = []): TestMosquitto {
  if (!MOSQUITTO) throw new Error('mosquitto is not installed');
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      ...(tls
        ? [`cafile ${tls.cafile}`, `certfile ${tls.certfile}`, `keyfile ${tls.keyfile}`, `require_certificate ${tls.requireCertificate}`]
        : []),
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      // Running as root, Mosquitto would switch to its own user and lose access to `dir`.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'log_type error',
      ...extra,
    ].join('\n') + '\n',
  );
  let proc: ChildProcess | null = null;
  return {
    url: `${tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    async start() {
      proc = spawn(MOSQUITTO!, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      proc.stderr?.on('data', (d: Buffer) => console.warn(`mosquitto: ${d.toString().trim()}`));
      for (let i = 0; i < 100; i++) {
        if (await listening(port)) return;
        if (proc.exitCode !== null) throw new Error(`mosquitto exited with code ${proc.exitCode}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('mosquitto did not start listening');
    },
    async stop() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGTERM');
      const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
