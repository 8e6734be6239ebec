/**
 * `/`: a built dashboard with SPA fallback when its folder exists, otherwise the minimal
 * live incident page; `/docs` serves OpenAPI; misses under `/api` are JSON 404s.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from './hub-helpers.ts';

describe('web: built dashboard', () => {
  let th: TestHub;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anyu-dash-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dash</title><div id="app"></div>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("app")');
    th = await startTestHub({ listen: false, dashboardDir: dir });
  });
  afterAll(async () => {
    await th?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (url: string, accept = 'text/html') => th.hub.app.inject({ method: 'GET', url, headers: { accept } });

  it('serves index.html at / and for client-side routes', async () => {
    for (const url of ['/', '/incidents/abc', '/coverage?from=2026-01-01']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<title>dash</title>');
    }
  });

  it('serves assets, and JSON 404s for /api and missing assets', async () => {
    expect((await get('/assets/app.js', '*/*')).body).toContain('console.log');
    const api = await get('/api/nope', 'application/json');
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('NOT_FOUND');
    expect((await get('/assets/missing.js', '*/*')).statusCode).toBe(404);
  });

  it('never leaves the dashboard folder', async () => {
    for (const url of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd']) {
      const res = await get(url, '*/*');
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body).not.toContain('root:');
    }
  });
});

describe('web: without a dashboard build', () => {
  let th: TestHub;
  beforeAll(async () => {
    th = await startTestHub({ listen: false });
  });
  afterAll(async () => th?.close());

  it('serves the minimal live incident page and the OpenAPI docs', async () => {
    const page = await th.hub.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('/socket.io/socket.io.min.js');
    const docs = await th.hub.app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.json().paths['/api/incidents']).toBeDefined();
    expect((await th.hub.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
});
