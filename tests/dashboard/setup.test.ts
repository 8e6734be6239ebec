/**
 * Onboarding through the 管理 / Setup page in real headless Chromium against a real hub:
 * an admin adds a room, registers an edge and reads its one-time MQTT password on the
 * page; a real mqtt.js client signs in with it and reports a camera, which the admin maps
 * to the room; a generated supervisor password signs in; a regulator registers an
 * institution of their region and finds it on the coverage page.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { buildDashboard } from '../../dashboard/build.ts';
import { hashPassword } from '../../hub/auth/passwords.ts';
import type { Store } from '../../hub/store/types.ts';
import {
  INST_A, INST_B, chromiumAvailable, connectEdge, launchBrowser, login, openStore, pageFactory, publishStatus, seed, startHub,
  type RunningHub,
} from './harness.ts';

const chromium = chromiumAvailable();
if (!chromium.ok) {
  if (process.env.CI) throw new Error(`dashboard browser tests need Chromium: ${chromium.reason}`);
  console.warn(`skipping dashboard setup tests: ${chromium.reason}`);
}

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');
const NEW_EDGE = 'edge-new';
/** The id the hub gives it: edges made through the API live in the institution's namespace. */
const NEW_EDGE_ID = `${INST_A}.${NEW_EDGE}`;
/** The login name the hub gives the supervisor made on the page (its institution's namespace). */
const NEW_USER = `sup-new@${INST_A}`;
const NEW_CAMERA = 'cam-new1';
const NEW_ROOM = 'room-new';

