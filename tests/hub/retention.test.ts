/** Retention deletes incidents idle for the retention period by the hub's clock, never legal holds, and audits it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, incidentEvent, metricValue, startTestHub, type Tenant, type TestHub } from './hub-helpers.ts';

describe('retention', () => {
  let th: TestHub;
  let t: Tenant;
  beforeAll(async () => {
    th = await startTestHub({ listen: false, retentionDays: 30 });
    t = await createTenant(th.store, 'ret');
  });
  afterAll(async () => th?.close());

  it('purges incidents idle longer than the retention, keeping legal holds, and audits the purge', async () => {
    const old = '2026-01-01T08:00:00.000Z';
    const make = async (resolve: boolean) => {
      const open = incidentEvent(t, { startedAt: old, at: old });
      await th.store.applyIncidentEvent(open, old);
      if (resolve) await th.store.applyIncidentEvent({ ...open, type: 'resolved', seq: 1, at: '2026-01-01T08:05:00.000Z' }, '2026-01-01T08:05:00.000Z');
      return open.id;
    };
    const ended = await make(true);
    const held = await make(true);
    const abandoned = await make(false);
    await th.store.setLegalHold({ kind: 'all' }, held, true, 'admin', '2026-01-02T00:00:00.000Z');

    expect(await th.hub.retention.runOnce(new Date('2026-01-20T00:00:00.000Z'))).toBe(0);
    expect(await th.hub.retention.runOnce(new Date('2026-03-01T00:00:00.000Z'))).toBe(2);
    expect(await th.store.getIncident({ kind: 'all' }, ended)).toBeNull();
    expect(await th.store.getIncident({ kind: 'all' }, abandoned)).toBeNull();
    expect(await th.store.getIncident({ kind: 'all' }, held)).not.toBeNull();
    expect(await metricValue(th, 'anyu_retention_purged_total')).toBe(2);
    const audit = await th.store.listAudit({ kind: 'institution', institutionId: t.institutionId }, 10);
    const entry = audit.find((a) => a.action === 'retention.purge');
    expect(entry).toMatchObject({ actor: 'retention', institutionId: t.institutionId, detail: { count: 2, retentionDays: 30 } });
    expect((entry?.detail?.['ids'] as string[]).sort()).toEqual([ended, abandoned].sort());
  });

  it('keeps ended incidents 90 days by default, as the README says', async () => {
    const plain = await startTestHub({ listen: false });
    expect(plain.hub.config.retentionDays).toBe(90);
    await plain.close();
  });
});
