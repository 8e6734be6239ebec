/**
 * The real pieces the browser tests drive: a hub built with `buildHub` (embedded aedes
 * broker, SQLite in a temp dir, the built dashboard), seeded through the store; an edge
 * that signs in to the broker with its own credentials; and headless Chromium.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import mqtt, { type MqttClient } from 'mqtt';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { SCHEMA_VERSION, edgeClientId, topics, type EdgeStatus, type IncidentEvent, type IncidentKind, type Severity } from '../../protocol/index.ts';
import { buildHub, type BuildHubOptions, type Hub } from '../../hub/app.ts';
import { hashPassword } from '../../hub/auth/passwords.ts';
import { createStore } from '../../hub/store/index.ts';
import type { Store } from '../../hub/store/types.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PASSWORD = 'correct-horse-42';
export const EDGE_PASSWORD = 'edge-secret-42';

export const INST_A = 'inst-a';
export const INST_B = 'inst-b';
export const EDGE_A = 'edge-a';
export const CAMERA_A = 'cam-a1';
export const ROOM_A = 'room-a1';

export function chromiumAvailable(): { ok: true } | { ok: false; reason: string } {
  if (existsSync(CHROMIUM_PATH)) return { ok: true };
  return { ok: false, reason: `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)` };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export function openStore(dataDir: string): Promise<Store> {
  return createStore({ sqlitePath: join(dataDir, 'anyu.db') });
}

/** Two institutions in one town, a room, a camera and an edge in A, and one user per role. */
export async function seed(store: Store): Promise<void> {
  for (const [id, name, level] of [[INST_A, '阳光托育园', 'level2'], [INST_B, '星星托育园', 'level1']] as const) {
    await store.upsertInstitution({ id, name, level, townId: 'town-1', districtId: 'district-1', registered: true });
  }
  await store.upsertRoom({ id: ROOM_A, institutionId: INST_A, name: '托小班一', type: 'room', classType: 'toddler_small', capacity: 15, polygon: null });
  await store.upsertEdge({ id: EDGE_A, institutionId: INST_A, passwordHash: await hashPassword(EDGE_PASSWORD) });
  await store.upsertCamera({ id: CAMERA_A, institutionId: INST_A, edgeId: EDGE_A, name: '活动室东', roomId: ROOM_A, expectedFps: 5 });
  const hash = await hashPassword(PASSWORD);
  const users = [
    ['sup-a', '王老师', 'supervisor', INST_A, null],
    ['admin-a', '李园长', 'institution_admin', INST_A, null],
    ['sup-b', '赵老师', 'supervisor', INST_B, null],
    ['reg-1', '区卫健局', 'regulator', null, 'district-1'],
  ] as const;
  for (const [username, displayName, role, institutionId, regionId] of users) {
    await store.createUser({ username, displayName, role, institutionId, regionId, passwordHash: hash });
  }
}

export interface RunningHub {
  hub: Hub;
  url: string;
  httpPort: number;
  mqttPort: number;
  mqttUrl: string;
}

/** Ports 0 pick free ones; a restart passes the ports of the previous hub; `extra` e.g. fakes the hub's clock (`now`). */
export async function startHub(store: Store, dataDir: string, dashboardDir: string, ports = { http: 0, mqtt: 0 }, extra: Partial<BuildHubOptions> = {}): Promise<RunningHub> {
  const hub = await buildHub({
    ...extra,
    store,
    dataDir,
    dashboardDir,
    http: { port: ports.http, host: '127.0.0.1' },
    mqtt: { embedded: { port: ports.mqtt, host: '127.0.0.1' } },
    mqttClientId: `anyu-hub-dashboard-test-${process.pid}`,
    logger: { level: 'warn' },
  });
  const url = await hub.listen();
  if (!hub.broker) throw new Error('expected the embedded broker');
  return { hub, url, httpPort: Number(new URL(url).port), mqttPort: hub.broker.port, mqttUrl: hub.mqttUrl };
}

export async function connectEdge(mqttUrl: string, edgeId = EDGE_A, password = EDGE_PASSWORD): Promise<MqttClient> {
  return mqtt.connectAsync(mqttUrl, {
    username: edgeId,
    password,
    clientId: edgeClientId(edgeId, `test-${process.pid}`),
    reconnectPeriod: 300,
    // A restarting hub's broker refuses edges ("server unavailable") until the hub has
    // subscribed; mqtt.js stops reconnecting after a refused CONNACK unless told not to.
    // Without this the client could land in that window after the restart test's hub
    // restart and never reconnect (two 60 s timeouts, 2026-11-29).
    reconnectOnConnackError: true,
    connectTimeout: 5_000,
  });
}

