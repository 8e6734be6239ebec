import { describe, expect, it } from 'vitest';
import { IncidentEvent, EdgeStatus, parseTopic, topics, SCHEMA_VERSION } from '../../protocol/index.ts';

const open = {
  schema: SCHEMA_VERSION,
  type: 'open',
  id: 'c0a8e7e2-1d4f-4b8e-9a53-3f1f0f6b2a10',
  seq: 0,
  kind: 'fall',
  severity: 'critical',
  institutionId: 'inst-1',
  edgeId: 'edge-1',
  cameraId: 'cam-1',
  zoneId: null,
  startedAt: '2026-11-29T06:00:00.000Z',
  at: '2026-11-29T06:00:00.000Z',
  evidence: { confidence: 0.9 },
};

describe('topics', () => {
  it('builds and parses the contract topics', () => {
    expect(parseTopic(topics.incident('inst-1', 'edge-1'))).toEqual({
      institutionId: 'inst-1',
      edgeId: 'edge-1',
      kind: 'incident',
    });
    expect(parseTopic(topics.snapshot('i', 'e', 'abc'))).toEqual({
      institutionId: 'i',
      edgeId: 'e',
      kind: 'snapshot',
      incidentId: 'abc',
    });
  });

  it.each([
    'anyu/v1/i/e/unknown',
    'anyu/v2/i/e/incident',
    'anyu/v1/i/e/incident/extra',
    'anyu/v1/+/e/incident',
    'anyu/v1/i/e/snapshot',
    'other/v1/i/e/status',
    '',
  ])('rejects %j', (t) => {
    expect(parseTopic(t)).toBeNull();
  });
});

describe('incident event schema', () => {
  it('accepts a well-formed open event', () => {
    expect(IncidentEvent.parse(open)).toEqual(open);
  });

  it('names the bad field', () => {
    const r = IncidentEvent.safeParse({ ...open, kind: 'explosion' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['kind']);
  });

  it('rejects unknown evidence keys and a wrong schema version', () => {
    expect(IncidentEvent.safeParse({ ...open, evidence: { faces: [] } }).success).toBe(false);
    expect(IncidentEvent.safeParse({ ...open, schema: 2 }).success).toBe(false);
  });
});

describe('edge status schema', () => {
  it('accepts an offline Last Will with no cameras', () => {
    const lw = {
      schema: SCHEMA_VERSION,
      institutionId: 'i',
      edgeId: 'e',
      state: 'offline',
      version: '0.1.0',
      at: '2026-11-29T06:00:00Z',
      uptimeS: 0,
      cameras: [],
    };
    expect(EdgeStatus.safeParse(lw).success).toBe(true);
  });
});
