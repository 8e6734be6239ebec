/**
 * Verdicts of the count rules for one zone from the people standing in it: crowding
 * (capacity), ratio (class rule) and unattended (children without an adult). Unknown ages
 * follow `unknownAge`: with `hold`, a verdict is only `breach` or `clear` when it comes
 * out the same whether every unknown person is an adult or a child; otherwise `hold`.
 */
import type { Evidence, ZoneConfig } from '../../protocol/index.ts';
import type { Verdict } from './breach.ts';
import type { RulesConfig, UnknownAgePolicy } from './config.ts';
import type { PlacedPerson } from './zones.ts';

export interface ZoneCounts {
  persons: number;
  adults: number;
  children: number;
  unknown: number;
}

export function countZone(persons: readonly PlacedPerson[]): ZoneCounts {
  let adults = 0;
  let children = 0;
  let unknown = 0;
  for (const p of persons) {
    if (p.age === 'adult') adults += 1;
    else if (p.age === 'child') children += 1;
    else unknown += 1;
  }
  return { persons: persons.length, adults, children, unknown };
}

/** Evaluates `breach(adults, children)` under the unknown-age policy. */
function decide(c: ZoneCounts, policy: UnknownAgePolicy, breach: (adults: number, children: number) => boolean): Verdict {
  if (policy === 'adult') return breach(c.adults + c.unknown, c.children) ? 'breach' : 'clear';
  if (policy === 'child') return breach(c.adults, c.children + c.unknown) ? 'breach' : 'clear';
  const asAdults = breach(c.adults + c.unknown, c.children);
  const asChildren = breach(c.adults, c.children + c.unknown);
  if (asAdults && asChildren) return 'breach';
  if (!asAdults && !asChildren) return 'clear';
  return 'hold';
}

export interface RuleVerdict {
  kind: 'crowding' | 'ratio' | 'unattended';
  verdict: Verdict;
  limit?: number;
  message: string;
  /** How far past the rule the zone is now (`BreachInput.badness`). */
  badness: number;
}

export function zoneVerdicts(zone: ZoneConfig, c: ZoneCounts, cfg: RulesConfig): RuleVerdict[] {
  const out: RuleVerdict[] = [];
  const where = zone.name ?? zone.id;
  if (cfg.crowding.enabled && zone.capacity !== undefined) {
    const cap = zone.capacity;
    const verdict: Verdict = c.persons > cap ? 'breach' : c.persons <= cap - cfg.crowding.hysteresisPersons ? 'clear' : 'hold';
    out.push({ kind: 'crowding', verdict, limit: cap, message: `${c.persons} people in ${where} (capacity ${cap})`, badness: c.persons - cap });
  }
  if (cfg.ratio.enabled && zone.classType !== undefined) {
    const perAdult = cfg.ratio.classRules[zone.classType].childrenPerAdult;
    const verdict = decide(c, cfg.unknownAge, (adults, children) => children > 0 && children > adults * perAdult);
    out.push({
      kind: 'ratio',
      verdict,
      limit: perAdult,
      message: `${c.adults} adult(s) for ${c.children} child(ren) in ${where}, rule 1:${perAdult}${unknownNote(c)}`,
      badness: c.children - c.adults * perAdult,
    });
  }
  if (cfg.unattended.enabled && zone.type === 'room') {
    const verdict = decide(c, cfg.unknownAge, (adults, children) => children > 0 && adults === 0);
    out.push({ kind: 'unattended', verdict, message: `${c.children} child(ren) without an adult in ${where}${unknownNote(c)}`, badness: c.children + c.unknown });
  }
  return out;
}

function unknownNote(c: ZoneCounts): string {
  return c.unknown > 0 ? ` (${c.unknown} of unknown age)` : '';
}

/** Evidence of a zone: counts, people (capped at the protocol's 64) and mean detection score. */
export function zoneEvidence(persons: readonly PlacedPerson[], c: ZoneCounts, limit: number | undefined): Evidence {
  const listed = persons.slice(0, 64);
  const confidence = listed.length === 0 ? 1 : listed.reduce((s, p) => s + p.score, 0) / listed.length;
  return {
    counts: { persons: c.persons, adults: c.adults, children: c.children, unknown: c.unknown },
    persons: listed.map((p) => ({
      track: p.track,
      box: p.box,
      score: clamp01(p.score),
      posture: p.posture,
      age: p.age,
    })),
    confidence: clamp01(confidence),
    ...(limit !== undefined ? { limit } : {}),
  };
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
