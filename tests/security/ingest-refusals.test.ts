/**
 * Attacker suite, what an authenticated edge sends: issue 23 found an edge could rewrite
 * the message, evidence and snapshot of an incident on legal hold, a sibling edge could
 * overwrite another edge's snapshot, and edge times of 1970 and 2099 were taken as they
 * came (an incident resolved "in 2099" was never purged). Through the real broker here.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../hub/auth/passwords.ts';
import { topics } from '../../protocol/index.ts';
import { connectEdge, createTenant, incidentEvent, metricValue, rid, startTestHub, waitFor, type Tenant, type TestHub } from '../hub/hub-helpers.ts';

const JPEG = (fill: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, fill), Buffer.from([0xff, 0xd9])]);

describe('what an edge may not do to stored incidents', () => {
  let th: TestHub;
  let t: Tenant;
  let edge: MqttClient;
  let sibling: MqttClient;
  const siblingId = rid('edge-sibling');
  const ALL = { kind: 'all' } as const;

  beforeAll(async () => {
    th = await startTestHub({ listen: false });
    t = await createTenant(th.store, 'r');
    await th.store.upsertEdge({ id: siblingId, institutionId: t.institutionId, passwordHash: await hashPassword('sibling-password') });
    edge = await connectEdge(th.hub.mqttUrl, t);
    sibling = await connectEdge(th.hub.mqttUrl, { edgeId: siblingId, edgePassword: 'sibling-password' });
  });
  afterAll(async () => {
    await Promise.all([edge?.endAsync(), sibling?.endAsync()]);
    await th?.close();
  });

  const send = (client: MqttClient, edgeId: string, ev: object) =>
    client.publishAsync(topics.incident(t.institutionId, edgeId), JSON.stringify(ev), { qos: 1 });
  const snapshot = (client: MqttClient, edgeId: string, id: string, jpeg: Buffer) =>
    client.publishAsync(topics.snapshot(t.institutionId, edgeId, id), jpeg, { qos: 1 });
  const audit = async (action: string) => (await th.store.listAudit(ALL, 200)).filter((e) => e.action === action);

  it('cannot rewrite an incident on legal hold nor its snapshot; the attempts are audited', async () => {
    const open = incidentEvent(t, { message: 'child fell from the slide', evidence: { confidence: 0.93 } });
    await send(edge, t.edgeId, open);
    await snapshot(edge, t.edgeId, open.id, JPEG(1));
    await th.store.setLegalHold(ALL, open.id, true, 'admin', new Date().toISOString());

    await send(edge, t.edgeId, { ...open, type: 'update', seq: 1, message: 'nothing happened', evidence: { confidence: 0.01 } });
    await snapshot(edge, t.edgeId, open.id, JPEG(2));
    await send(edge, t.edgeId, { ...open, type: 'resolved', seq: 2, at: new Date().toISOString() });

    const d = await th.store.getIncident(ALL, open.id);
    expect(d).toMatchObject({ message: 'child fell from the slide', evidence: { confidence: 0.93 }, active: false, legalHold: true });
    expect(await th.store.getSnapshot(ALL, open.id)).toEqual(JPEG(1));
    expect((await audit('incident.held_change_refused'))[0]).toMatchObject({ actor: `edge:${t.edgeId}`, target: `incident:${open.id}`, detail: { fields: ['message', 'evidence'] } });
    expect((await audit('snapshot.refused')).some((e) => e.target === `incident:${open.id}`)).toBe(true);
    expect(await metricValue(th, 'anyu_ingest_rejected_total', { reason: 'held' })).toBe(1);
  });

  it("a sibling edge of the same institution cannot overwrite another edge's snapshot or incident", async () => {
    const open = incidentEvent(t);
    await send(edge, t.edgeId, open);
    await snapshot(edge, t.edgeId, open.id, JPEG(3));
    await snapshot(sibling, siblingId, open.id, JPEG(4));
    await send(sibling, siblingId, { ...open, edgeId: siblingId, type: 'update', seq: 1, message: 'overwritten' });
    expect(await th.store.getSnapshot(ALL, open.id)).toEqual(JPEG(3));
    expect((await th.store.getIncident(ALL, open.id))?.message).toBe(open.message);
    const refusals = [...(await audit('snapshot.refused')), ...(await audit('incident.refused'))].filter((e) => e.actor === `edge:${siblingId}`);
    expect(refusals.map((e) => e.action).sort()).toEqual(['incident.refused', 'snapshot.refused']);
  });

  it("holds edge times to a window around the hub's clock and counts it", async () => {
    const future = incidentEvent(t, { startedAt: '2099-01-01T00:00:00Z', at: '2099-01-01T00:00:00Z' });
    const past = incidentEvent(t, { startedAt: '1970-01-01T00:00:00Z', at: '1970-01-01T00:00:00Z' });
    const before = Date.now();
    await send(edge, t.edgeId, future);
    await send(edge, t.edgeId, { ...future, type: 'resolved', seq: 1, at: '2099-01-02T00:00:00Z' });
    await send(edge, t.edgeId, past);
    const f = await waitFor('the future incident', async () => (await th.store.getIncident(ALL, future.id)) ?? undefined);
    const p = await waitFor('the past incident', async () => (await th.store.getIncident(ALL, past.id)) ?? undefined);
    expect(Date.parse(f.startedAt)).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    expect(Date.parse(f.resolvedAt!)).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    expect(Date.parse(p.startedAt)).toBeGreaterThanOrEqual(before - th.hub.config.retentionDays * 86_400_000 - 1000);
    expect(await metricValue(th, 'anyu_ingest_clock_clamped_total', { kind: 'incident', direction: 'ahead' })).toBe(4);
    expect(await metricValue(th, 'anyu_ingest_clock_clamped_total', { kind: 'incident', direction: 'behind' })).toBe(2);
    // Resolved "in 2099" no longer escapes retention: a run a retention period later purges it.
    const later = new Date(Date.now() + (th.hub.config.retentionDays + 1) * 86_400_000);
    await th.hub.retention.runOnce(later);
    expect(await th.store.getIncident(ALL, future.id)).toBeNull();
  });
});
