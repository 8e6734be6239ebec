/**
 * No untranslated string on any page, for every role, in both languages: each page's
 * visible text (and titles, placeholders, alt texts) is read in real Chromium; names that
 * are data (people, rooms, cameras, institutions, towns, usernames) and parts marked
 * `translate="no"` (ids, technical detail, the other language's name) are set aside; what
 * is left must be Chinese in the Chinese UI and free of Chinese in the English one. The
 * incidents on the pages cover every kind, with the edge's English messages and reasons
 * that the old UI showed as they were. Screenshots of every role's pages at 1366×768,
 * 768×1024 and 390×844 in both languages go to test-artifacts/dashboard/.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hashPassword } from '../../hub/auth/passwords.ts';
import { ARTIFACTS, INST_A, PASSWORD, chromiumAvailable, incidentEvent, login, publishIncident, publishStatus, snapshotJpeg, startRig } from './harness.ts';

const chromium = chromiumAvailable();
if (!chromium.ok) {
  if (process.env.CI) throw new Error(`dashboard browser tests need Chromium: ${chromium.reason}`);
  console.warn(`skipping i18n browser tests: ${chromium.reason}`);
}

const SIZES = { desktop: { width: 1366, height: 768 }, tablet: { width: 768, height: 1024 }, phone: { width: 390, height: 844 } } as const;
/** Latin words a Chinese UI may show: names of formats and protocols. */
const LATIN_OK = new Set(['CSV', 'MQTT', 'fps', 'FPS', 'JSON']);

type Role = 'supervisor' | 'admin' | 'regulator';
const USERS: Record<Role, string> = { supervisor: 'sup-a', admin: 'admin-a', regulator: 'reg-1' };
const PAGES: Record<Role, string[]> = {
  supervisor: ['#/live', '#/attendance'],
  admin: ['#/live', '#/incidents', '#/incidents/i18n-fall', '#/incidents/i18n-offline', '#/cameras', '#/charts', '#/setup', '#/attendance'],
  regulator: ['#/coverage', `#/coverage/${INST_A}`, '#/charts', '#/setup', '#/subsidy'],
};

/** Visible text of the page outside `translate="no"`, one entry per text node or attribute. */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const skip = (el: Element | null) => !el || el.closest('[translate=no], script, style, noscript, dialog:not([open])') !== null;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const text = node.textContent?.trim();
      if (text && !skip(node.parentElement)) out.push(text);
    }
    for (const el of document.querySelectorAll('[title], [placeholder], [alt], [aria-label]')) {
      if (skip(el)) continue;
      for (const a of ['title', 'placeholder', 'alt', 'aria-label']) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push(v);
      }
    }
    for (const o of document.querySelectorAll('option')) if (!skip(o.parentElement)) out.push(o.textContent?.trim() ?? '');
    return out;
  });
}

