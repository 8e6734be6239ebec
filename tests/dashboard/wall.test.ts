/**
 * The live wall as a new user found it (issue 24), in real Chromium against a real hub:
 * a critical alert published with an older start lands first and the banner leads to it
 * on a phone; cards from another day show their date; rooms are the hub's rooms by name
 * (an edge zone `demo-zone` is no room) and the log filters by them; an ended crowding
 * incident shows the peak that raised it; sentences come from evidence in the reader's
 * language; a snapshot enlarges with its people labelled; the one-button alarm rings on
 * every supervisor's wall of the institution and on no other.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hashPassword } from '../../hub/auth/passwords.ts';
import { INST_A, PASSWORD, ROOM_A, chromiumAvailable, incidentEvent, login, publishIncident, snapshotJpeg, startRig } from './harness.ts';

const chromium = chromiumAvailable();
if (!chromium.ok) {
  if (process.env.CI) throw new Error(`dashboard browser tests need Chromium: ${chromium.reason}`);
  console.warn(`skipping wall browser tests: ${chromium.reason}`);
}

const PHONE = { width: 390, height: 844 };
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

describe.skipIf(!chromium.ok)('live wall order, rooms, evidence sentences and the one-button alarm', () => {
  let rig: Awaited<ReturnType<typeof startRig>>;
  const newPage = (viewport?: { width: number; height: number }) => rig.pages.newPage(viewport);
  const shot = (page: Page, name: string) => rig.pages.shot(page, name);

  beforeAll(async () => {
    rig = await startRig('wall', {
      prepare: async (store) => {
        await store.createUser({ username: 'sup-a2', displayName: '陈老师', role: 'supervisor', institutionId: INST_A, regionId: null, passwordHash: await hashPassword(PASSWORD) });
      },
    });
  }, 120_000);

  // Each test's pages go when it ends: open walls keep animating and beeping, and a dozen
  // of them slowed the next test's sign-ins from ~5 s to ~17 s on this 2-core machine.
  afterEach(async () => rig?.pages.close());
  afterAll(async () => rig?.close());

  it('puts an older critical fall above newer warnings, and the banner leads to it on a phone', async () => {
    for (const n of [1, 2, 3, 4]) {
      await publishIncident(rig.edge, incidentEvent(`warn-${n}`, 'ratio', 'warning', { startedAt: iso(n * 1000), at: iso(n * 1000) }));
    }
    await publishIncident(rig.edge, incidentEvent('old-fall', 'fall', 'critical', { startedAt: iso(3_600_000), at: iso(3_600_000) }));
    // Yesterday's or older: the card shows its date, not only a time.
    await publishIncident(rig.edge, incidentEvent('old-ratio', 'ratio', 'warning', { startedAt: iso(2 * 86_400_000), at: iso(2 * 86_400_000) }));
    const phone = await newPage(PHONE);
    await login(phone, rig.running.url, 'sup-a');
    await phone.waitForSelector('[data-incident="old-ratio"]');
    const order = await phone.$$eval('.cards [data-incident]', (els) => els.map((e) => e.getAttribute('data-incident')));
    expect(order[0]).toBe('old-fall');
    expect(order.slice(1, 5)).toEqual(['warn-1', 'warn-2', 'warn-3', 'warn-4']);
    expect(await phone.textContent('[data-incident="old-ratio"] time')).toMatch(/^\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(await phone.textContent('[data-incident="warn-1"] time')).toMatch(/^\d{2}:\d{2}:\d{2}$/);

    await phone.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect.poll(async () => (await phone.locator('[data-incident="old-fall"]').boundingBox())!.y).toBeLessThan(0);
    await shot(phone, '20-wall-phone-scrolled-critical-banner');
    await phone.click('[data-action=show-critical]');
    // In sight: below the sticky header, within the screen.
    const headerBottom = (await phone.locator('header.topbar').boundingBox())!.height;
    await expect.poll(async () => {
      const box = (await phone.locator('[data-incident="old-fall"]').boundingBox())!;
      return box.y >= headerBottom && box.y < PHONE.height - 100;
    }).toBe(true);
    await shot(phone, '21-wall-phone-critical-shown');
  });

  it('names the hub\'s room, not the edge\'s zone id, and the log filters by that room', async () => {
    // The demo edge's zone `demo-zone` (演示区) lies inside the camera's room 托小班一.
    const crowd = incidentEvent('crowd-zone', 'crowding', 'warning', {
      zoneId: 'demo-zone', zoneName: '演示区', evidence: { counts: { persons: 7, adults: 2, children: 5, unknown: 0 }, peak: { persons: 7, adults: 2, children: 5, unknown: 0 }, limit: 4 },
    });
    await publishIncident(rig.edge, crowd);
    // It ended with 4 in the zone: the card must still say 7 raised it.
    await publishIncident(rig.edge, { ...crowd, type: 'resolved', seq: 1, at: new Date().toISOString(), evidence: { ...crowd.evidence, counts: { persons: 4, adults: 2, children: 2, unknown: 0 } } });
    const sup = await newPage();
    await login(sup, rig.running.url, 'sup-a2');
    const card = sup.locator('[data-incident="crowd-zone"]');
    await expect.poll(() => card.getAttribute('data-status')).toBe('new');
    await expect.poll(() => card.locator('[data-field=summary]').textContent()).toBe('托小班一 · 演示区：7 人（容量 4 人），结束时 4 人');
    expect(await card.locator('[data-field=room]').textContent()).toBe('托小班一 · 演示区');
    expect(await card.textContent()).not.toContain('demo-zone');
    expect(await card.textContent()).not.toMatch(/people|capacity|unknown/);

    const admin = await newPage();
    await login(admin, rig.running.url, 'admin-a');
    await admin.goto(`${rig.running.url}/#/incidents`);
    await admin.selectOption('select[name=roomId]', ROOM_A);
    await admin.click('form.filters button[type=submit]');
    await admin.waitForSelector('tr[data-incident="crowd-zone"]');
    expect(await admin.textContent('tr[data-incident="crowd-zone"] [data-field=room]')).toBe('托小班一 · 演示区');
    await shot(admin, '22-log-filtered-by-room');
  });

  it('enlarges a snapshot with its people labelled in the page language', async () => {
    const ev = incidentEvent('fall-snap', 'fall', 'critical', {
      evidence: { counts: { fallen: 1 }, persons: [{ track: 3, box: [120, 40, 80, 100], score: 0.9, posture: 'lying', age: 'child' }], confidence: 0.9 },
    });
    await publishIncident(rig.edge, ev, snapshotJpeg());
    const sup = await newPage();
    await login(sup, rig.running.url, 'sup-a');
    await sup.waitForSelector('[data-incident="fall-snap"] img[data-snapshot]', { timeout: 10_000 });
    await sup.click('[data-incident="fall-snap"] [data-action=enlarge]');
    await sup.waitForSelector('dialog[data-snapshot-dialog="fall-snap"][open]');
    expect(await sup.textContent('dialog[open] [data-label="3"]')).toBe('#3 幼儿 · 躺');
    const box = (await sup.locator('dialog[open] .snapshot-large img').boundingBox())!;
    expect(box.width).toBeGreaterThan(500);
    await shot(sup, '23-snapshot-enlarged');
    await sup.click('dialog[open] [data-action=close-snapshot]');
    await sup.waitForSelector('dialog[data-snapshot-dialog="fall-snap"]:not([open])', { state: 'attached' });
  });

  it('rings every supervisor\'s wall of the institution at once when one presses the alarm, and no other institution\'s', async () => {
    const [presser, other, admin, stranger] = [await newPage(), await newPage(PHONE), await newPage(), await newPage()];
    await login(presser, rig.running.url, 'sup-a');
    await login(other, rig.running.url, 'sup-a2');
    await login(admin, rig.running.url, 'admin-a');
    await login(stranger, rig.running.url, 'sup-b');
    for (const p of [presser, other, admin, stranger]) await p.waitForSelector('[data-conn=connected]');
    // Acknowledge what is there so the only alarm left is the new one.
    await presser.evaluate(async () => {
      const token = localStorage.getItem('anyu.token');
      const headers = { authorization: `Bearer ${token}` };
      const page = await (await fetch('/api/incidents?status=new&limit=500', { headers })).json();
      for (const i of page.items) await fetch(`/api/incidents/${i.id}/ack`, { method: 'POST', headers });
    });
    await other.waitForSelector('.live-wall[data-alarm=off]');
    await other.click('[data-action=sound]');
    const beepsBefore = Number(await other.getAttribute('.live-wall', 'data-beeps'));

    await presser.selectOption('select[name=alarmRoom]', ROOM_A);
    const started = Date.now();
    await presser.click('[data-action=raise-alarm]');
    const card = '.cards [data-incident^="alarm-"]';
    await other.waitForSelector(card, { timeout: 3_000 });
    console.info(`alarm press → other supervisor's wall: ${Date.now() - started} ms`);
    await other.waitForSelector('.live-wall[data-alarm=on]');
    await other.waitForFunction((n) => Number(document.querySelector('.live-wall')?.getAttribute('data-beeps')) > n, beepsBefore, { timeout: 5_000 });
    expect(await other.textContent(`${card} [data-field=summary]`)).toBe('sup-a 按下一键报警（托小班一）');
    await admin.waitForSelector(card);
    await presser.waitForSelector(card);
    await shot(other, '24-alarm-on-other-supervisor-phone');
    await stranger.waitForTimeout(500);
    expect(await stranger.locator(card).count()).toBe(0);

    // One click acknowledges it everywhere (an alarm has no ongoing condition: it leaves
    // the walls); the detail page says who raised it.
    const id = (await presser.getAttribute(card, 'data-incident'))!;
    await other.click(`${card} [data-action=ack]`);
    await presser.waitForSelector('.live-wall[data-alarm=off]');
    await admin.goto(`${rig.running.url}/#/incidents/${id}`);
    await admin.waitForSelector('[data-timeline=raised]');
    expect(await admin.textContent('[data-timeline=raised]')).toContain('sup-a');
    expect(await admin.textContent('[data-fact=kind]')).toContain('一键报警');
  });

  it('the CSP blocked nothing on any page of this suite (no inline script or style, no other origin)', () => {
    expect(rig.pages.cspViolations()).toEqual([]);
  });
});
