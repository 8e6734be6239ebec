/**
 * The rule engine of one camera: places people into zones (dropping masked ones), feeds
 * the per-track fall logic and the per-zone count rules, and runs one breach state
 * machine per (camera, zone, kind) on the shared incident lifecycle. Its clock is the
 * analysed frame's `at` (and `tick`'s argument), so it runs the same on live cameras,
 * offline files and fake time.
 */
import type { FallMeasure, IncidentEvent, ZoneConfig } from '../../protocol/index.ts';
import { IncidentLifecycle, type LifecycleContext } from '../incident-lifecycle.ts';
import type { FrameAnalysis, RuleEngine } from '../types.ts';
import { BreachMachine, type BreachInput } from './breach.ts';
import { RulesConfig, type RulesConfigInput } from './config.ts';
import { countZone, zoneEvidence, zoneVerdicts } from './count-rules.ts';
import { TrackFallState, type FallenInfo } from './fall-detector.ts';
import { findLostTrack } from './fall-handover.ts';
import { placePersons, type PlacedPerson } from './zones.ts';

export interface RuleEngineOptions {
  cameraId: string;
  zones: readonly ZoneConfig[];
  /** Parsed or raw rules; missing fields take the documented defaults. */
  rules?: RulesConfigInput;
  /** Institution, edge, clock and id source of the incidents this engine makes. */
  lifecycle: LifecycleContext | IncidentLifecycle;
}

export interface RuleEngineStats {
  frames: number;
  /** Analyses of another camera handed to this engine: ignored and counted. */
  rejected: number;
}

export interface AnalyticsEngine extends RuleEngine {
  readonly config: RulesConfig;
  stats(): RuleEngineStats;
}

interface SeenPerson {
  person: PlacedPerson;
  at: number;
}

