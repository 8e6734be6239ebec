/**
 * The offline engine used by `anyu analyze` runs the rules on media time: a file decoded
 * in a blink of wall-clock time still needs 10 s of footage before `unattended` opens.
 */
import { describe, expect, it } from 'vitest';
import { createOfflineRuleEngine } from '../../edge/analytics/index.ts';
import type { FrameAnalysis } from '../../edge/types.ts';
import type { IncidentEvent, ZoneConfig } from '../../protocol/index.ts';
import { person } from './scenarios.ts';

const ROOM: ZoneConfig = { id: 'room-a', type: 'room', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] };

describe('offline rule engine', () => {
  it('uses media time, not the frames’ wall-clock arrival', () => {
    const startedAt = Date.UTC(2026, 10, 29, 9, 0, 0);
    const engine = createOfflineRuleEngine('cam-1', { zones: [ROOM], startedAt });
    const events: IncidentEvent[] = [];
    // 20 s of footage at 10 fps, all "received" within the same wall-clock millisecond.
    for (let i = 0; i < 200; i += 1) {
      const t = i / 10;
      const a: FrameAnalysis = { cameraId: 'cam-1', frame: { index: i, t, at: 1, width: 640, height: 480 }, persons: [person(1, 'child', [100, 100, 40, 120])] };
      events.push(...engine.onFrame(a), ...engine.tick(t * 1000));
    }
    const open = events.find((e) => e.kind === 'unattended' && e.type === 'open');
    expect(open).toBeDefined();
    expect((Date.parse(open!.at) - startedAt) / 1000).toBeCloseTo(10, 0);
    expect(events.filter((e) => e.type === 'open')).toHaveLength(1);
  });
});
