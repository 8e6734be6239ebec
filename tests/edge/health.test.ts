import { describe, expect, it } from 'vitest';
import { HealthConfig } from '../../edge/config/index.ts';
import { CameraHealth, createBackoff, FreshnessTracker, SlidingCounter } from '../../edge/health/index.ts';
import { IncidentLifecycle } from '../../edge/incident-lifecycle.ts';

describe('backoff', () => {
  it('grows exponentially from 1 s to a 30 s cap with jitter in [base/2, base]', () => {
    const lo = createBackoff({ initialMs: 1000, maxMs: 30_000, random: () => 0 });
    const hi = createBackoff({ initialMs: 1000, maxMs: 30_000, random: () => 1 });
    const los = Array.from({ length: 8 }, () => lo.next());
    const his = Array.from({ length: 8 }, () => hi.next());
    expect(his).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(los).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    hi.reset();
    expect(hi.next()).toBe(1000);
  });
});

describe('SlidingCounter', () => {
  it('counts only events inside the window', () => {
    const c = new SlidingCounter(3_600_000);
    c.add(0);
    c.add(1_000_000);
    c.add(3_000_000);
    expect(c.count(3_500_000)).toBe(3);
    expect(c.count(3_600_001)).toBe(2);
    expect(c.count(7_000_000)).toBe(0);
  });
});

describe('CameraHealth watchdog (fake clock)', () => {
  const setup = () => {
    let t = 1_700_000_000_000;
    const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
    const lifecycle = new IncidentLifecycle({ institutionId: 'i', edgeId: 'e', now: clock.now });
    const health = new CameraHealth({
      cameraId: 'cam',
      expectedFps: 5,
      health: HealthConfig.parse({ offlineAfterSeconds: 10, tamper: { enabled: false } }),
      lifecycle,
      now: clock.now,
    });
    const frame = { data: new Uint8Array(64 * 36 * 3).map((_, i) => i % 251), width: 64, height: 36 };
    return { clock, health, frame };
  };

  it('goes offline after 10 s without frames, opens one incident with the ffmpeg reason, resolves on frames', () => {
    const { clock, health, frame } = setup();
    health.onConnect(0);
    expect(health.onFrame(frame)).toEqual([]);
    expect(health.state).toBe('online');
    health.onCaptureError('rtsp://cam: Connection refused');
    clock.advance(9_000);
    expect(health.check().events).toEqual([]);
    clock.advance(1_000);
    const { events } = health.check();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'open', kind: 'camera_offline', cameraId: 'cam', evidence: { reason: 'rtsp://cam: Connection refused' } });
    expect(health.status()).toMatchObject({ state: 'offline', reason: 'rtsp://cam: Connection refused' });
    clock.advance(20_000);
    expect(health.check().events).toEqual([]);
    health.onConnect(1);
    const back = health.onFrame(frame);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ type: 'resolved', id: events[0]!.id, seq: 1 });
    expect(health.status()).toMatchObject({ state: 'online', reconnectsLastHour: 1 });
  });

  it('reports a stalled attempt once so the agent restarts it', () => {
    const { clock, health, frame } = setup();
    health.onConnect(0);
    health.onFrame(frame);
    clock.advance(10_000);
    expect(health.check().stalled).toBe(true);
    clock.advance(1_000);
    expect(health.check().stalled).toBe(false);
    health.onConnect(1);
    clock.advance(10_000);
    expect(health.check().stalled).toBe(true);
    expect(health.status().stallsLastHour).toBe(2);
  });

  it('computes delivered and analysed fps per status period', () => {
    const { clock, health, frame } = setup();
    health.status();
    for (let i = 0; i < 50; i++) {
      clock.advance(200);
      health.onFrame(frame);
      if (i % 2 === 0) health.onAnalysed();
    }
    health.onDropped(3);
    expect(health.status()).toMatchObject({ deliveredFps: 5, analysedFps: 2.5, droppedFrames: 3 });
  });
});

describe('FreshnessTracker', () => {
  it('accepts frames whose media clock keeps pace and rejects ones released after a silence', () => {
    const f = new FreshnessTracker(2000);
    const t0 = 1_700_000_000_000;
    for (let k = 0; k < 25; k++) expect(f.isFresh(t0 + 500 + k * 200 + (k % 3) * 40, k * 0.2)).toBe(true);
    // The next frame in media time, but released 5 s late by a read timeout.
    expect(f.isFresh(t0 + 500 + 25 * 200 + 5000, 25 * 0.2)).toBe(false);
    // A live source that resumes keeps its clock: its frames are fresh again.
    expect(f.isFresh(t0 + 500 + 60 * 200, 60 * 0.2)).toBe(true);
  });
});

describe('FreshnessTracker with a decoder slower than real time', () => {
  it('keeps frames fresh when media time runs 10 % slower than the wall clock', () => {
    const f = new FreshnessTracker(2000);
    const t0 = 1_700_000_000_000;
    // 5 fps by media time, delivered every 220 ms: the lag grows by 20 ms per frame.
    for (let k = 0; k < 3000; k++) expect(f.isFresh(t0 + k * 220, k * 0.2)).toBe(true);
  });
});
