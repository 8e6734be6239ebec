/**
 * The regulator's district port and time zones, in real Chromium against a real hub.
 *
 * Time zones: the hub process runs in UTC (TZ=UTC) with its clock faked to 18:30 UTC on
 * 3 December, which is already 02:30 on 4 December in Keqiao (Asia/Shanghai, the
 * institutions' zone), and the browser runs in Los Angeles (10:30 on 3 December). Every
 * date the pages show or ask for must be the institutions' date; the old dashboard built
 * its range from UTC dates and never showed "today" in China between 00:00 and 08:00.
 *
 * District: the demo district (6 towns, 30 institutions marked demo, 30 days of history)
 * beside the live demo centre: targets, trend, groups, a sortable table, drill-down to one
 * institution's days and cameras, incident counts by kind and town, CSV export, names of
 * towns and levels in both languages.
 */
// The hub's own zone, different from both the institutions' and the browser's. Set before
// anything reads the clock: Node applies a changed TZ to later Date calls.
process.env.TZ = 'UTC';

import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { topUpDemoDistrict } from '../../hub/demo-district.ts';
import { hashPassword } from '../../hub/auth/passwords.ts';
import { CAMERA_A, EDGE_A, INST_A, PASSWORD, chromiumAvailable, incidentEvent, login, startRig } from './harness.ts';

const chromium = chromiumAvailable();
if (!chromium.ok) {
  if (process.env.CI) throw new Error(`dashboard browser tests need Chromium: ${chromium.reason}`);
  console.warn(`skipping district browser tests: ${chromium.reason}`);
}

/** 18:30 UTC on 3 December = 02:30 on 4 December in Asia/Shanghai = 10:30 on 3 December in Los Angeles. */
const NOW = Date.parse('2026-12-03T18:30:00Z');
const SIZES = { desktop: { width: 1366, height: 768 }, tablet: { width: 768, height: 1024 }, phone: { width: 390, height: 844 } } as const;

