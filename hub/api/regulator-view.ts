/**
 * What a regulator may read of an incident. Regulators supervise a district through
 * statistics: no raw footage by default and no children's data (DOMAIN.md). So what they
 * get of an incident — the list, the detail, the CSV export and the live push — keeps what
 * counts (kind, severity, times, room, review status, outcome, counts and limits) and drops
 * what describes a person: people's boxes, track ids, posture and age class, fall
 * measurements, the edge's free-text reason (it names tracks, or a camera's stream URL),
 * the institution's notes (they may name a child: closing notes, and the note of a
 * person's alarm, which is its message), and any snapshot. The audit log a
 * regulator reads leaves the notes out of its entries' details for the same reason.
 */
import type { Evidence, IncidentDetail, IncidentView, TimelineEntry, UserView } from '../../protocol/index.ts';
import type { AuditEntry } from '../store/types.ts';

/** Evidence fields a regulator sees: numbers about the rule, nothing about a person. */
const REGULATOR_EVIDENCE = ['counts', 'peak', 'limit', 'confidence', 'tamper', 'input'] as const satisfies readonly (keyof Evidence)[];

export function regulatorEvidence(e: Evidence): Evidence {
  const out: Evidence = {};
  for (const k of REGULATOR_EVIDENCE) if (e[k] !== undefined) (out as Record<string, unknown>)[k] = e[k];
  return out;
}

export function regulatorView<T extends IncidentView>(v: T): T {
  return {
    ...v,
    evidence: regulatorEvidence(v.evidence),
    // A person's alarm carries their note as its message (store raiseAlarm); an edge's
    // message is its own English line about counts.
    message: v.raisedBy !== null ? null : v.message,
    note: null,
    hasSnapshot: false,
  };
}

function regulatorEntry(e: TimelineEntry): TimelineEntry {
  if (!e.detail) return e;
  const { note: _note, evidence, ...rest } = e.detail;
  if (evidence === undefined) return { ...e, detail: rest };
  const kept = typeof evidence === 'object' && evidence !== null ? regulatorEvidence(evidence as Evidence) : {};
  return { ...e, detail: { ...rest, evidence: kept } };
}

export function regulatorDetail(d: IncidentDetail): IncidentDetail {
  return { ...regulatorView(d), timeline: d.timeline.map(regulatorEntry) };
}

/** The incident as `user` may read it. */
export function incidentFor<T extends IncidentView>(user: UserView, v: T): T {
  return user.role === 'regulator' ? regulatorView(v) : v;
}

/** An audit entry as `user` may read it: a regulator gets no `note` (closing and alarm notes). */
export function auditFor(user: UserView, e: AuditEntry): AuditEntry {
  if (user.role !== 'regulator' || !e.detail || !('note' in e.detail)) return e;
  const { note: _note, ...detail } = e.detail;
  return { ...e, detail };
}
