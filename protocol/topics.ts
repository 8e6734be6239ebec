/**
 * MQTT topic contract: `anyu/v1/{institutionId}/{edgeId}/{kind}[/{incidentId}]`.
 * Identifiers are restricted so they can never contain MQTT wildcards or separators.
 */
import { z } from 'zod';

export const TOPIC_ROOT = 'anyu/v1';

/** Ids used in topics: letters, digits, `-`, `_`, `.`; 1–64 characters. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1–64 letters, digits, ".", "_" or "-"');

export type TopicKind = 'incident' | 'status' | 'snapshot' | 'config' | 'config-ack' | 'attendance';

/** What an edge may publish (on its own subtree only); never `config`, which is the hub's. */
export const EDGE_PUBLISH_KINDS: readonly TopicKind[] = ['incident', 'status', 'snapshot', 'attendance', 'config-ack'];
/** What an edge may subscribe to (its own only). */
export const EDGE_SUBSCRIBE_KINDS: readonly TopicKind[] = ['config'];

export const topics = {
  incident: (inst: string, edge: string) => `${TOPIC_ROOT}/${inst}/${edge}/incident`,
  status: (inst: string, edge: string) => `${TOPIC_ROOT}/${inst}/${edge}/status`,
  snapshot: (inst: string, edge: string, incidentId: string) =>
    `${TOPIC_ROOT}/${inst}/${edge}/snapshot/${incidentId}`,
  /** Hub → edge, QoS 1, retained: `EdgeConfig` (protocol/config.ts). */
  config: (inst: string, edge: string) => `${TOPIC_ROOT}/${inst}/${edge}/config`,
  /** Edge → hub, QoS 1: `EdgeConfigAck`. */
  configAck: (inst: string, edge: string) => `${TOPIC_ROOT}/${inst}/${edge}/config-ack`,
  /** Edge → hub, QoS 1, not retained: `AttendanceEvent` (protocol/attendance.ts). */
  attendance: (inst: string, edge: string) => `${TOPIC_ROOT}/${inst}/${edge}/attendance`,
  /** Everything one edge may publish or subscribe to. */
  edgeSubtree: (inst: string, edge: string) => `${TOPIC_ROOT}/${inst}/${edge}/#`,
  /** What a hub subscribes to; with `share` set, an MQTT v5 shared subscription. */
  hubSubscription: (share?: string) =>
    share ? `$share/${share}/${TOPIC_ROOT}/#` : `${TOPIC_ROOT}/#`,
} as const;

/**
 * The MQTT client id an edge must use: the embedded broker refuses any other, so an edge
 * can neither take over another client's session nor kick it offline. A second tool of
 * the same edge (a hand-run `mosquitto_pub`) may add `:` and a suffix; `:` is not allowed
 * in ids, so no other edge's id can look like it.
 */
export const edgeClientId = (edgeId: string, suffix?: string) =>
  suffix === undefined ? `anyu-edge-${edgeId}` : `anyu-edge-${edgeId}:${suffix}`;

export function isEdgeClientId(clientId: string, edgeId: string): boolean {
  const own = edgeClientId(edgeId);
  return clientId === own || (clientId.startsWith(`${own}:`) && clientId.length > own.length + 1);
}

export interface ParsedTopic {
  institutionId: string;
  edgeId: string;
  kind: TopicKind;
  incidentId?: string;
}

/** Parses a topic of the contract; returns null for anything else (never throws). */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length < 5 || parts[0] !== 'anyu' || parts[1] !== 'v1') return null;
  const [, , institutionId, edgeId, kind, incidentId, ...extra] = parts;
  if (extra.length > 0) return null;
  if (!Id.safeParse(institutionId).success || !Id.safeParse(edgeId).success) return null;
  if (kind === 'snapshot') {
    if (!incidentId || !Id.safeParse(incidentId).success) return null;
    return { institutionId: institutionId!, edgeId: edgeId!, kind, incidentId };
  }
  if (incidentId !== undefined) return null;
  if (kind === 'incident' || kind === 'status' || kind === 'config' || kind === 'config-ack' || kind === 'attendance') {
    return { institutionId: institutionId!, edgeId: edgeId!, kind };
  }
  return null;
}
