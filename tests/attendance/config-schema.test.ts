/** The edge config's attendance additions: strict, additive, errors name the field. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../edge/config/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'anyu-attcfg-'));
const video = join(dir, 'door.mp4');
writeFileSync(video, '');
const base = { hub: { url: 'mqtt://127.0.0.1:1883', institutionId: 'inst-1', edgeId: 'edge-1' } };
const problems = (raw: unknown): string => {
  try {
    parseConfig(raw, dir);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return '';
};

describe('attendance config', () => {
  it('defaults: cameras are rooms, attendance is optional, paths resolve against the config', () => {
    const cfg = parseConfig({ ...base, cameras: [{ id: 'cam-1', source: video }] }, dir);
    expect(cfg.cameras[0]!.role).toBe('room');
    expect(cfg.attendance).toBeUndefined();
    const att = parseConfig({ ...base, cameras: [{ id: 'door', source: video, role: 'entrance' }], attendance: {} }, dir).attendance!;
    expect(att).toMatchObject({ analysisFps: 2, dedupMinutes: 30, direction: 'auto', outFrom: '12:00', http: { host: '127.0.0.1', port: 9411 } });
    expect(att.templateFile).toBe(join(dir, 'data/faces/templates.enc'));
  });

  it('refuses an entrance without the attendance section, unknown keys, a public enrolment endpoint, bad times and thresholds', () => {
    expect(problems({ ...base, cameras: [{ id: 'door', source: video, role: 'entrance' }] })).toMatch(/cameras\[0\]\.role: an entrance camera needs the attendance section/);
    expect(problems({ ...base, cameras: [{ id: 'door', source: video, role: 'lobby' }] })).toMatch(/cameras\[0\]\.role/);
    const cam = [{ id: 'door', source: video, role: 'entrance' }];
    expect(problems({ ...base, cameras: cam, attendance: { photos: './p' } })).toMatch(/attendance.*photos/);
    expect(problems({ ...base, cameras: cam, attendance: { http: { host: '0.0.0.0' } } })).toMatch(/attendance\.http\.host: the enrolment endpoint listens on loopback only/);
    expect(problems({ ...base, cameras: cam, attendance: { outFrom: '25:00' } })).toMatch(/attendance\.outFrom: must be HH:MM/);
    expect(problems({ ...base, cameras: cam, attendance: { acceptThreshold: 0.9, proposeThreshold: 0.95 } })).toMatch(/attendance\.proposeThreshold: must not be above acceptThreshold/);
    expect(problems({ ...base, cameras: cam, attendance: { keyFile: './missing.key' } })).toMatch(/attendance\.keyFile: file .*missing\.key not found/);
  });
});
