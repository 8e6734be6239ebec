/**
 * `npm start` runs demo accounts whose passwords it prints: it listens on loopback unless
 * told otherwise, warns when the demo is reachable from other machines, and writes the
 * hub's log as readable lines beside its own (not JSON in between).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseStartArgs } from '../../bin/start.ts';
import { isLoopback, startHub } from '../../hub/cli.ts';

describe('anyu start exposure', () => {
  it('listens on 127.0.0.1 unless --host says otherwise', () => {
    expect(parseStartArgs([]).httpHost).toBe('127.0.0.1');
    expect(parseStartArgs(['--host', '0.0.0.0']).httpHost).toBe('0.0.0.0');
    expect(() => parseStartArgs(['--http-port', 'x'])).toThrow(/port numbers/);
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'hub.example']) expect(isLoopback(h), h).toBe(false);
  });

  for (const [host, warned] of [['127.0.0.1', false], ['0.0.0.0', true]] as const) {
    it(`${warned ? 'warns' : 'does not warn'} about the demo accounts on ${host}, and logs readable lines`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'anyu-start-exposure-'));
      const lines: string[] = [];
      const logOut = new PassThrough();
      const logged: string[] = [];
      logOut.on('data', (b: Buffer) => logged.push(...b.toString('utf8').split('\n').filter(Boolean)));
      const { hub } = await startHub(
        { dataDir: dir, http: { port: 0, host }, mqtt: { embedded: { port: 0, host: '127.0.0.1' } }, mqttClientId: `exposure-${warned}` },
        { seedDemo: true, log: (l) => lines.push(l), logFormat: 'pretty', logDestination: logOut },
      );
      try {
        expect(lines.some((l) => /^WARNING: the demo accounts/.test(l))).toBe(warned);
        const ready = logged.find((l) => l.includes('hub ready'));
        expect(ready, logged.join('\n')).toBeDefined();
        expect(ready!.trimStart().startsWith('{')).toBe(false);
        expect(ready).toMatch(/INFO/);
      } finally {
        await hub.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