describe.skipIf(!chromium.ok)('every page in both languages, for every role', () => {
  let rig: Awaited<ReturnType<typeof startRig>>;
  let dataNames: string[] = [];
  const newPage = (viewport: { width: number; height: number }) => rig.pages.newPage(viewport);

  beforeAll(async () => {
    rig = await startRig('i18n', {
      prepare: async (store) => {
        await store.upsertRegion({ id: 'district-1', kind: 'district', name: '柯桥区', nameEn: 'Keqiao District', parentId: null, demo: false });
        await store.upsertRegion({ id: 'town-1', kind: 'town', name: '柯桥街道', nameEn: 'Keqiao Subdistrict', parentId: 'district-1', demo: false });
        // Attendance: children (names are data), approved places, a face proposal to confirm.
        const now = new Date().toISOString();
        for (const [i, name] of ['小明', '小红'].entries()) {
          await store.attendance.saveChild({ kind: 'all' }, { institutionId: INST_A, id: `kid-${i}`, name, birthMonth: '2025-01', classType: 'toddler_small', roomId: 'room-a1', enrolledFrom: '2026-01-01', enrolledTo: null, guardians: [{ name: `${name}妈妈` }] }, now);
        }
        await store.attendance.setPlaces({ kind: 'all' }, INST_A, { toddler_small: 15 });
        // Guardian port: a guardian of 小明 (kid-0), a notice.
        await store.createUser({ username: 'parent-a', displayName: '小明妈妈', role: 'guardian', institutionId: INST_A, regionId: null, passwordHash: await hashPassword(PASSWORD) });
        await store.guardian.createInvite('i18n-invite', { institutionId: INST_A, childId: 'kid-0', guardianN: 0, createdBy: 'admin-a', createdAt: now, expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
        await store.guardian.redeemInviteFor('i18n-invite', (await store.getUserByUsername('parent-a'))!.id, INST_A, now);
        await store.guardian.postNotice({ id: 'i18n-notice', institutionId: INST_A, title: '停水通知', body: '周五上午停水。', postedBy: 'admin-a', postedAt: now });
        await store.attendance.recordEvent({ institutionId: INST_A, childId: 'kid-0', edgeId: null, eventId: 'i18n-staff', direction: 'in', at: now, source: 'staff', confidence: 1, needsConfirm: false, recordedBy: 'sup-a', receivedAt: now });
        await store.attendance.recordEvent({ institutionId: INST_A, childId: 'kid-1', edgeId: 'edge-a', eventId: 'i18n-face', direction: 'in', at: now, source: 'face', confidence: 0.6, needsConfirm: true, recordedBy: null, receivedAt: now });
      },
    });
    const { store, edge } = rig;
    await publishStatus(edge);
    // Every kind, with what the edge writes in English (messages, reasons) that must not show.
    const counts = { persons: 7, adults: 1, children: 5, unknown: 1 };
    const events = [
      incidentEvent('i18n-fall', 'fall', 'critical', { message: '1 person(s) fell and did not get up' }),
      incidentEvent('i18n-crowd', 'crowding', 'warning', { zoneId: 'demo-zone', zoneName: '演示区', message: '7 people in demo zone (capacity 4)', evidence: { counts, peak: counts, limit: 4 } }),
      incidentEvent('i18n-ratio', 'ratio', 'warning', { message: '1 adult(s) for 5 child(ren)', evidence: { counts, limit: 5 } }),
      incidentEvent('i18n-alone', 'unattended', 'critical', { message: '5 child(ren) without an adult', evidence: { counts: { persons: 5, adults: 0, children: 5, unknown: 0 } } }),
      incidentEvent('i18n-offline', 'camera_offline', 'critical', { zoneId: null, message: 'camera is offline', evidence: { reason: 'rtsp://10.0.0.5/sub: Connection refused' } }),
      incidentEvent('i18n-tamper', 'camera_tamper', 'critical', { zoneId: null, message: 'view is uniform (lens covered)', evidence: { reason: 'covered: mean 80.0, std 2.0, sharpness 1.0', tamper: 'covered' } }),
    ];
    for (const ev of events) await publishIncident(edge, ev, ev.kind === 'fall' ? snapshotJpeg() : null);
    // An incident closed and linked to the guardian's child.
    await store.guardian.linkIncident(INST_A, 'i18n-ratio', ['kid-0'], 'admin-a', new Date().toISOString());
    await store.close({ kind: 'all' }, 'i18n-ratio', 'admin-a', new Date().toISOString(), 'no_injury', '已调配老师');
    await store.raiseAlarm({ kind: 'institution', institutionId: INST_A }, { id: 'i18n-alarm', institutionId: INST_A, roomId: null, by: 'sup-a', at: new Date().toISOString(), note: '' });
    // Names that are data, not UI: shown as they are stored in either language.
    const rooms = await store.listRooms({ kind: 'all' });
    const cams = await store.listCameras({ kind: 'all' });
    const insts = await store.listInstitutions({ kind: 'all' });
    dataNames = [
      ...rooms.map((r) => r.name), ...cams.map((c) => c.name), ...insts.map((i) => i.name), '演示区',
      '王老师', '李园长', '赵老师', '区卫健局', 'sup-a', 'admin-a', 'reg-1', '柯桥街道', '柯桥区', '小明妈妈', '小红妈妈', '小明', '小红', '停水通知', '周五上午停水。', '已调配老师', 'parent-a',
    ].sort((a, b) => b.length - a.length);
  }, 120_000);

  // Each test's pages go when it ends (open live walls keep animating and slow what follows).
  afterEach(async () => rig?.pages.close());
  afterAll(async () => rig?.close());

  const leftovers = (texts: string[], lang: 'zh-CN' | 'en'): string[] => {
    const bad: string[] = [];
    for (const raw of texts) {
      let text = raw;
      for (const name of dataNames) text = text.split(name).join(' ');
      if (lang === 'en') {
        if (/[\u3400-\u9fff]/.test(text)) bad.push(raw);
      } else {
        const words = text.match(/[A-Za-z]{2,}/g) ?? [];
        if (words.some((w) => !LATIN_OK.has(w))) bad.push(raw);
      }
    }
    return [...new Set(bad)];
  };

  for (const role of Object.keys(USERS) as Role[]) {
    it(`shows a ${role} no untranslated string on any page, in Chinese or in English`, async () => {
      const page = await newPage(SIZES.desktop);
      await login(page, rig.running.url, USERS[role]);
      for (const lang of ['zh-CN', 'en'] as const) {
        if (lang === 'en') await page.click('[data-action=lang]');
        for (const hash of PAGES[role]) {
          await page.goto(`${rig.running.url}/${hash}`);
          await page.waitForSelector('main.content > *');
          // Let the page's data arrive (cards, rows, charts) before reading it.
          await page.waitForLoadState('networkidle');
          await page.waitForTimeout(300);
          const bad = leftovers(await visibleTexts(page), lang);
          expect(bad, `${role} ${lang} ${hash}`).toEqual([]);
          // The attendance page's other tabs (proposals, roster, report) too.
          if (hash === '#/attendance') {
            for (const tab of await page.locator('[data-tab]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tab') ?? ''))) {
              await page.click(`[data-tab=${tab}]`);
              await page.waitForLoadState('networkidle');
              await page.waitForTimeout(300);
              expect(leftovers(await visibleTexts(page), lang), `${role} ${lang} ${hash} tab ${tab}`).toEqual([]);
            }
          }
        }
      }
    });
  }

  for (const [size, viewport] of Object.entries(SIZES)) {
    it(`lays out every role's pages at ${viewport.width}×${viewport.height} in both languages (screenshots)`, async () => {
      for (const role of Object.keys(USERS) as Role[]) {
        const page = await newPage(viewport);
        await login(page, rig.running.url, USERS[role]);
        for (const lang of ['zh-CN', 'en'] as const) {
          if (lang === 'en') await page.click('[data-action=lang]');
          for (const hash of PAGES[role].slice(0, role === 'admin' ? 3 : 2)) {
            await page.goto(`${rig.running.url}/${hash}`);
            await page.waitForSelector('main.content > *');
            await page.waitForLoadState('networkidle');
            await page.waitForTimeout(300);
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            expect(overflow, `horizontal overflow: ${role} ${lang} ${hash} at ${size}`).toBeLessThanOrEqual(1);
            const name = `40-${role}-${hash.replace(/[#/]+/g, '-').replace(/^-|-$/g, '')}-${size}-${lang}`;
            await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
          }
        }
      }
    });
  }

  it('shows a guardian no untranslated string (sign-up page and their own page), and lays it out at 390×844 without overflow', async () => {
    const page = await newPage(SIZES.phone);
    const check = async (what: string, lang: 'zh-CN' | 'en') => {
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      expect(leftovers(await visibleTexts(page), lang), `guardian ${lang} ${what}`).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal overflow: guardian ${lang} ${what}`).toBeLessThanOrEqual(1);
      await page.screenshot({ path: join(ARTIFACTS, `41-guardian-${what}-phone-${lang}.png`), fullPage: true });
    };
    await page.goto(`${rig.running.url}/#/signup`);
    await page.waitForSelector('[data-form=signup]');
    await check('signup', 'zh-CN');
    await page.click('[data-action=lang]');
    await check('signup', 'en');
    await page.click('[data-action=lang]');
    await page.goto(`${rig.running.url}/#/`);
    await page.fill('input[name=username]', 'parent-a');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-part=incidents] .g-incident');
    await page.waitForSelector('[data-part=consent]');
    await check('home', 'zh-CN');
    await page.click('[data-action=lang]');
    await page.waitForSelector('[data-part=incidents] .g-incident');
    await check('home', 'en');
  });

  it('the CSP blocked nothing on any page of this suite (no inline script or style, no other origin)', () => {
    expect(rig.pages.cspViolations()).toEqual([]);
  });
});