const MESSAGES: Record<IncidentKind, string> = {
  fall: '活动区有幼儿跌倒',
  crowding: '区域人数超过上限',
  ratio: '师幼比低于 1:5',
  unattended: '有幼儿无成人看护',
  camera_offline: '摄像头无画面',
  camera_tamper: '摄像头画面被遮挡',
  alarm: '一键报警',
};

export function incidentEvent(id: string, kind: IncidentKind, severity: Severity, over: Partial<IncidentEvent> = {}): IncidentEvent {
  const now = new Date().toISOString();
  return {
    schema: SCHEMA_VERSION,
    type: 'open',
    id,
    seq: 0,
    kind,
    severity,
    institutionId: INST_A,
    edgeId: EDGE_A,
    cameraId: CAMERA_A,
    zoneId: ROOM_A,
    startedAt: now,
    at: now,
    message: MESSAGES[kind],
    evidence: {
      counts: { adults: 1, children: 4 },
      confidence: 0.91,
      ...(kind === 'fall'
        ? { reason: 'track 3: pose path, head down 0.62 body heights at 1.40 body heights/s', falls: [{ track: 3, path: 'pose', drop: 0.62, speed: 1.4, descentSeconds: 0.45 }] }
        : {}),
    },
    ...over,
  } as IncidentEvent;
}

/** A small JPEG with a box drawn on it, as an edge would publish after drawing evidence. */
export function snapshotJpeg(width = 320, height = 180): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const onBox = (x >= 120 && x <= 200 && (y === 40 || y === 140)) || (y >= 40 && y <= 140 && (x === 120 || x === 200));
      data[i] = onBox ? 255 : 60 + (x % 40);
      data[i + 1] = onBox ? 40 : 90 + (y % 30);
      data[i + 2] = onBox ? 40 : 110;
      data[i + 3] = 255;
    }
  }
  return Buffer.from(jpeg.encode({ data, width, height }, 80).data);
}

/** `jpegBytes` (from `snapshotJpeg()`) is published as the incident's snapshot right after it. */
export async function publishIncident(edge: MqttClient, ev: IncidentEvent, jpegBytes: Buffer | null = null): Promise<void> {
  const payload = jpegBytes ? { ...ev, snapshot: { contentType: 'image/jpeg' as const, width: 320, height: 180, bytes: jpegBytes.length } } : ev;
  const incident = edge.publishAsync(topics.incident(ev.institutionId, ev.edgeId), JSON.stringify(payload), { qos: 1 });
  const snapshot = jpegBytes ? edge.publishAsync(topics.snapshot(ev.institutionId, ev.edgeId, ev.id), jpegBytes, { qos: 1 }) : null;
  await Promise.all([incident, snapshot]);
}

/** Which edge reports which camera; the seeded edge of institution A by default. */
export interface StatusSource {
  institutionId: string;
  edgeId: string;
  cameraId: string;
  cameraName: string;
}
const SEEDED_SOURCE: StatusSource = { institutionId: INST_A, edgeId: EDGE_A, cameraId: CAMERA_A, cameraName: '活动室东' };

export async function publishStatus(edge: MqttClient, over: Partial<EdgeStatus['cameras'][number]> = {}, src = SEEDED_SOURCE): Promise<void> {
  const now = new Date().toISOString();
  const status: EdgeStatus = {
    schema: SCHEMA_VERSION,
    institutionId: src.institutionId,
    edgeId: src.edgeId,
    state: 'online',
    version: 'test',
    at: now,
    uptimeS: 120,
    backend: 'wasm',
    cameras: [{ id: src.cameraId, name: src.cameraName, state: 'online', expectedFps: 5, deliveredFps: 4.8, analysedFps: 4.6,
      reconnectsLastHour: 1, stallsLastHour: 0, lastFrameAt: now, ...over }],
  };
  await edge.publishAsync(topics.status(src.institutionId, src.edgeId), JSON.stringify(status), { qos: 1, retain: true });
}