describe.skipIf(!chromium.ok)('district port and time zones in Chromium against a real hub', () => {
  let rig: Awaited<ReturnType<typeof startRig>>;
  const newPage = (viewport?: { width: number; height: number }) => rig.pages.newPage(viewport);
  const shot = (page: Page, name: string) => rig.pages.shot(page, name);
  const url = () => rig.running.url;

  beforeAll(async () => {
    rig = await startRig('district', {
      async prepare(store) {
        // Institution A (Asia/Shanghai by default) reported all along, up to the hub's "now".
        await store.importCameraSamples([{ institutionId: INST_A, edgeId: EDGE_A, cameraId: CAMERA_A, at: '2026-10-25T00:00:00.000Z', lastAt: new Date(NOW - 5_000).toISOString(), state: 'online', expectedFps: 5, analysedFps: 4.6 }]);
        // A fall at 02:00 on 4 December in Keqiao (18:00 UTC on the 3rd).
        await store.applyIncidentEvent(incidentEvent('fall-early', 'fall', 'critical', { startedAt: '2026-12-03T18:00:00.000Z', at: '2026-12-03T18:00:00.000Z' }));
        await topUpDemoDistrict(store, { now: NOW });
        await store.createUser({ username: 'reg-kq', displayName: '柯桥区卫健局', role: 'regulator', institutionId: null, regionId: 'keqiao', passwordHash: await hashPassword(PASSWORD) });
      },
      hub: { now: () => NOW },
      context: { timezoneId: 'America/Los_Angeles', acceptDownloads: true },
      prepareContext: (ctx) => ctx.clock.setFixedTime(NOW),
    });
  }, 120_000);

  // Each test's pages go when it ends (open live walls keep animating and slow what follows).
  afterEach(async () => rig?.pages.close());
  afterAll(async () => rig?.close());

  it('runs where the dates differ: hub in UTC on the 3rd, browser in Los Angeles on the 3rd, Keqiao on the 4th', async () => {
    expect(new Date(NOW).getDate()).toBe(3);
    const page = await newPage();
    await page.goto(url());
    expect(await page.evaluate(() => [new Date().getDate(), Intl.DateTimeFormat().resolvedOptions().timeZone])).toEqual([3, 'America/Los_Angeles']);
  });

  it('shows the institutions\' today (4 December) as covered to a regulator, with dates in Asia/Shanghai', async () => {
    const reg = await newPage();
    await login(reg, url(), 'reg-1');
    await reg.waitForSelector('.coverage .targets');
    expect(await reg.inputValue('input[name=to]')).toBe('2026-12-04');
    expect(await reg.inputValue('input[name=from]')).toBe('2026-11-05');
    expect(await reg.getAttribute('[data-time-zone]', 'data-time-zone')).toBe('Asia/Shanghai');
    expect(await reg.textContent(`tr[data-institution="${INST_A}"] [data-field=share]`)).toBe('100.0 %');
    await reg.click(`tr[data-institution="${INST_A}"] a`);
    await reg.waitForSelector('[data-table=days] tr[data-day="2026-12-04"]');
    expect(await reg.getAttribute('tr[data-day="2026-12-04"]', 'data-covered')).toBe('yes');
    await shot(reg, '30-coverage-timezones-regulator');
  });

  it('files an incident at 02:00 Keqiao time under 4 December, and shows its time there', async () => {
    const admin = await newPage();
    await login(admin, url(), 'admin-a');
    await admin.goto(`${url()}/#/incidents`);
    const row = admin.locator('tr[data-incident="fall-early"]');
    await row.waitFor();
    expect(await row.locator('td').first().textContent()).toBe('2026/12/04 02:00:00');
    await admin.goto(`${url()}/#/charts`);
    await admin.waitForSelector('canvas[data-chart=per-day][data-drawn]');
    expect(await admin.inputValue('input[name=to]')).toBe('2026-12-04');
    const stats = await admin.evaluate(async () => {
      const token = localStorage.getItem('anyu.token');
      return (await fetch('/api/stats?from=2026-12-04&to=2026-12-04', { headers: { authorization: `Bearer ${token}` } })).json();
    });
    expect(stats).toMatchObject({ perDay: [{ date: '2026-12-04', kind: 'fall', count: 1 }], timeZones: ['Asia/Shanghai'] });
  });

  it('gives a district regulator indicator 16 with its trend, groups by level and named towns, and marks demo data', async () => {
    const reg = await newPage();
    await login(reg, url(), 'reg-kq');
    await reg.waitForSelector('[data-table=institutions] tr[data-institution="demo-d01"]');
    await reg.waitForSelector('canvas[data-chart=coverage-trend][data-drawn]');
    expect(await reg.locator('[data-table=institutions] tbody tr').count()).toBe(30);
    expect(await reg.textContent('[data-demo-banner]')).toContain('演示');
    expect(await reg.locator('[data-table=institutions] [data-demo]').count()).toBe(30);
    const towns = await reg.locator('[data-section=by-town] tr td:first-child').allTextContents();
    expect(towns).toContain('柯桥街道');
    expect(towns.every((x) => x.endsWith('街道'))).toBe(true);
    expect(await reg.locator('[data-section=by-level] tr td:first-child').allTextContents()).toContain('二级');
    await reg.waitForSelector('[data-section=incident-stats] tr[data-town="keqiao-hs"]');
    expect(await reg.textContent('[data-section=incident-stats]')).toContain('区域超员');
    expect(await reg.locator('img[data-snapshot]').count()).toBe(0);
    await shot(reg, '31-district-overview-regulator');

    // Sort by coverage, lowest first, then highest first.
    const shares = async () => (await reg.locator('[data-table=institutions] [data-field=share]').allTextContents()).map((s) => Number.parseFloat(s));
    await reg.click('button[data-sort=share]');
    const desc = await shares();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    await reg.click('button[data-sort=share]');
    const asc = await shares();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(asc[0]).toBeLessThan(asc.at(-1)!);
  });

  it('drills down to one institution: every day with its reasons in words, and its cameras', async () => {
    const reg = await newPage();
    await login(reg, url(), 'reg-kq');
    await reg.goto(`${url()}/#/coverage/demo-d08`);
    await reg.waitForSelector('[data-table=days] tr[data-day="2026-12-04"]');
    expect(await reg.locator('[data-table=days] tr').count()).toBe(30);
    // demo-d08 has a camera its admin never mapped to a room: every day says so.
    expect(await reg.textContent('[data-table=days] tr[data-day="2026-11-20"] [data-reason=camera_unmapped]')).toMatch(/摄像头 .+ 未分配到房间/);
    expect(await reg.locator('[data-table=cameras] tr').count()).toBeGreaterThan(0);
    await shot(reg, '32-district-drilldown-regulator');
  });

  it('exports the coverage of the period as CSV, in the reader\'s language, demo rows marked', async () => {
    const reg = await newPage();
    await login(reg, url(), 'reg-kq');
    await reg.waitForSelector('[data-table=institutions] tr[data-institution="demo-d01"]');
    const [download] = await Promise.all([reg.waitForEvent('download'), reg.click('[data-action=export-coverage]')]);
    const csv = (await readFile(await download.path())).toString('utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toContain('机构名称');
    expect(lines).toHaveLength(31);
    expect(lines.find((l) => l.startsWith('demo-d08,'))).toMatch(/camera_unmapped/);
    expect(lines.filter((l) => l.endsWith(',是'))).toHaveLength(30);

    await reg.click('[data-action=lang]');
    await reg.waitForSelector('[data-section=by-town] td:text("Keqiao Subdistrict")');
    const [english] = await Promise.all([reg.waitForEvent('download'), reg.click('[data-action=export-coverage]')]);
    const header = (await readFile(await english.path())).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0];
    expect(header).toContain('institution');
    await shot(reg, '33-district-overview-regulator-english');
  });

  for (const [size, viewport] of Object.entries(SIZES)) {
    it(`lays the district port out at ${viewport.width}×${viewport.height}`, async () => {
      for (const locale of ['zh-CN', 'en']) {
        const reg = await newPage(viewport);
        await login(reg, url(), 'reg-kq');
        if (locale === 'en') await reg.click('[data-action=lang]');
        await reg.waitForSelector('canvas[data-chart=coverage-trend][data-drawn]');
        // Nothing wider than the screen but the scrolling table.
        const overflow = await reg.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `horizontal overflow at ${size} ${locale}`).toBeLessThanOrEqual(1);
        await shot(reg, `34-district-${size}-${locale}`);
      }
    });
  }

  it('the CSP blocked nothing on any page of this suite (no inline script or style, no other origin)', () => {
    expect(rig.pages.cspViolations()).toEqual([]);
  });
});
