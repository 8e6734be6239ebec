/**
 * Crowding, ratio and unattended in fake time: each breach opens exactly once after its
 * debounce, survives flicker around the threshold, resolves exactly once, and masked
 * zones and unknown ages are handled as documented.
 */
import { describe, expect, it } from 'vitest';
import type { AgeClass, IncidentEvent, ZoneConfig } from '../../protocol/index.ts';
import { IncidentEvent as IncidentEventSchema } from '../../protocol/index.ts';
import { createRuleEngine, type RulesConfigInput } from '../../edge/analytics/index.ts';
import type { TrackedPerson } from '../../edge/types.ts';
import { boxesFrame, FPS, person, T0 } from './scenarios.ts';

const ROOM: ZoneConfig = { id: 'room-a', type: 'room', polygon: [[0, 0], [0.6, 0], [0.6, 1], [0, 1]], classType: 'infant', capacity: 4 };
const TOILET: ZoneConfig = { id: 'toilet', type: 'masked', polygon: [[0.6, 0], [1, 0], [1, 1], [0.6, 1]] };

/** People at distinct spots in the room (x < 0.6 of 640 px) or in the masked toilet. */
function people(ages: AgeClass[], where: 'room' | 'toilet' = 'room', firstTrack = 1): TrackedPerson[] {
  return ages.map((age, i) => person(firstTrack + i, age, [where === 'room' ? 20 + i * 30 : 420 + i * 20, 200, 25, 120]));
}

/** Plays a timeline of [seconds, persons] steps at FPS and returns every incident event. */
function play(steps: [number, TrackedPerson[]][], rules: RulesConfigInput = {}, zones: ZoneConfig[] = [ROOM, TOILET]): IncidentEvent[] {
  let now = T0;
  const engine = createRuleEngine({ cameraId: 'cam-1', zones, rules, lifecycle: { institutionId: 'inst-1', edgeId: 'edge-1', now: () => now } });
  const events: IncidentEvent[] = [];
  let i = 0;
  for (const [seconds, persons] of steps) {
    for (let n = 0; n < seconds * FPS; n += 1, i += 1) {
      const f = boxesFrame(i, persons);
      now = f.frame.at;
      events.push(...engine.onFrame(f), ...engine.tick(now + 50));
    }
  }
  for (const e of events) IncidentEventSchema.parse(e);
  return events;
}

const kinds = (events: IncidentEvent[], kind: IncidentEvent['kind']) => events.filter((e) => e.kind === kind).map((e) => e.type);

describe('unattended', () => {
  it('a child alone raises a critical unattended after onSeconds and resolves when an adult returns', () => {
    const events = play([[5, people(['adult', 'child'])], [20, people(['child'], 'room', 2)], [15, people(['adult', 'child'])]]);
    const un = events.filter((e) => e.kind === 'unattended');
    expect(un.map((e) => e.type)).toEqual(['open', 'resolved']);
    const [open, resolved] = un;
    expect(open?.severity).toBe('critical');
    // The adult's track still counts for trackStaleSeconds (2 s) after it was last seen,
    // then the 10 s debounce runs.
    expect((Date.parse(open!.at) - T0) / 1000).toBeCloseTo(5 + 2 + 10, 0);
    expect(open?.evidence.counts).toMatchObject({ adults: 0, children: 1 });
    // Resolves after the adult has been back offSeconds (5 s).
    expect((Date.parse(resolved!.at) - T0) / 1000).toBeCloseTo(25 + 5, 0);
  });

  it('an unknown-age person with a child holds: no incident under the default policy, one when unknowns count as children', () => {
    const steps: [number, TrackedPerson[]][] = [[30, people(['unknown', 'child'])]];
    expect(kinds(play(steps), 'unattended')).toEqual([]);
    expect(kinds(play(steps, { unknownAge: 'child' }), 'unattended')).toEqual(['open']);
  });

  it('a child alone in a masked zone is never seen', () => {
    expect(kinds(play([[30, people(['child'], 'toilet')]]), 'unattended')).toEqual([]);
  });
});