/**
 * Gives a page the timing of a background tab on a busy tablet: no animation frames, and
 * every timer held back to at least 1 s. Preact runs `useEffect` after the next frame (or a
 * 35 ms timer), so the page's effects then run well after its network work, e.g. after its
 * Socket.IO connection has connected: a listener subscribed in an effect misses that
 * change unless it re-reads the state. Headless Chromium shows every page (no hidden
 * tabs to open), hence an init script; call before the page's first navigation.
 */
export async function lateEffects(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const nativeSetTimeout = window.setTimeout.bind(window);
    window.setTimeout = ((fn: TimerHandler, ms?: number, ...args: unknown[]) =>
      nativeSetTimeout(fn, Math.max(ms ?? 0, 1_000), ...args)) as typeof window.setTimeout;
    window.requestAnimationFrame = () => 0;
    window.cancelAnimationFrame = () => undefined;
  });
}

export async function login(page: Page, baseUrl: string, username: string, password = PASSWORD): Promise<void> {
  await page.goto(baseUrl);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.topbar');
}

export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');

/**
 * Records what the hub's Content-Security-Policy (hub/web/security.ts) blocked on `page`:
 * Chromium reports each refused script, style, image or connection on the console, and a
 * `securitypolicyviolation` listener (added by Playwright outside the page's CSP) names
 * the directive and what was blocked. Suites assert the list stays empty.
 */
export async function watchCsp(ctx: BrowserContext, page: Page, sink: string[]): Promise<void> {
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|CSP violation/i.test(text)) sink.push(`${page.url()}: ${text}`);
  });
}

/**
 * Pages in their own browser contexts (zh-CN unless told), page errors printed, CSP
 * violations recorded (`cspViolations`), all closed together; `prepare` runs on each new
 * context (a faked clock, permissions).
 */
export function pageFactory(browser: () => Browser, defaults: BrowserContextOptions = {}, prepare?: (ctx: BrowserContext) => Promise<void>) {
  const contexts: BrowserContext[] = [];
  const csp: string[] = [];
  return {
    async newPage(viewport: { width: number; height: number } = { width: 1366, height: 768 }, options: BrowserContextOptions = {}): Promise<Page> {
      const ctx = await browser().newContext({ locale: 'zh-CN', ...defaults, ...options, viewport });
      await prepare?.(ctx);
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (err) => console.error('page error:', err.message));
      await watchCsp(ctx, page, csp);
      return page;
    },
    /** What the CSP blocked on any page so far. */
    cspViolations: (): readonly string[] => [...csp],
    shot: (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true }),
    async close(): Promise<void> {
      for (const ctx of contexts.splice(0)) await ctx.close();
    },
  };
}

export interface RigOptions {
  /** Extra rows after `seed` (users, regions, history). */
  prepare?: (store: Store) => Promise<void>;
  /** Hub options, e.g. a faked clock (`now`). */
  hub?: Partial<BuildHubOptions>;
  /** Browser context defaults and a step run on each new context. */
  context?: BrowserContextOptions;
  prepareContext?: (ctx: BrowserContext) => Promise<void>;
}

/**
 * One browser suite's real parts: the built dashboard, a seeded SQLite store in a temp
 * dir, a hub, an authenticated edge of institution A, Chromium and its pages; `close()`
 * undoes it all in reverse.
 */
export async function startRig(name: string, opts: RigOptions = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const dashboardDir = await buildDashboardOnce();
  const dataDir = await mkdtemp(join(tmpdir(), `anyu-dashboard-${name}-`));
  const store = await openStore(dataDir);
  await seed(store);
  await opts.prepare?.(store);
  // Suites that sign in at every screen size and language exceed the 10 logins a minute a
  // real hub allows one address (its own test is in tests/hub/api-auth.test.ts).
  const running = await startHub(store, dataDir, dashboardDir, { http: 0, mqtt: 0 }, { loginRateLimit: { max: 1000, windowMs: 60_000 }, ...opts.hub });
  const edge = await connectEdge(running.mqttUrl);
  const browser = await launchBrowser();
  const pages = pageFactory(() => browser, opts.context, opts.prepareContext);
  return {
    dataDir,
    store,
    running,
    edge,
    browser,
    pages,
    async close(): Promise<void> {
      await pages.close();
      await browser.close();
      await edge.endAsync(true);
      await running.hub.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function buildDashboardOnce(): Promise<string> {
  const { buildDashboard } = await import('../../dashboard/build.ts');
  return buildDashboard();
}
