/**
 * The dashboard in real headless Chromium against a real hub (embedded broker, SQLite in a
 * temp dir) fed by an authenticated edge over MQTT. Screenshots of every page go to
 * test-artifacts/dashboard/ for people to look at.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { buildDashboard } from '../../dashboard/build.ts';
import type { Store } from '../../hub/store/types.ts';
import {
  chromiumAvailable, connectEdge, incidentEvent, lateEffects, launchBrowser, login, openStore, publishIncident, publishStatus,
  pageFactory, seed, snapshotJpeg, startHub, type RunningHub,
} from './harness.ts';

const chromium = chromiumAvailable();
if (!chromium.ok) {
  if (process.env.CI) throw new Error(`dashboard browser tests need Chromium: ${chromium.reason}`);
  console.warn(`skipping dashboard browser tests: ${chromium.reason}`);
}

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
const FALL_ID = `fall-${Date.now().toString(36)}`;
const CROWD_ID = `crowd-${Date.now().toString(36)}`;

describe.skipIf(!chromium.ok)('dashboard in Chromium against a real hub', () => {
  let dataDir: string;
  let dashboardDir: string;
  let store: Store;
  let running: RunningHub;
  let edge: MqttClient;
  let browser: Browser;
  const factory = pageFactory(() => browser, { acceptDownloads: true });
  const pages: Record<'supA' | 'adminA' | 'supB', Page> = {} as never;

  const newPage = async (viewport = { width: 1366, height: 900 }): Promise<Page> => {
    const page = await factory.newPage(viewport);
    page.on('console', (msg) => {
      if (msg.type() === 'warning' || msg.type() === 'error') console.error(`page console ${msg.type()}: ${msg.text()}`);
    });
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    dashboardDir = await buildDashboard();
    dataDir = await mkdtemp(join(tmpdir(), 'anyu-dashboard-'));
    store = await openStore(dataDir);
    await seed(store);
    running = await startHub(store, dataDir, dashboardDir);
    edge = await connectEdge(running.mqttUrl);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await factory.close();
    await browser?.close();
    await edge?.endAsync(true);
    await running?.hub.close();
    await store?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in, in Chinese by default, with navigation for each role and an English switch', async () => {
    const page = await newPage();
    await page.goto(running.url);
    await page.waitForSelector('form.login');
    expect(await page.textContent('button[type=submit]')).toBe('登录');
    await shot(page, '01-login');
    await login(page, running.url, 'admin-a');
    const nav = await page.$$eval('nav.nav a', (as) => as.map((a) => a.getAttribute('data-nav')));
    expect(nav).toEqual(['live', 'incidents', 'cameras', 'charts', 'attendance', 'setup']);
    await page.click('[data-action=lang]');
    await page.waitForSelector('nav.nav a[data-nav=live]:text("Live wall")');
    await page.reload();
    await page.waitForSelector('nav.nav a[data-nav=live]:text("Live wall")');
    await page.click('[data-action=lang]');
    await page.waitForSelector('nav.nav a[data-nav=live]:text("实时告警")');
    pages.adminA = page;

    pages.supA = await newPage();
    await login(pages.supA, running.url, 'sup-a');
    expect(await pages.supA.$$eval('nav.nav a', (as) => as.map((a) => a.getAttribute('data-nav')))).toEqual(['live', 'attendance']);
    pages.supB = await newPage();
    await login(pages.supB, running.url, 'sup-b');
    for (const [name, p] of Object.entries(pages)) {
      await p.waitForSelector('[data-conn=connected]').catch(async (err: Error) => {
        throw new Error(`page ${name} never connected live (data-conn=${await p.getAttribute('[data-conn]', 'data-conn')}): ${err.message}`);
      });
    }
  });

  // The cause of a rare flake of the test above (about one full-suite run in ten, once
  // retried): the header and the wall subscribed to the connection state in an effect, run
  // after the next frame; the socket connected only 8–280 ms after that effect here, and
  // when a starved renderer (or a background tab) ran the effect after the connect, the
  // page said 连接中 for good while incidents flowed. This page runs its effects late on
  // purpose, so the socket always connects first.
  it('shows the live connection as connected even when the page runs its effects late', async () => {
    const page = await newPage();
    await lateEffects(page);
    await login(page, running.url, 'sup-a');
    await page.waitForSelector('[data-conn=connected]', { timeout: 10_000 });
    await page.waitForSelector('.live-wall[data-wall-conn=connected]', { timeout: 10_000 });
    expect(await page.locator('.offline-banner').count()).toBe(0);
  });

  it('shows an incident published over MQTT on the live wall within 1 s, with an alarm until acknowledged', async () => {
    const supA = pages.supA;
    await supA.waitForSelector('.empty-wall');
    const event = incidentEvent(FALL_ID, 'fall', 'critical');
    const jpegBytes = snapshotJpeg();
    const started = Date.now();
    // The edge publishes the incident, then its snapshot; the card must not wait for either PUBACK.
    const published = publishIncident(edge, event, jpegBytes);
    await supA.waitForSelector(`[data-incident="${FALL_ID}"]`, { timeout: 1_000 });
    const elapsedMs = Date.now() - started;
    await published;
    console.info(`publish → live wall card: ${elapsedMs} ms`);
    expect(elapsedMs).toBeLessThan(1_000);
    const card = supA.locator(`[data-incident="${FALL_ID}"]`);
    await expect.poll(() => card.textContent()).toContain('跌倒');
    expect(await card.textContent()).toContain('托小班一');
    expect(await card.textContent()).toContain('活动室东');
    expect(await supA.getAttribute('.live-wall', 'data-alarm')).toBe('on');
    await supA.waitForSelector(`[data-incident="${FALL_ID}"] img[data-snapshot]`, { timeout: 5_000 });
    await shot(supA, '02-live-wall-alarm');
  });

  it('never shows it to a supervisor of another institution', async () => {
    const supB = pages.supB;
    await pages.adminA.waitForSelector(`[data-incident="${FALL_ID}"]`);
    await supB.waitForTimeout(500);
    expect(await supB.locator(`[data-incident="${FALL_ID}"]`).count()).toBe(0);
    const status = await supB.evaluate(async (id) => {
      const token = localStorage.getItem('anyu.token');
      return (await fetch(`/api/incidents/${id}`, { headers: { authorization: `Bearer ${token}` } })).status;
    }, FALL_ID);
    expect(status).toBe(404);
    await shot(supB, '03-live-wall-other-institution');
  });

  it('beeps repeatedly until acknowledged in one click; then the admin sees who acknowledged', async () => {
    const supA = pages.supA;
    // The sound button is the user gesture browsers need before audio may play.
    await supA.click('[data-action=sound]');
    const beepsAt = async () => Number(await supA.getAttribute('.live-wall', 'data-beeps'));
    const before = await beepsAt();
    await supA.waitForFunction((n) => Number(document.querySelector('.live-wall')?.getAttribute('data-beeps')) >= n + 2,
      before, { timeout: 10_000 });

    await supA.click(`[data-incident="${FALL_ID}"] [data-action=ack]`);
    await supA.waitForSelector(`[data-incident="${FALL_ID}"][data-status=acknowledged]`);
    expect(await supA.getAttribute('.live-wall', 'data-alarm')).toBe('off');
    const afterAck = await beepsAt();
    await supA.waitForTimeout(3_000);
    expect(await beepsAt()).toBe(afterAck);
    await pages.adminA.waitForSelector(`[data-incident="${FALL_ID}"] [data-acked-by="sup-a"]`);
    await shot(supA, '04-live-wall-acknowledged');
  });

  it('lists it in the log with who acknowledged, closes it with an outcome, puts it on legal hold, prints a report', async () => {
    const admin = pages.adminA;
    await publishIncident(edge, incidentEvent(CROWD_ID, 'crowding', 'warning'));
    await admin.goto(`${running.url}/#/incidents`);
    const row = admin.locator(`tr[data-incident="${FALL_ID}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator('[data-field=ackBy]').textContent()).toContain('sup-a');
    await admin.locator(`tr[data-incident="${CROWD_ID}"]`).waitFor();
    await shot(admin, '05-incident-log');
    await admin.selectOption('select[name=status]', 'new');
    await admin.click('form.filters button[type=submit]');
    await admin.waitForFunction((id) => document.querySelectorAll('tbody tr[data-incident]').length === 1
      && document.querySelector(`tr[data-incident="${id}"]`) !== null, CROWD_ID);
    await admin.click('form.filters button[type=button]');
    await row.waitFor();

    await row.click();
    await admin.waitForSelector(`.incident-detail[data-incident="${FALL_ID}"]`);
    expect(await admin.textContent('[data-timeline=acknowledged]')).toContain('sup-a');
    await admin.selectOption('select[name=outcome]', 'no_injury');
    await admin.fill('textarea[name=note]', '已检查，幼儿无受伤，家长已知悉');
    await admin.click('[data-action=close]');
    await admin.waitForSelector(`.incident-detail[data-status=closed]`);
    expect(await admin.textContent('[data-timeline=closed]')).toContain('admin-a');
    expect(await admin.textContent('[data-fact=outcome]')).toContain('无受伤');
    // Why the rule fired, from the edge's measurements, in the page's language.
    expect(await admin.textContent('[data-fact=reason]')).toContain('#3 由姿态判定，头部下降 0.62 个身高');
    await admin.click('[data-action=hold]');
    await admin.waitForSelector('.incident-detail .chip.hold');
    await admin.waitForSelector('[data-timeline=legal_hold]');
    await admin.waitForSelector('.incident-detail img[data-snapshot]');
    await shot(admin, '06-incident-detail');
    await admin.emulateMedia({ media: 'print' });
    expect(await admin.isVisible('.report-head')).toBe(true);
    expect(await admin.isVisible('header.topbar')).toBe(false);
    await shot(admin, '07-incident-report-print');
    await admin.emulateMedia({ media: 'screen' });
  });

  it('exports the filtered list as CSV', async () => {
    const admin = pages.adminA;
    await admin.goto(`${running.url}/#/incidents`);
    await admin.selectOption('select[name=kind]', 'fall');
    await admin.click('form.filters button[type=submit]');
    await admin.waitForFunction((id) => document.querySelectorAll('tbody tr[data-incident]').length === 1
      && document.querySelector(`tr[data-incident="${id}"]`) !== null, FALL_ID);
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.click('[data-action=export]')]);
    const csv = (await readFile(await download.path())).toString('utf8').replace(/^\uFEFF/, '');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    const columns = header!.split(',');
    expect(rows).toHaveLength(1);
    const cells = rows[0]!.split(',');
    const field = (name: string) => cells[columns.indexOf(name)];
    expect(field('id')).toBe(FALL_ID);
    expect(field('kind')).toBe('fall');
    expect(field('status')).toBe('closed');
    expect(field('acknowledgedBy')).toBe('sup-a');
    expect(field('outcome')).toBe('no_injury');
    expect(csv).not.toContain(CROWD_ID);
  });

  it('shows camera health, charts and (for a regulator) coverage without snapshots', async () => {
    const admin = pages.adminA;
    await publishStatus(edge);
    await admin.goto(`${running.url}/#/cameras`);
    await admin.waitForSelector('[data-camera="cam-a1"][data-state=online]', { timeout: 5_000 });
    expect(await admin.textContent('[data-camera="cam-a1"] .fps')).toContain('4.8 / 5.0');
    await shot(admin, '08-cameras');
    await admin.goto(`${running.url}/#/charts`);
    await admin.waitForSelector('canvas[data-chart=per-day][data-drawn]');
    await shot(admin, '09-charts');

    const reg = await newPage();
    await login(reg, running.url, 'reg-1');
    expect(await reg.$$eval('nav.nav a', (as) => as.map((a) => a.getAttribute('data-nav')))).toEqual(['coverage', 'charts', 'subsidy', 'setup']);
    await reg.waitForSelector('.coverage .targets');
    for (const inst of ['inst-a', 'inst-b']) await reg.waitForSelector(`tr[data-institution="${inst}"]`);
    await shot(reg, '10-coverage-regulator');
    await reg.goto(`${running.url}/#/charts`);
    await reg.waitForSelector('[data-stat=median]');
    expect(await reg.locator('img[data-snapshot]').count()).toBe(0);
    await reg.click('[data-action=lang]');
    await reg.waitForSelector('h3:text("Incidents per day by kind")');
    await reg.waitForSelector('canvas[data-chart=per-day][data-drawn]');
    await shot(reg, '10b-charts-regulator-english');

    const tablet = await newPage({ width: 820, height: 1180 });
    await login(tablet, running.url, 'sup-a');
    await tablet.waitForSelector(`[data-incident="${CROWD_ID}"]`);
    await shot(tablet, '11-live-wall-tablet');
    const tabletAdmin = await newPage({ width: 820, height: 1180 });
    await login(tabletAdmin, running.url, 'admin-a');
    await tabletAdmin.goto(`${running.url}/#/incidents/${FALL_ID}`);
    await tabletAdmin.waitForSelector('.incident-detail img[data-snapshot]');
    await shot(tabletAdmin, '11b-incident-detail-tablet');
  });

  it('recovers after the hub restarts and shows what it missed', async () => {
    const supA = pages.supA;
    await supA.goto(`${running.url}/#/live`);
    await supA.waitForSelector('[data-conn=connected]');
    const ports = { http: running.httpPort, mqtt: running.mqttPort };
    await running.hub.close();
    await store.close();
    await supA.waitForSelector('[data-conn=disconnected]', { timeout: 5_000 });
    await supA.waitForSelector('.live-wall[data-wall-conn=disconnected] .offline-banner');
    await shot(supA, '12-live-wall-disconnected');

    // While the hub is down another hub of the deployment ingests an incident into the
    // same database; this page must find it after reconnecting.
    const missedId = `missed-${Date.now().toString(36)}`;
    store = await openStore(dataDir);
    const applied = await store.applyIncidentEvent(incidentEvent(missedId, 'unattended', 'critical', { message: '午睡室无成人看护' }));
    expect(applied.outcome).toBe('applied');
    running = await startHub(store, dataDir, dashboardDir, ports);

    await supA.waitForSelector('[data-conn=connected]', { timeout: 15_000 });
    await supA.waitForSelector('.live-wall[data-wall-conn=connected]');
    expect(await supA.locator('.offline-banner').count()).toBe(0);
    await supA.waitForSelector(`[data-incident="${missedId}"] .chip.missed`, { timeout: 10_000 });
    expect(Number(await supA.getAttribute('[data-missed]', 'data-missed'))).toBeGreaterThanOrEqual(1);
    await supA.waitForSelector('.live-wall[data-alarm=on]');

    const afterId = `after-${Date.now().toString(36)}`;
    await publishIncident(edge, incidentEvent(afterId, 'ratio', 'warning'));
    await supA.waitForSelector(`[data-incident="${afterId}"]`, { timeout: 10_000 });
    await shot(supA, '13-live-wall-after-restart');

    // The other institution's supervisor reconnected too, and still sees none of it.
    await pages.supB.waitForSelector('[data-conn=connected]', { timeout: 15_000 });
    expect(await pages.supB.locator('[data-incident]').count()).toBe(0);
  });

  it('pages through a long incident log', async () => {
    const admin = pages.adminA;
    for (let n = 0; n < 26; n++) await publishIncident(edge, incidentEvent(`bulk-${n}-${Date.now().toString(36)}`, 'crowding', 'info'));
    await admin.goto(`${running.url}/#/incidents`);
    await admin.waitForFunction(() => document.querySelectorAll('tbody tr[data-incident]').length === 25);
    const total = await admin.textContent('.pager span');
    expect(total).toMatch(/共 3\d 条/);
    await admin.click('.pager button:text("下一页")');
    await admin.waitForFunction(() => {
      const rows = document.querySelectorAll('tbody tr[data-incident]').length;
      return rows > 0 && rows < 25;
    });
    expect(await admin.textContent('.pager')).toContain('第 2 / 2 页');
    await shot(admin, '14-incident-log-page-2');
  });

  it('the CSP blocked nothing on any page of this suite (no inline script or style, no other origin)', () => {
    expect(factory.cspViolations()).toEqual([]);
  });
});