describe.skipIf(!chromium.ok)('setup page (onboarding) in Chromium against a real hub', () => {
  let dataDir: string;
  let store: Store;
  let running: RunningHub;
  let browser: Browser;
  const factory = pageFactory(() => browser, {}, (ctx) => ctx.grantPermissions(['clipboard-read', 'clipboard-write']));
  const edges: MqttClient[] = [];
  let admin: Page;
  let edgePassword = '';
  let supervisorPassword = '';

  const newPage = (viewport = { width: 1366, height: 900 }): Promise<Page> => factory.newPage(viewport);
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const text = async (page: Page, selector: string) => (await page.textContent(selector)) ?? '';

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const dashboardDir = await buildDashboard();
    dataDir = await mkdtemp(join(tmpdir(), 'anyu-dashboard-setup-'));
    store = await openStore(dataDir);
    await seed(store);
    // An edge of the other institution: typing its id from institution A makes one of A's own.
    await store.upsertEdge({ id: 'edge-b', institutionId: INST_B, passwordHash: await hashPassword('edge-b-secret-42') });
    running = await startHub(store, dataDir, dashboardDir);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await factory.close();
    await browser?.close();
    for (const e of edges) await e.endAsync(true);
    await running?.hub.close();
    await store?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('an admin creates a room, with field messages from the protocol schema first', async () => {
    admin = await newPage();
    await login(admin, running.url, 'admin-a');
    await admin.click('nav.nav a[data-nav=setup]');
    await admin.waitForSelector('[data-section=rooms] tr[data-room=room-a1]');
    await admin.fill('form[data-form=room] input[name=id]', 'bad id/1');
    await admin.fill('form[data-form=room] input[name=capacity]', 'abc');
    await admin.click('[data-action=save-room]');
    expect(await text(admin, '[data-error-for=id]')).toContain('只能包含字母');
    expect(await text(admin, '[data-error-for=name]')).toBe('必填');
    expect(await text(admin, '[data-error-for=capacity]')).toBe('请输入数字');
    await shot(admin, '20-setup-room-validation');

    await admin.fill('form[data-form=room] input[name=id]', NEW_ROOM);
    await admin.fill('form[data-form=room] input[name=name]', '托大班二');
    await admin.selectOption('form[data-form=room] select[name=classType]', 'toddler_large');
    await admin.fill('form[data-form=room] input[name=capacity]', '20');
    expect(await text(admin, '[data-field=classType] .field-hint')).toContain('每班最多 20 人');
    await admin.click('[data-action=save-room]');
    await admin.waitForSelector(`tr[data-room=${NEW_ROOM}]`);
    expect(await text(admin, `tr[data-room=${NEW_ROOM}]`)).toContain('托大班（24–36 个月）');
    expect(await text(admin, '[data-notice=ok]')).toContain('托大班二');
    await shot(admin, '21-setup-rooms');
  });

  it("registers an edge and shows its MQTT password once; another institution's edge id says nothing about it", async () => {
    await admin.click('[data-tab=edges]');
    await admin.fill('form[data-form=edge] input[name=id]', 'edge-b');
    await admin.click('[data-action=register-edge]');
    await admin.waitForSelector('[data-secret]');
    expect(await text(admin, '[data-secret] h3')).toContain(`${INST_A}.edge-b`);
    expect((await store.getEdge('edge-b'))?.institutionId).toBe(INST_B);
    await admin.click('[data-action=secret-done]');

    await admin.fill('form[data-form=edge] input[name=id]', NEW_EDGE);
    await admin.click('[data-action=register-edge]');
    await admin.waitForSelector('[data-secret]');
    expect(await text(admin, '[data-once-warning]')).toContain('只显示这一次');
    edgePassword = await admin.inputValue('[data-secret-value]');
    expect(edgePassword.length).toBeGreaterThanOrEqual(20);
    await admin.click('[data-secret] [data-action=copy]');
    await admin.waitForSelector('[data-secret] [data-action=copy]:text("已复制")');
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(edgePassword);
    await shot(admin, '22-setup-edge-password-once');
    await admin.click('[data-action=secret-done]');
    expect(await admin.locator('[data-secret]').count()).toBe(0);
  });

  it('the edge signs in with that password, reports a camera, and the admin maps it to the room', async () => {
    const edge = await connectEdge(running.mqttUrl, NEW_EDGE_ID, edgePassword);
    edges.push(edge);
    await admin.click('[data-tab=cameras]');
    await publishStatus(edge, { expectedFps: 5, deliveredFps: 7.6 },
      { institutionId: INST_A, edgeId: NEW_EDGE_ID, cameraId: NEW_CAMERA, cameraName: '午睡室西' });
    const row = admin.locator(`tr[data-camera-row=${NEW_CAMERA}]`);
    await row.waitFor({ timeout: 5_000 });
    await row.locator('input[name=expectedFps]').fill('0');
    await row.locator('[data-action=save-camera]').click();
    expect(await row.locator('[data-error-for=expectedFps]').textContent()).toBe('必须大于 0');
    await row.locator('select[name=roomId]').selectOption(NEW_ROOM);
    await row.locator('input[name=expectedFps]').fill('8');
    await row.locator('[data-action=save-camera]').click();
    await row.locator('[data-notice=ok]').waitFor();
    await shot(admin, '23-setup-cameras-mapped');

    await admin.click('nav.nav a[data-nav=cameras]');
    const card = admin.locator(`[data-camera=${NEW_CAMERA}]`);
    await card.waitFor();
    await expect.poll(() => card.textContent()).toContain('托大班二');
    expect(await card.locator('.fps').textContent()).toContain('/ 8.0');
    await shot(admin, '24-cameras-with-new-room');
  });

  it('rotates the edge password after a confirmation: the old one is refused, the new one signs in', async () => {
    await admin.click('nav.nav a[data-nav=setup]');
    await admin.click('[data-tab=edges]');
    // The short name the admin typed at first is the same edge: rotating it asks first too.
    await admin.fill('form[data-form=edge] input[name=id]', NEW_EDGE);
    await admin.click('[data-action=register-edge]');
    await admin.waitForSelector(`[data-confirm-rotate="${NEW_EDGE_ID}"]`);
    expect(await admin.locator('[data-secret]').count()).toBe(0);
    await admin.click('[data-confirm-rotate] button[type=button]');
    await admin.click(`[data-known-edge="${NEW_EDGE_ID}"]`);
    await admin.click('[data-action=register-edge]');
    await admin.waitForSelector(`[data-confirm-rotate="${NEW_EDGE_ID}"]`);
    expect(await admin.locator('[data-secret]').count()).toBe(0);
    await shot(admin, '23b-setup-edge-rotate-confirm');
    await admin.click('[data-action=confirm-rotate]');
    await admin.waitForSelector('[data-secret]');
    expect(await text(admin, '[data-secret] h3')).toContain('已更换');
    const rotated = await admin.inputValue('[data-secret-value]');
    expect(rotated).not.toBe(edgePassword);
    // The broker dropped the running client; stop it retrying with the old password.
    await edges.shift()?.endAsync(true);
    await expect(mqtt.connectAsync(running.mqttUrl, { username: NEW_EDGE_ID, password: edgePassword, reconnectPeriod: 0 }))
      .rejects.toThrow(/not authori[sz]ed|bad user ?name or password/i);
    const renewed = await connectEdge(running.mqttUrl, NEW_EDGE_ID, rotated);
    edges.push(renewed);
    expect(renewed.connected).toBe(true);

    const tablet = await newPage({ width: 820, height: 1180 });
    await login(tablet, running.url, 'admin-a');
    await tablet.click('nav.nav a[data-nav=setup]');
    await tablet.click('[data-tab=cameras]');
    await tablet.waitForSelector(`tr[data-camera-row=${NEW_CAMERA}]`);
    await shot(tablet, '23c-setup-cameras-tablet');
    await tablet.click('[data-tab=rooms]');
    await tablet.waitForSelector(`tr[data-room=${NEW_ROOM}]`);
    await shot(tablet, '23d-setup-rooms-tablet');
    await tablet.click('[data-action=lang]');
    await tablet.click('[data-tab=edges]');
    await tablet.waitForSelector('[data-action=register-edge]:text("Register / rotate password")');
    await shot(tablet, '23e-setup-edges-tablet-english');
  });

  it('creates a supervisor whose generated password signs in; a name the institution has answers 409', async () => {
    await admin.click('nav.nav a[data-nav=setup]');
    await admin.click('[data-tab=users]');
    await admin.fill('form[data-form=user] input[name=username]', 'x');
    await admin.fill('form[data-form=user] input[name=password]', 'short');
    await admin.click('[data-action=create-user]');
    expect(await text(admin, '[data-error-for=username]')).toContain('3–64');
    expect(await text(admin, '[data-error-for=password]')).toBe('至少 12 个字符');
    // sup-a is a user of institution A made before names were namespaced: typing it makes
    // sup-a@inst-a, which is free. Only a name the institution already has answers 409.
    await admin.fill('form[data-form=user] input[name=username]', 'sup-new');
    await admin.fill('form[data-form=user] input[name=displayName]', '陈老师');
    await admin.fill('form[data-form=user] input[name=password]', '');
    await admin.click('[data-action=create-user]');
    await admin.waitForSelector('[data-secret]');
    supervisorPassword = await admin.inputValue('[data-secret-value]');
    expect(await text(admin, `[data-created-user="${NEW_USER}"]`)).toContain('保育主管');
    await shot(admin, '25-setup-user-password-once');
    await admin.click('[data-action=secret-done]');

    await admin.fill('form[data-form=user] input[name=username]', 'sup-new');
    await admin.fill('form[data-form=user] input[name=displayName]', '重名老师');
    await admin.click('[data-action=create-user]');
    await admin.waitForSelector('[data-notice=error]');
    expect(await text(admin, '[data-notice=error]')).toContain('用户名 sup-new 已被占用');

    const sup = await newPage({ width: 820, height: 1180 });
    await login(sup, running.url, NEW_USER, supervisorPassword);
    expect(await sup.$$eval('nav.nav a', (as) => as.map((a) => a.getAttribute('data-nav')))).toEqual(['live', 'attendance']);
    await sup.goto(`${running.url}/#/setup`);
    await sup.waitForSelector('.live-wall');
    expect(await sup.locator('[data-page=setup]').count()).toBe(0);
    await shot(sup, '26-supervisor-no-setup');
  });

  it('a regulator registers an institution of their region (and is refused outside it), then sees it on coverage', async () => {
    const reg = await newPage();
    await login(reg, running.url, 'reg-1');
    await reg.click('nav.nav a[data-nav=setup]');
    await reg.waitForSelector(`tr[data-institution-row=${INST_A}]`);
    expect(await reg.inputValue('form[data-form=institution] input[name=districtId]')).toBe('district-1');
    const fill = async (id: string, name: string, town: string, district: string) => {
      await reg.fill('input[name=id]', id);
      await reg.fill('input[name=name]', name);
      await reg.selectOption('select[name=level]', 'level1');
      await reg.fill('input[name=townId]', town);
      await reg.fill('input[name=districtId]', district);
      await reg.click('[data-action=register-institution]');
    };
    await fill('inst-far', '远方托育园', 'town-9', 'district-9');
    await reg.waitForSelector('[data-notice=error]');
    expect(await text(reg, '[data-notice=error]')).toContain('不在你的辖区内');
    await fill('inst-c', '彩虹托育中心', 'town-2', 'district-1');
    await reg.waitForSelector('tr[data-institution-row=inst-c]');
    expect(await text(reg, 'tr[data-institution-row=inst-c]')).toContain('一级');
    expect(await text(reg, '[data-notice=ok]')).toContain('彩虹托育中心');
    await shot(reg, '27-setup-institutions-regulator');

    await reg.click('nav.nav a[data-nav=coverage]');
    await reg.waitForSelector('tr[data-institution=inst-c]');
    expect(await text(reg, 'tr[data-institution=inst-c]')).toContain('彩虹托育中心');
    await shot(reg, '28-coverage-new-institution');

    await reg.click('[data-action=lang]');
    await reg.click('nav.nav a[data-nav=setup]');
    await fill('', '', 'town-2', 'district-1');
    expect(await text(reg, '[data-error-for=id]')).toBe('Required');
    expect(await text(reg, '[data-notice=error]')).toContain('Fix the fields');
    await shot(reg, '29-setup-institutions-english-validation');

    // Editing keeps the id and sends the registered flag as shown (not the schema default).
    await reg.click('tr[data-institution-row=inst-c] [data-action=edit-institution]');
    expect(await reg.getAttribute('form[data-form=institution] input[name=id]', 'readonly')).not.toBeNull();
    await reg.uncheck('input[name=registered]');
    await reg.click('[data-action=register-institution]');
    await reg.waitForSelector('[data-notice=ok]');
    expect(await text(reg, '[data-notice=ok]')).toContain('Institution 彩虹托育中心 updated');
    await expect.poll(() => text(reg, 'tr[data-institution-row=inst-c] td:nth-child(6)')).toBe('–');
    expect(await text(reg, 'tr[data-institution-row=inst-a] td:nth-child(6)')).toBe('✓');
    await shot(reg, '29b-setup-institution-unregistered');
  });

  it('the CSP blocked nothing on any page of this suite (no inline script or style, no other origin)', () => {
    expect(factory.cspViolations()).toEqual([]);
  });
});
