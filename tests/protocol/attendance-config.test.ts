import { describe, expect, it } from 'vitest';
import {
  AttendanceEvent,
  EdgeConfig,
  EdgeConfigAck,
  EDGE_PUBLISH_KINDS,
  EDGE_SUBSCRIBE_KINDS,
  FACE_CONSENT_MAX,
  parseTopic,
  SCHEMA_VERSION,
  topics,
} from '../../protocol/index.ts';

const event = {
  schema: SCHEMA_VERSION,
  institutionId: 'inst-1',
  edgeId: 'edge-1',
  id: 'att-0001',
  childId: 'child-7',
  direction: 'in',
  at: '2026-12-01T00:05:00.000Z',
  source: 'face',
  confidence: 0.83,
  needsConfirm: true,
  cameraId: 'entrance-1',
} as const;

const config = {
  schema: SCHEMA_VERSION,
  institutionId: 'inst-1',
  edgeId: 'edge-1',
  version: 3,
  issuedAt: '2026-12-01T00:00:00+08:00',
  faceConsent: { childIds: ['child-7', 'child-8'] },
};

const ack = {
  schema: SCHEMA_VERSION,
  institutionId: 'inst-1',
  edgeId: 'edge-1',
  version: 3,
  at: '2026-12-01T00:00:02.000Z',
  ok: true,
  enrolled: ['child-7'],
  deleted: ['child-9'],
};

describe('attendance and config topics', () => {
  it('builds and parses attendance, config and config-ack', () => {
    expect(topics.attendance('i', 'e')).toBe('anyu/v1/i/e/attendance');
    expect(topics.configAck('i', 'e')).toBe('anyu/v1/i/e/config-ack');
    for (const kind of ['attendance', 'config', 'config-ack'] as const) {
      expect(parseTopic(`anyu/v1/i/e/${kind}`)).toEqual({ institutionId: 'i', edgeId: 'e', kind });
    }
    expect(parseTopic('anyu/v1/i/e/attendance/x')).toBeNull();
    expect(parseTopic('anyu/v1/i/e/config-ack/x')).toBeNull();
    expect(parseTopic('anyu/v1/i/e/config_ack')).toBeNull();
  });

  it('lets edges publish attendance and config-ack but never config; subscribe to config only', () => {
    expect(EDGE_PUBLISH_KINDS).toContain('attendance');
    expect(EDGE_PUBLISH_KINDS).toContain('config-ack');
    expect(EDGE_PUBLISH_KINDS).not.toContain('config');
    expect(EDGE_SUBSCRIBE_KINDS).toEqual(['config']);
  });
});

describe('AttendanceEvent', () => {
  it('accepts a face event and a card event without camera', () => {
    expect(AttendanceEvent.parse(event)).toEqual(event);
    const { cameraId: _c, ...card } = { ...event, source: 'card' as const, confidence: 1, needsConfirm: false };
    expect(AttendanceEvent.safeParse(card).success).toBe(true);
  });

  it.each([
    ['an image', { image: 'data:image/jpeg;base64,AAAA' }],
    ['a template', { descriptor: [0.1, 0.2] }],
    ['a face box', { box: [1, 2, 3, 4] }],
  ])('refuses %s (strict: nothing but id, time, source, confidence)', (_name, extra) => {
    expect(AttendanceEvent.safeParse({ ...event, ...extra }).success).toBe(false);
  });

  it('names the bad field', () => {
    for (const [field, value] of [
      ['source', 'staff'],
      ['direction', 'sideways'],
      ['confidence', 1.2],
      ['at', '2026-12-01 08:00'],
      ['childId', 'a/b'],
      ['schema', 2],
    ] as const) {
      const r = AttendanceEvent.safeParse({ ...event, [field]: value });
      expect(r.success, field).toBe(false);
      expect(r.error?.issues[0]?.path, field).toEqual([field]);
    }
  });
});

describe('EdgeConfig and EdgeConfigAck', () => {
  it('accepts a config with and without reserved camera configuration', () => {
    expect(EdgeConfig.parse(config)).toEqual(config);
    expect(EdgeConfig.safeParse({ ...config, cameras: [{ id: 'c1' }] }).success).toBe(true);
  });

  it('refuses version 0, unknown keys, a non-id child and an oversized list', () => {
    expect(EdgeConfig.safeParse({ ...config, version: 0 }).success).toBe(false);
    expect(EdgeConfig.safeParse({ ...config, extra: 1 }).success).toBe(false);
    expect(EdgeConfig.safeParse({ ...config, faceConsent: { childIds: ['#'] } }).success).toBe(false);
    expect(EdgeConfig.safeParse({ ...config, faceConsent: { childIds: [], photos: [] } }).success).toBe(false);
    const many = Array.from({ length: FACE_CONSENT_MAX + 1 }, (_, i) => `c${i}`);
    expect(EdgeConfig.safeParse({ ...config, faceConsent: { childIds: many } }).success).toBe(false);
  });

  it('accepts an ack and a refusal with its error; refuses templates in an ack', () => {
    expect(EdgeConfigAck.parse(ack)).toEqual(ack);
    expect(EdgeConfigAck.safeParse({ ...ack, ok: false, error: 'cameras: not supported' }).success).toBe(true);
    expect(EdgeConfigAck.safeParse({ ...ack, error: 'x'.repeat(501) }).success).toBe(false);
    expect(EdgeConfigAck.safeParse({ ...ack, templates: { 'child-7': [0.1] } }).success).toBe(false);
    const { deleted: _d, ...noDeleted } = ack;
    expect(EdgeConfigAck.safeParse(noDeleted).success).toBe(false);
  });
});