export function createRuleEngine(opts: RuleEngineOptions): AnalyticsEngine {
  const cfg = RulesConfig.parse(opts.rules ?? {});
  const lifecycle = opts.lifecycle instanceof IncidentLifecycle ? opts.lifecycle : new IncidentLifecycle(opts.lifecycle);
  const zones = opts.zones.filter((z) => z.type !== 'masked');
  const ignoreTypes = new Set<string>(cfg.fall.ignoreZoneTypes);
  const zoneType = new Map(zones.map((z) => [z.id, z.type]));
  const machines = new Map<string, BreachMachine>();
  const seen = new Map<number, SeenPerson>();
  const falls = new Map<number, TrackFallState>();
  /** First zone of each fall-tracked person (also those too faint to be counted). */
  const fallZones = new Map<number, string | null>();
  const stats: RuleEngineStats = { frames: 0, rejected: 0 };
  let lastAnalysisAt: number | null = null;

  function machine(zoneId: string | null, kind: BreachMachine['id']['kind']): BreachMachine {
    const key = `${zoneId ?? '-'}/${kind}`;
    let m = machines.get(key);
    if (!m) {
      const fall = kind === 'fall';
      const timing = fall
        ? { onSeconds: 0, offSeconds: 0, cooldownSeconds: cfg.fall.cooldownSeconds, updateMinSeconds: cfg.fall.updateMinSeconds }
        : cfg[kind as 'crowding' | 'ratio' | 'unattended'];
      const severity = fall || kind === 'unattended' ? 'critical' : 'warning';
      const zoneName = zones.find((z) => z.id === zoneId)?.name;
      m = new BreachMachine({ cameraId: opts.cameraId, zoneId, ...(zoneName !== undefined ? { zoneName } : {}), kind }, severity, timing, lifecycle);
      machines.set(key, m);
    }
    return m;
  }

  function freshPersons(now: number): PlacedPerson[] {
    const out: PlacedPerson[] = [];
    for (const [track, s] of seen) {
      const age = now - s.at;
      if (age <= cfg.trackStaleSeconds * 1000) out.push(s.person);
      else if (age > cfg.fall.lostSeconds * 1000) seen.delete(track);
    }
    return out;
  }

  function countRules(now: number, stale: boolean): IncidentEvent[] {
    const events: IncidentEvent[] = [];
    const persons = freshPersons(now);
    for (const zone of zones) {
      const inZone = persons.filter((p) => p.zones.includes(zone.id));
      const counts = countZone(inZone);
      for (const v of zoneVerdicts(zone, counts, cfg)) {
        const input: BreachInput = {
          // A camera that stopped sending frames says nothing about the room.
          verdict: stale ? 'hold' : v.verdict,
          evidence: zoneEvidence(inZone, counts, v.limit),
          message: v.message,
          badness: v.badness,
        };
        events.push(...machine(zone.id, v.kind).step(now, input));
      }
    }
    return events;
  }

  function fallRules(now: number): IncidentEvent[] {
    const byZone = new Map<string | null, FallenInfo[]>();
    for (const [track, st] of falls) {
      st.poll(now);
      st.expire(now);
      const f = st.fallen;
      if (!f) {
        if (now - st.lastSeen > cfg.fall.lostSeconds * 1000) {
          falls.delete(track);
          fallZones.delete(track);
        }
        continue;
      }
      const zoneId = fallZones.get(track) ?? null;
      byZone.set(zoneId, [...(byZone.get(zoneId) ?? []), f]);
    }
    const events: IncidentEvent[] = [];
    for (const zoneId of byZone.keys()) machine(zoneId, 'fall');
    for (const m of machines.values()) {
      if (m.id.kind !== 'fall') continue;
      const fallen = byZone.get(m.id.zoneId) ?? [];
      const input: BreachInput = {
        verdict: fallen.length > 0 ? 'breach' : 'clear',
        evidence: {
          counts: { fallen: fallen.length },
          persons: fallen.slice(0, 64).map((f) => ({
            track: f.track,
            box: f.person.box,
            score: Math.min(1, Math.max(0, f.person.score)),
            posture: f.person.posture,
            age: f.person.age,
          })),
          confidence: fallen.reduce((mx, f) => Math.max(mx, f.confidence), 0),
          ...(fallen.length > 0 ? { reason: fallen.slice(0, 8).map(fallReason).join('; '), falls: fallen.slice(0, 8).map(fallMeasure) } : {}),
        },
        message: fallen.length > 0 ? `${fallen.length} person(s) fell and did not get up` : 'fallen person(s) got up or left',
        badness: fallen.length,
      };
      // Keep the last evidence of a resolved fall: an empty `clear` input would wipe it.
      events.push(...m.step(now, fallen.length > 0 || m.phase === 'open' ? input : null));
    }
    return events;
  }

  return {
    config: cfg,
    stats: () => ({ ...stats }),
    onFrame(analysis: FrameAnalysis): IncidentEvent[] {
      if (analysis.cameraId !== opts.cameraId) {
        stats.rejected += 1;
        return [];
      }
      stats.frames += 1;
      const now = analysis.frame.at;
      lastAnalysisAt = now;
      // A person lying on the floor is often a faint detection: the fall rule reads
      // detections down to `fall.minPersonScore`, the count rules only from `minPersonScore`.
      const placed = placePersons(analysis, opts.zones, Math.min(cfg.minPersonScore, cfg.fall.minPersonScore));
      for (const p of placed) {
        if (p.score >= cfg.minPersonScore) seen.set(p.track, { person: p, at: now });
        if (!cfg.fall.enabled || p.score < cfg.fall.minPersonScore) continue;
        fallZones.set(p.track, p.zones[0] ?? null);
        let st = falls.get(p.track);
        if (!st) {
          st = new TrackFallState(p.track, cfg.fall);
          const lost = findLostTrack(falls.values(), p.box, now, cfg.fall);
          if (lost) st.adopt(lost);
          falls.set(p.track, st);
        }
        const ignored = p.zones.some((id) => ignoreTypes.has(zoneType.get(id) ?? ''));
        // Only the (opt-in) vanish path reads the scene: skip building it when that is off.
        const scene = cfg.fall.vanishSeconds > 0 ? { frameWidth: analysis.frame.width, frameHeight: analysis.frame.height, others: placed.filter((o) => o.track !== p.track).map((o) => o.box) } : undefined;
        st.observe(now, p, ignored, scene);
      }
      return [...fallRules(now), ...countRules(now, false)];
    },
    tick(nowMs: number): IncidentEvent[] {
      const stale = lastAnalysisAt === null || nowMs - lastAnalysisAt > cfg.analysisStaleSeconds * 1000;
      return [...fallRules(nowMs), ...countRules(nowMs, stale)];
    },
  };
}

/** Why the fall rule fired, in words a reviewer can check against the snapshot. */
const r2 = (v: number) => Math.round(v * 100) / 100;

/** The fall rule's measurements as data: the dashboard words them in the reader's language. */
function fallMeasure(f: FallenInfo): FallMeasure {
  return {
    track: f.track,
    path: f.path,
    drop: r2(Math.min(f.drop, 9.99)),
    speed: f.headSpeed === null ? null : r2(f.headSpeed),
    descentSeconds: f.descentSeconds === null ? null : r2(f.descentSeconds),
  };
}

function fallReason(f: FallenInfo): string {
  const speed = f.headSpeed === null ? '' : ` at ${f.headSpeed.toFixed(2)} body heights/s`;
  const descent = f.descentSeconds === null ? '' : `, descent ${f.descentSeconds.toFixed(2)} s`;
  return `track ${f.track}: ${f.path} path, head down ${Math.min(f.drop, 9.99).toFixed(2)} body heights${speed}${descent}`;
}
