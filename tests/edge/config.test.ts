import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, lyingSweepSecondsOf } from '../../edge/config/index.ts';
import { run } from '../../edge/cli/edge.ts';
import { lyingSweepSettings } from '../../edge/compose.ts';

/** The ConfigError `loadConfig` throws for `file` (fails the test when it throws none). */
function configError(file: string): ConfigError {
  try {
    loadConfig(file);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`${file} loaded without an error`);
}

function write(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'anyu-cfg-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  writeFileSync(join(dir, 'clip.mp4'), 'not really a video, but a file');
  writeFileSync(join(dir, 'secret.txt'), 's3cret\n');
  return file;
}

const GOOD = `
hub:
  url: mqtts://hub.example:8883
  institutionId: inst-1
  edgeId: edge-1
  username: edge-1
  passwordFile: secret.txt
cameras:
  - id: cam-a
    source: rtsp://10.0.0.5:554/sub
    transport: udp
  - id: cam-b
    source: clip.mp4
    zones:
      - { id: mat, type: play, polygon: [[0, 0], [1, 0], [1, 1]], classType: infant, capacity: 6 }
`;

describe('edge config', () => {
  it('loads YAML, fills defaults and resolves relative paths', () => {
    const file = write('edge.yaml', GOOD);
    const cfg = loadConfig(file);
    expect(cfg.hub.password).toBe('s3cret');
    expect(cfg.cameras[0]).toMatchObject({ transport: 'udp', fps: 5, width: 640, height: 360 });
    expect(cfg.cameras[1]!.transport).toBe('tcp');
    expect(cfg.cameras[1]!.source).toBe(join(file, '..', 'clip.mp4'));
    expect(cfg.health.offlineAfterSeconds).toBe(9.5);
    expect(cfg.hub.statusIntervalSeconds).toBe(10);
    expect(cfg.vision).toEqual({ lyingSweepSeconds: 0, napLyingSweepSeconds: 1, lyingSweepInputWidth: 512, activityWeights: 'permissive', detectEvery: 1, fallSweep: true });
  });

  it('takes the lying-body sweep period (off by default) and the activity weights, and names a bad value', () => {
    const base = `hub: { url: 'mqtt://h', institutionId: 'i', edgeId: 'e' }\ncameras: [{ id: a, source: 'rtsp://x/1' }]\n`;
    expect(loadConfig(write('sweep-on.yaml', `${base}vision: { lyingSweepSeconds: 2 }\n`)).vision.lyingSweepSeconds).toBe(2);
    expect(() => loadConfig(write('sweep-neg.yaml', `${base}vision: { lyingSweepSeconds: -1 }\n`))).toThrow(/vision\.lyingSweepSeconds/);
    expect(() => loadConfig(write('sweep-typo.yaml', `${base}vision: { lyingSweep: 2 }\n`))).toThrow(/vision/);
    expect(loadConfig(write('nc.yaml', `${base}vision: { activityWeights: non-commercial }\n`)).vision.activityWeights).toBe('non-commercial');
    expect(() => loadConfig(write('bad-weights.yaml', `${base}vision: { activityWeights: full }\n`))).toThrow(/vision\.activityWeights/);
    expect(() => loadConfig(write('cam-sweep-neg.yaml', `hub: { url: 'mqtt://h', institutionId: 'i', edgeId: 'e' }\ncameras: [{ id: a, source: 'rtsp://x/1', lyingSweepSeconds: -2 }]\n`))).toThrow(/cameras\[0\]\.lyingSweepSeconds/);
  });

  it('sweeps cameras with a nap zone by default, others only when asked, and a camera setting wins', () => {
    const nap = { id: 'n', type: 'nap' as const, polygon: [[0, 0], [1, 0], [1, 1]] as [number, number][] };
    const room = { ...nap, id: 'r', type: 'room' as const };
    const vision = { lyingSweepSeconds: 0, napLyingSweepSeconds: 1 };
    expect(lyingSweepSecondsOf({ zones: [room] }, vision)).toBe(0);
    expect(lyingSweepSecondsOf({ zones: [room, nap] }, vision)).toBe(1);
    expect(lyingSweepSecondsOf({ zones: [room, nap] }, { ...vision, napLyingSweepSeconds: 0 })).toBe(0);
    expect(lyingSweepSecondsOf({ zones: [room] }, { ...vision, lyingSweepSeconds: 3 })).toBe(3);
    expect(lyingSweepSecondsOf({ zones: [nap], lyingSweepSeconds: 0 }, vision)).toBe(0);
    expect(lyingSweepSecondsOf({ zones: [], lyingSweepSeconds: 2 }, vision)).toBe(2);
    const cfg = loadConfig(write('nap.yaml', `hub: { url: 'mqtt://h', institutionId: 'i', edgeId: 'e' }\ncameras:\n  - { id: hall, source: 'rtsp://x/1' }\n  - { id: naps, source: 'rtsp://x/2', zones: [{ id: mats, type: nap, polygon: [[0, 0], [1, 0], [1, 1]] }] }\n  - { id: crib, source: 'rtsp://x/3', lyingSweepSeconds: 2 }\n`));
    expect(lyingSweepSettings(cfg)).toEqual({ hall: false, naps: { everyMs: 1000, holdMs: 2500, inputWidth: 512 }, crib: { everyMs: 2000, holdMs: 5000, inputWidth: 512 } });
    expect(lyingSweepSettings({ ...cfg, vision: { ...cfg.vision, lyingSweepInputWidth: 384 } }).naps).toMatchObject({ inputWidth: 384 });
    expect(() => loadConfig(write('width.yaml', `hub: { url: 'mqtt://h', institutionId: 'i', edgeId: 'e' }\ncameras: [{ id: a, source: 'rtsp://x/1' }]\nvision: { lyingSweepInputWidth: 100 }\n`))).toThrow(/vision\.lyingSweepInputWidth/);
  });

  it('loads the same config as JSON', () => {
    const file = write('edge.json', JSON.stringify({
      hub: { url: 'mqtt://127.0.0.1:1883', institutionId: 'i', edgeId: 'e' },
      cameras: [{ id: 'c', source: 'rtsp://cam/1' }],
    }));
    expect(loadConfig(file).cameras[0]!.id).toBe('c');
  });

  it('names the field of every problem', () => {
    const file = write('bad.yaml', `
hub: { url: 'http://nope', institutionId: 'i', edgeId: 'e' }
cameras:
  - { id: a, source: 'rtsp://x/1' }
  - { id: b, source: 'missing.mp4', fps: 0 }
  - { id: c, source: 'http://cam/x' }
`);
    const problems = configError(file).problems;
    expect(problems).toContain('hub.url: must be an MQTT URL such as mqtt://host:1883 or mqtts://host:8883');
    expect(problems.some((p) => p.startsWith('cameras[1].fps:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('cameras[1].source: must be rtsp://… or an existing file'))).toBe(true);
    expect(problems).toContain('cameras[2].source: must be rtsp://… or an existing file');
  });

  it('refuses a misspelt zone key instead of dropping it (a `capcity` typo left crowding without a capacity)', () => {
    const file = write('zone-typo.yaml', `hub: { url: 'mqtt://h', institutionId: 'i', edgeId: 'e' }\ncameras:\n  - id: a\n    source: 'rtsp://x/1'\n    zones:\n      - { id: room-1, type: room, polygon: [[0, 0], [1, 0], [1, 1]], capcity: 15 }\n`);
    expect(configError(file).problems.join('\n')).toMatch(/cameras\[0\]\.zones\[0\]: .*capcity/);
  });

  it('rejects duplicate camera ids and a status period above 10 s', () => {
    const file = write('dup.yaml', `
hub: { url: 'mqtt://h', institutionId: 'i', edgeId: 'e', statusIntervalSeconds: 30 }
cameras: [{ id: a, source: 'rtsp://x/1' }, { id: a, source: 'rtsp://x/2' }]
`);
    expect(() => loadConfig(file)).toThrow(/cameras\[1\]\.id: duplicate camera id 'a'/);
    expect(() => loadConfig(file)).toThrow(/hub\.statusIntervalSeconds/);
  });

  it('`anyu edge --config bad.yaml` exits 2 and names the field', async () => {
    const file = write('bad.yaml', `
hub: { url: 'mqtt://h', institutionId: 'i', edgeId: 'e' }
cameras: [{ id: a, source: 'rtsp://x/1' }, { id: b, source: 'ftp://x' }]
`);
    const errors: string[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => void errors.push(a.join(' '));
    try {
      expect(await run(['--config', file])).toBe(2);
    } finally {
      console.error = orig;
    }
    expect(errors.join('\n')).toContain('cameras[1].source: must be rtsp://… or an existing file');
  });
});
