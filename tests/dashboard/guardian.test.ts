/**
 * The guardian port's whole path in real headless Chromium at 390×844 (issue 26), once in
 * each language: the admin prints an invite → the guardian signs up with it → calendar with
 * the month's counted days → a check-in is pushed live → the admin closes an incident and
 * links the child → the guardian is told and sees the outcome and note → the guardian
 * withdraws face consent → the REAL edge code (edge/attendance ConfigChannel and encrypted
 * TemplateStore, edge/publish over MQTT) deletes the templates and acknowledges → the page
 * shows the deletion → the PIPL export downloads. The CSP must block nothing. Screenshots
 * go to test-artifacts/dashboard/guardian-*.png.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ConfigChannel } from '../../edge/attendance/config-channel.ts';
import { TemplateStore } from '../../edge/attendance/template-store.ts';
import { HubConfig } from '../../edge/config/index.ts';
import { createPublisher, type Publisher } from '../../edge/publish/index.ts';
import { EDGE_A, EDGE_PASSWORD, INST_A, ROOM_A, chromiumAvailable, incidentEvent, login, startRig } from './harness.ts';
import { dateIn } from '../../dashboard/src/format.ts';
import { SCHEMA_VERSION } from '../../protocol/index.ts';

const chromium = chromiumAvailable();
if (!chromium.ok) {
  if (process.env.CI) throw new Error(`dashboard browser tests need Chromium: ${chromium.reason}`);
  console.warn(`skipping guardian browser tests: ${chromium.reason}`);
}

const PHONE = { width: 390, height: 844 };
const ZONE = 'Asia/Shanghai';
const LANGS = [
  { lang: 'zh-CN', child: 'g-zh', name: '陈小宝', guardian: '陈妈妈', user: 'chen-mum', closed: '与 陈小宝 有关的事件已处理', checkedIn: '陈小宝 已入园' },
  { lang: 'en', child: 'g-en', name: 'Lily Zhou', guardian: 'Mrs Zhou', user: 'zhou-mum', closed: 'Incident concerning Lily Zhou closed', checkedIn: 'Lily Zhou checked in' },
] as const;

describe.skipIf(!chromium.ok)('guardian port in Chromium at 390×844', () => {
  let rig: Awaited<ReturnType<typeof startRig>>;
  let publisher: Publisher;
  let templates: TemplateStore;
  let channel: ConfigChannel;
  let edgeDir: string;
  const month = dateIn(Date.now(), ZONE).slice(0, 7);

  beforeAll(async () => {
    rig = await startRig('guardian', {
      prepare: async (store) => {
        const now = new Date().toISOString();
        for (const l of LANGS) {
          await store.attendance.saveChild({ kind: 'all' }, { institutionId: INST_A, id: l.child, name: l.name, birthMonth: '2025-01', classType: 'toddler_small', roomId: ROOM_A, enrolledFrom: '2026-01-01', enrolledTo: null, guardians: [{ name: l.guardian, relation: 'mother' }] }, now);
          await store.attendance.grantConsent({ kind: 'all' }, INST_A, l.child, { guardianName: l.guardian, grantedAt: now, by: 'admin-a' });
          // Two full days earlier this month (the subsidy rules count them), by hand and by card.
          for (const [d, source] of [['01', 'staff'], ['02', 'card']] as const) {
            for (const [dir, time] of [['in', '08:00'], ['out', '17:00']] as const) {
              await store.attendance.recordEvent({ institutionId: INST_A, childId: l.child, edgeId: null, eventId: `${l.child}-${d}-${dir}`, direction: dir, at: `${month}-${d}T${time}:00+08:00`, source, confidence: 1, needsConfirm: false, recordedBy: 'sup-a', receivedAt: now });
            }
          }
        }
        await store.guardian.postNotice({ id: 'n1', institutionId: INST_A, title: '端午节放假通知 / Holiday notice', body: '6 月 19 日放假一天。Closed on 19 June.', postedBy: 'admin-a', postedAt: now });
      },
    });
    // The rig's stand-in edge steps aside: the real edge code signs in as edge A instead.
    await rig.edge.endAsync(true);
    edgeDir = mkdtempSync(join(tmpdir(), 'anyu-guardian-edge-'));
    templates = TemplateStore.open(join(edgeDir, 'templates.enc'), Buffer.alloc(32, 5));
    // Templates as enrolment leaves them (the face models' enrolment is tested in tests/e2e).
    for (const l of LANGS) await templates.enrol(l.child, 'faceres', [Float32Array.from({ length: 1024 }, (_, i) => Math.sin(i + l.child.length))]);
    publisher = createPublisher({
      hub: HubConfig.parse({ url: rig.running.mqttUrl, institutionId: INST_A, edgeId: EDGE_A, username: EDGE_A, password: EDGE_PASSWORD }),
      outboxDir: join(edgeDir, 'outbox'),
      willStatus: () => ({ schema: SCHEMA_VERSION, institutionId: INST_A, edgeId: EDGE_A, state: 'offline', version: 'guardian-test', at: new Date().toISOString(), uptimeS: 0, cameras: [] }),
    });
    channel = new ConfigChannel({ institutionId: INST_A, edgeId: EDGE_A, store: templates, stateFile: join(edgeDir, 'edge-config.json'), publishAck: (ack) => publisher.publishConfigAck(ack) });
    await channel.start();
    publisher.onConfig((p) => void channel.handle(p));
    await rig.running.hub.app.configChannel.push(INST_A, 'test', 'start');
  }, 120_000);
  afterAll(async () => {
    await publisher?.close();
    await rig?.close();
    if (edgeDir) rmSync(edgeDir, { recursive: true, force: true });
  });

  const adminToken = async () => {
    const res = await rig.running.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'sup-a', password: 'correct-horse-42' } });
    return (res.json() as { token: string }).token;
  };

  for (const l of LANGS) {
    it(`${l.lang}: invite → sign-up → calendar → check-in pushed → incident closed and linked → consent withdrawn, deleted on the edge → export`, async () => {
      const opts = { locale: l.lang, storageState: { cookies: [], origins: [{ origin: rig.running.url, localStorage: [{ name: 'anyu.lang', value: l.lang }] }] } };
      // The admin prints an invite from the roster.
      const admin = await rig.pages.newPage({ width: 1280, height: 900 }, opts);
      await login(admin, rig.running.url, 'admin-a');
      await admin.goto(`${rig.running.url}/#/attendance`);
      await admin.click('[data-tab=roster]');
      if (l.lang === 'zh-CN') {
        // A notice posted on the admin's page reaches the guardians' page.
        await admin.click('[data-tab=notices]');
        await admin.fill('[data-form=notice] input[name=title]', '秋季体检安排');
        await admin.fill('[data-form=notice] textarea[name=body]', '下周二上午体检，请按时送园。');
        await admin.click('[data-form=notice] button[type=submit]');
        await admin.waitForSelector('[data-notice]:has-text("秋季体检安排")');
        await admin.click('[data-tab=roster]');
      }
      await admin.click(`[data-child=${l.child}] [data-action=invite]`);
      const code = (await admin.textContent('[data-invite-code]'))!.trim();
      expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
      await rig.pages.shot(admin, `guardian-${l.lang}-1-admin-invite`);

      // The guardian signs up on a phone.
      const g = await rig.pages.newPage(PHONE, opts);
      await g.goto(rig.running.url);
      await g.click('[data-action=signup]');
      await g.fill('input[name=code]', code.toLowerCase());
      await g.fill('input[name=username]', l.user);
      await g.fill('input[name=displayName]', l.guardian);
      await g.fill('input[name=password]', 'a-long-guardian-password');
      await rig.pages.shot(g, `guardian-${l.lang}-2-signup`);
      await g.click('button[type=submit]');
      await g.waitForSelector(`[data-child=${l.child}] [data-counted]`);
      expect(await g.getAttribute('[data-counted]', 'data-counted')).toBe('2');
      expect(await g.locator(`[data-date="${month}-01"].present`).count()).toBe(1);
      // No other child anywhere on the page.
      const other = LANGS.find((x) => x !== l)!;
      expect(await g.textContent('body')).not.toContain(other.name);
      await g.waitForSelector('[data-part=notices] .g-notice:has-text("秋季体检安排")');
      await rig.pages.shot(g, `guardian-${l.lang}-3-calendar`);

      // A check-in by staff arrives live.
      const sup = await adminToken();
      const chk = await rig.running.hub.app.inject({ method: 'POST', url: '/api/attendance/check', headers: { authorization: `Bearer ${sup}` }, payload: { childIds: [l.child], direction: 'in' } });
      expect(chk.statusCode).toBe(200);
      await g.waitForSelector('[data-push=attendance]');
      expect(await g.textContent('[data-push=attendance]')).toContain(l.checkedIn);

      // The admin closes an incident, ticking the child.
      const incId = `inc-${l.child}`;
      await rig.store.applyIncidentEvent(incidentEvent(incId, 'fall', 'warning'));
      await admin.goto(`${rig.running.url}/#/incidents/${incId}`);
      await admin.selectOption('select[name=outcome]', 'no_injury');
      await admin.fill('textarea[name=note]', l.lang === 'en' ? 'Slipped on the mat, checked by the nurse, no injury.' : '在垫子上滑倒，保健老师检查无碍。');
      await admin.check(`input[name=child][value=${l.child}]`);
      await rig.pages.shot(admin, `guardian-${l.lang}-4a-admin-close-linked`);
      await admin.click('[data-action=close]');
      await g.waitForSelector('[data-push=incident_closed]');
      expect(await g.textContent('[data-push=incident_closed]')).toContain(l.closed);
      await g.waitForSelector(`[data-incident=${incId}]`);
      expect(await g.textContent(`[data-incident=${incId}]`)).toContain(l.lang === 'en' ? 'nurse' : '保健老师');
      expect(await g.locator('img').count()).toBe(0);
      await rig.pages.shot(g, `guardian-${l.lang}-4-notified`);

      // Consent withdrawn: the real edge deletes the templates and acknowledges.
      expect(templates.childIds()).toContain(l.child);
      await g.waitForSelector('[data-consent=on] [data-edge-state=gEdgeEnrolled]');
      g.once('dialog', (d) => void d.accept());
      await g.click('[data-action=withdraw]');
      await g.waitForSelector('[data-consent=off] [data-edge-state=gEdgeDeleted]', { timeout: 15_000 });
      expect(templates.childIds()).not.toContain(l.child);
      const onDisk = TemplateStore.open(join(edgeDir, 'templates.enc'), Buffer.alloc(32, 5));
      expect(onDisk.childIds()).not.toContain(l.child);
      await rig.pages.shot(g, `guardian-${l.lang}-5-consent-withdrawn`);

      // The PIPL export.
      const [dl] = await Promise.all([g.waitForEvent('download'), g.click('[data-action=export]')]);
      const file = JSON.parse(readFileSync((await dl.path())!, 'utf8')) as { child: { id: string; name: string }; attendanceEvents: unknown[]; incidents: { id: string }[]; consent: { faceConsent: boolean } };
      expect(dl.suggestedFilename()).toBe(`anyu-child-${l.child}.json`);
      expect(file.child).toMatchObject({ id: l.child, name: l.name });
      expect(file.attendanceEvents.length).toBe(5);
      expect(file.incidents.map((i) => i.id)).toEqual([incId]);
      expect(file.consent.faceConsent).toBe(false);
      expect(JSON.stringify(file)).not.toContain(other.name);
      expect(rig.pages.cspViolations()).toEqual([]);
    }, 60_000);
  }
});