describe('ratio', () => {
  it('opens once and resolves once despite flicker around the 1:3 limit', () => {
    const ok = people(['adult', 'child', 'child', 'child']);
    const over = people(['adult', 'child', 'child', 'child', 'child']);
    const flicker: [number, TrackedPerson[]][] = [];
    for (let n = 0; n < 10; n += 1) flicker.push([4, over], [1, ok]);
    const events = play([[5, ok], [40, over], ...flicker, [30, ok]], { crowding: { enabled: false, onSeconds: 10, offSeconds: 10, cooldownSeconds: 60, updateMinSeconds: 10, hysteresisPersons: 0 } });
    const ratio = events.filter((e) => e.kind === 'ratio');
    expect(ratio.filter((e) => e.type === 'open')).toHaveLength(1);
    expect(ratio.filter((e) => e.type === 'resolved')).toHaveLength(1);
    expect(ratio[0]?.severity).toBe('warning');
    expect(ratio[0]?.evidence.limit).toBe(3);
  });

  it('reads the limit from the configured class rule', () => {
    const fiveKids = people(['adult', 'child', 'child', 'child', 'child', 'child']);
    const rules: RulesConfigInput = { ratio: { enabled: true, onSeconds: 30, offSeconds: 15, cooldownSeconds: 60, updateMinSeconds: 15, classRules: { infant: { maxChildren: 10, childrenPerAdult: 5 }, toddler_small: { maxChildren: 15, childrenPerAdult: 5 }, toddler_large: { maxChildren: 20, childrenPerAdult: 7 }, mixed: { maxChildren: 18, childrenPerAdult: 5 }, home: { maxChildren: 5, childrenPerAdult: 3 } } } };
    expect(kinds(play([[40, fiveKids]]), 'ratio')).toEqual(['open']);
    expect(kinds(play([[40, fiveKids]], rules), 'ratio')).toEqual([]);
  });
});

describe('crowding', () => {
  it('opens once after onSeconds over capacity, survives flicker, resolves once, then honours the cooldown', () => {
    const four = people(['adult', 'adult', 'child', 'child']);
    const six = people(['adult', 'adult', 'child', 'child', 'adult', 'adult']);
    const flicker: [number, TrackedPerson[]][] = [];
    for (let n = 0; n < 8; n += 1) flicker.push([3, six], [2, four]);
    const events = play([[5, four], [15, six], ...flicker, [15, four], [5, six], [5, four]]);
    const crowd = events.filter((e) => e.kind === 'crowding');
    expect(crowd.filter((e) => e.type === 'open')).toHaveLength(1);
    expect(crowd.filter((e) => e.type === 'resolved')).toHaveLength(1);
    expect(crowd[0]?.evidence.counts?.persons).toBe(6);
    expect(new Set(crowd.map((e) => e.id)).size).toBe(1);
  });

  it('an ended crowding incident keeps the peak that raised it, not the count at its end', () => {
    const four = people(['adult', 'adult', 'child', 'child']);
    const five = people(['adult', 'adult', 'child', 'child', 'adult']);
    const seven = people(['adult', 'adult', 'child', 'child', 'adult', 'adult', 'child']);
    const zones: ZoneConfig[] = [{ ...ROOM, name: '演示区' }, TOILET];
    const crowd = play([[5, four], [15, five], [15, seven], [15, five], [20, four]], {}, zones).filter((e) => e.kind === 'crowding');
    expect(crowd.map((e) => e.type)).toContain('resolved');
    const resolved = crowd.find((e) => e.type === 'resolved')!;
    expect(resolved.evidence.counts?.persons).toBe(4);
    expect(resolved.evidence.peak?.persons).toBe(7);
    expect(resolved.evidence.limit).toBe(4);
    expect(crowd[0]?.zoneName).toBe('演示区');
    // Each event carries the worst so far: 5 when it opened, 7 from then on.
    expect(crowd[0]?.evidence.peak?.persons).toBe(5);
    expect(crowd.at(-2)?.evidence.peak?.persons).toBe(7);
  });

  it('people in the masked zone are not counted and never appear in evidence', () => {
    const events = play([[30, [...people(['adult', 'adult', 'adult', 'adult', 'adult']), ...people(['adult', 'adult'], 'toilet', 50)]]]);
    const open = events.find((e) => e.kind === 'crowding' && e.type === 'open');
    expect(open?.evidence.counts?.persons).toBe(5);
    expect(open?.evidence.persons?.some((p) => p.track >= 50)).toBe(false);
  });
});
