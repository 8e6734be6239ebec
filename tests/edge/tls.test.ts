/**
 * The edge's TLS options against a real Mosquitto with mutual TLS (certificates made by
 * openssl for this test): with the right CA and a client certificate the edge connects and
 * its retained status arrives; with a CA that did not sign the broker's certificate it
 * refuses to connect unless `rejectUnauthorized: false`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubConfig } from '../../edge/config/index.ts';
import { createPublisher } from '../../edge/publish/index.ts';
import { SCHEMA_VERSION, topics, type EdgeStatus } from '../../protocol/index.ts';
import { waitFor } from './harness.ts';
import { MOSQUITTO, mosquitto, type TestMosquitto } from './mosquitto.ts';
import { freePort } from './rtsp.ts';

const OPENSSL = ['/usr/bin/openssl', '/bin/openssl'].find((p) => existsSync(p)) ?? null;
if (!MOSQUITTO || !OPENSSL) console.warn('tests/edge/tls: needs the mosquitto and openssl binaries; skipping');

function makeCa(dir: string, name: string): { crt: string; key: string } {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  execFileSync(OPENSSL!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', key, '-out', crt], { stdio: 'ignore' });
  return { crt, key };
}

function makeCert(dir: string, name: string, ca: { crt: string; key: string }, san?: string): { crt: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const crt = join(dir, `${name}.crt`);
  execFileSync(OPENSSL!, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', key, '-out', csr], { stdio: 'ignore' });
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, san ? `subjectAltName=${san}\n` : 'basicConstraints=CA:FALSE\n');
  execFileSync(OPENSSL!, ['x509', '-req', '-in', csr, '-CA', ca.crt, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', crt], { stdio: 'ignore' });
  return { crt, key };
}

const offline = (edgeId: string): EdgeStatus => ({
  schema: SCHEMA_VERSION, institutionId: 'inst', edgeId, state: 'offline', version: '0.1.0', at: new Date().toISOString(), uptimeS: 0, cameras: [],
});

describe.skipIf(!MOSQUITTO || !OPENSSL)('edge over mutual TLS (real Mosquitto)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anyu-edge-tls-'));
  let broker: TestMosquitto;
  let ca: { crt: string; key: string };
  let client: { crt: string; key: string };
  let otherCa: { crt: string; key: string };

  beforeAll(async () => {
    ca = makeCa(dir, 'test-ca');
    otherCa = makeCa(dir, 'other-ca');
    const server = makeCert(dir, 'broker', ca, 'IP:127.0.0.1');
    client = makeCert(dir, 'edge-tls', ca);
    broker = mosquitto(dir, await freePort(), { cafile: ca.crt, certfile: server.crt, keyfile: server.key, requireCertificate: true });
    await broker.start();
  });
  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with the CA and a client certificate, and its status arrives', async () => {
    const hub = HubConfig.parse({ url: broker.url, institutionId: 'inst', edgeId: 'edge-tls', tls: { ca: ca.crt, cert: client.crt, key: client.key } });
    const pub = createPublisher({ hub, outboxDir: join(dir, 'outbox-ok'), willStatus: () => offline('edge-tls') });
    try {
      await waitFor('TLS connection', () => pub.stats().connected, 10_000, 50);
      pub.publishStatus({ ...offline('edge-tls'), state: 'online' });
      const watcher = await mqtt.connectAsync(broker.url, { ca: readFileSync(ca.crt), cert: readFileSync(client.crt), key: readFileSync(client.key) });
      const status = await new Promise<EdgeStatus>((resolve) => {
        watcher.on('message', (_t, p) => resolve(JSON.parse(p.toString()) as EdgeStatus));
        void watcher.subscribeAsync(topics.status('inst', 'edge-tls'), { qos: 1 });
      });
      expect(status.state).toBe('online');
      await watcher.endAsync();
    } finally {
      await pub.close();
    }
  });

  it('refuses a broker its CA did not sign, unless rejectUnauthorized is false', async () => {
    const strict = createPublisher({
      hub: HubConfig.parse({ url: broker.url, institutionId: 'inst', edgeId: 'edge-strict', tls: { ca: otherCa.crt, cert: client.crt, key: client.key } }),
      outboxDir: join(dir, 'outbox-strict'),
      willStatus: () => offline('edge-strict'),
      backoff: { initialMs: 200, maxMs: 400 },
    });
    const lax = createPublisher({
      hub: HubConfig.parse({ url: broker.url, institutionId: 'inst', edgeId: 'edge-lax', tls: { ca: otherCa.crt, cert: client.crt, key: client.key, rejectUnauthorized: false } }),
      outboxDir: join(dir, 'outbox-lax'),
      willStatus: () => offline('edge-lax'),
    });
    try {
      await waitFor('lax connection', () => lax.stats().connected, 10_000, 50);
      await new Promise((r) => setTimeout(r, 1000));
      expect(strict.stats()).toMatchObject({ connected: false, connects: 0 });
    } finally {
      await strict.close();
      await lax.close();
    }
  });
});
