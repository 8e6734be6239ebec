/** Retention deletes incidents that ended long ago, never legal holds nor active ones. */
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

  it('purges ended incidents older than the retention, keeping legal holds and active ones', async () => {
    const old = '2026-01-01T08:00:00.000Z';
    const make = async (resolve: boolean) => {
      const open = incidentEvent(t, { startedAt: old, at: old });
      await th.store.applyIncidentEvent(open);
      if (resolve) await th.store.applyIncidentEvent({ ...open, type: 'resolved', seq: 1, at: '2026-01-01T08:05:00.000Z' });
      return open.id;
    };
    const ended = await make(true);
    const held = await make(true);
    const active = await make(false);
    await th.store.setLegalHold({ kind: 'all' }, held, true, 'admin', '2026-01-02T00:00:00.000Z');

    expect(await th.hub.retention.runOnce(new Date('2026-01-20T00:00:00.000Z'))).toBe(0);
    expect(await th.hub.retention.runOnce(new Date('2026-03-01T00:00:00.000Z'))).toBe(1);
    expect(await th.store.getIncident({ kind: 'all' }, ended)).toBeNull();
    expect(await th.store.getIncident({ kind: 'all' }, held)).not.toBeNull();
    expect(await th.store.getIncident({ kind: 'all' }, active)).not.toBeNull();
    expect(await metricValue(th, 'anyu_retention_purged_total')).toBe(1);
  });
});
