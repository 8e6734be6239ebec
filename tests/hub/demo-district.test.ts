/**
 * The demo district of `npm start`: several towns with display names and ~30 institutions,
 * every row marked demo, 30 days of history that coverage and statistics read like a real
 * district's, extended to "now" later without repeating what is stored.
 */
import { describe, expect, it } from 'vitest';
import { coverageReport } from '../../hub/coverage/index.ts';
import { topUpDemoDistrict } from '../../hub/demo-district.ts';
import { createStore } from '../../hub/store/index.ts';

const NOW = Date.parse('2026-12-04T03:30:00Z'); // 11:30 in Keqiao
const keqiao = { kind: 'region' as const, regionId: 'keqiao' };

describe('demo district', () => {
  it('seeds towns and 30 marked institutions with 30 days of history, then only tops it up', async () => {
    const store = await createStore({ sqlitePath: ':memory:' });
    try {
      const first = await topUpDemoDistrict(store, { now: NOW });
      expect(first.institutions).toBe(30);
      expect(first.incidents).toBeGreaterThan(300);
      const institutions = await store.listInstitutions(keqiao);
      expect(institutions).toHaveLength(30);
      expect(institutions.every((i) => i.demo && i.name.startsWith('（演示）') && i.timeZone === 'Asia/Shanghai')).toBe(true);
      const towns = (await store.listRegions(keqiao)).filter((r) => r.kind === 'town');
      expect(towns.length).toBeGreaterThanOrEqual(5);
      expect(towns.every((t) => t.demo && t.name.endsWith('街道') && t.nameEn)).toBe(true);

      const r = await coverageReport(store, keqiao, { from: '2026-11-05', to: '2026-12-04' }, { now: () => NOW });
      expect(r.demo).toBe(true);
      expect(r.trend).toHaveLength(30);
      expect(r.trend.every((d) => d.all.institutions === 30)).toBe(true);
      // A district that mostly works, with the gaps a real one has (a camera unmapped,
      // one unregistered, one without cameras, flaky and slow ones).
      expect(r.targets.all.covered).toBeGreaterThan(10);
      expect(r.targets.all.covered).toBeLessThan(30);
      const codes = new Set(r.institutions.flatMap((i) => i.gaps.flatMap((g) => g.reasons.map((x) => x.code))));
      for (const c of ['camera_unmapped', 'not_registered', 'no_cameras', 'camera_online_share']) expect(codes).toContain(c);
      const stats = await store.incidentStats(keqiao, { from: '2026-11-05', to: '2026-12-04' });
      expect(new Set(stats.byTown.map((t) => t.townId)).size).toBe(towns.length);

      expect(await topUpDemoDistrict(store, { now: NOW })).toMatchObject({ samples: 0, incidents: 0 });
      const later = await topUpDemoDistrict(store, { now: NOW + 2 * 3_600_000 });
      expect(later.samples).toBeGreaterThan(0);
      const today = await coverageReport(store, keqiao, { from: '2026-12-04', to: '2026-12-04' }, { now: () => NOW + 2 * 3_600_000 });
      expect(today.targets.all.covered).toBeGreaterThan(20);
    } finally {
      await store.close();
    }
  });
});
