/**
 * Hostile HTTP input: oversized and malformed bodies, bad query strings and path
 * traversal must answer 4xx with an ErrorBody, never 5xx, and the hub keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../protocol/index.ts';
import { createTenant, login, startTestHub, type Tenant, type TestHub } from './hub-helpers.ts';

describe('hostile HTTP input', () => {
  let th: TestHub;
  let a: Tenant;
  let admin: string;

  beforeAll(async () => {
    th = await startTestHub({ listen: false, loginRateLimit: { max: 1000, windowMs: 60_000 } });
    a = await createTenant(th.store, 'a');
    admin = await login(th, a.users.institution_admin);
  });
  afterAll(async () => th?.close());

  const auth = () => ({ authorization: `Bearer ${admin}` });

  const cases: Array<{ name: string; method: 'GET' | 'POST' | 'PUT'; url: string; headers?: Record<string, string>; payload?: string | Buffer; authed?: boolean }> = [
    { name: 'oversized login body', method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'a', password: 'x'.repeat(200_000) }) },
    { name: 'invalid JSON', method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "a", ' },
    { name: 'JSON that is not an object', method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '[1,2,3]' },
    { name: 'empty JSON body', method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '' },
    { name: 'wrong content type', method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=a&password=b' },
    { name: 'too-long username', method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'u'.repeat(1000), password: 'p' }) },
    { name: 'prototype pollution attempt', method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"__proto__": {"admin": true}, "username": "a", "password": "b"}' },
    { name: 'bad limit', method: 'GET', url: '/api/incidents?limit=-5', authed: true },
    { name: 'huge limit', method: 'GET', url: '/api/incidents?limit=100000000', authed: true },
    { name: 'non-numeric offset', method: 'GET', url: '/api/incidents?offset=abc', authed: true },
    { name: 'bad date', method: 'GET', url: '/api/incidents?from=yesterday', authed: true },
    { name: 'unknown kind', method: 'GET', url: '/api/incidents?kind=fall,earthquake', authed: true },
    { name: 'unknown status', method: 'GET', url: '/api/incidents?status=%00', authed: true },
    { name: 'bad active flag', method: 'GET', url: '/api/incidents?active=maybe', authed: true },
    { name: 'id with traversal', method: 'GET', url: '/api/incidents/..%2F..%2Fetc%2Fpasswd', authed: true },
    { name: 'id too long', method: 'GET', url: `/api/incidents/${'a'.repeat(300)}`, authed: true },
    { name: 'close with a bad outcome', method: 'POST', url: '/api/incidents/x/close', headers: { 'content-type': 'application/json' }, payload: '{"outcome":"made_up"}', authed: true },
    { name: 'close with a giant note', method: 'POST', url: '/api/incidents/x/close', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ outcome: 'other', note: 'n'.repeat(5000) }), authed: true },
    { name: 'legal hold with a string', method: 'POST', url: '/api/incidents/x/legal-hold', headers: { 'content-type': 'application/json' }, payload: '{"hold":"yes"}', authed: true },
    { name: 'stats with reversed dates', method: 'GET', url: '/api/stats?from=2026-02-01&to=2026-01-01', authed: true },
    { name: 'stats with a bad date', method: 'GET', url: '/api/stats?from=2026-13-01&to=2026-01-01', authed: true },
    { name: 'coverage without dates', method: 'GET', url: '/api/coverage', authed: true },
    { name: 'audit limit out of range', method: 'GET', url: '/api/audit?limit=0', authed: true },
    { name: 'bearer header garbage', method: 'GET', url: '/api/auth/me', headers: { authorization: 'Bearer \u0000\u0001' } },
    { name: 'path traversal on static files', method: 'GET', url: '/../../etc/passwd' },
    { name: 'encoded path traversal on static files', method: 'GET', url: '/%2e%2e/%2e%2e/etc/passwd' },
    { name: 'unknown api route', method: 'GET', url: '/api/nothing-here' },
    { name: 'room id with an MQTT wildcard', method: 'POST', url: '/api/rooms', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ id: 'room/#', name: 'x', type: 'room' }), authed: true },
    { name: 'room with a giant polygon', method: 'POST', url: '/api/rooms', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ id: 'r', name: 'x', type: 'room', polygon: Array.from({ length: 5000 }, () => [0.5, 0.5]) }), authed: true },
    { name: 'room with a blank name', method: 'POST', url: '/api/rooms', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ id: 'r', name: '   ', type: 'room' }), authed: true },
    { name: 'room with an unknown type', method: 'POST', url: '/api/rooms', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ id: 'r', name: 'x', type: 'dungeon' }), authed: true },
    { name: 'camera with negative fps', method: 'PUT', url: '/api/cameras/cam-1', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x', roomId: null, expectedFps: -1 }), authed: true },
    { name: 'camera with a traversal id', method: 'PUT', url: '/api/cameras/..%2F..%2Fetc', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x', roomId: null, expectedFps: 5 }), authed: true },
    { name: 'edge id with a topic separator', method: 'POST', url: '/api/edges', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ id: 'edge/+' }), authed: true },
    { name: 'edge body with a chosen password', method: 'POST', url: '/api/edges', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ id: 'e1', password: 'mine' }), authed: true },
    { name: 'user with a giant password', method: 'POST', url: '/api/users', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'big-pw', displayName: 'x', role: 'supervisor', password: 'p'.repeat(10_000) }), authed: true },
    { name: 'user with a control character in the username', method: 'POST', url: '/api/users', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'a\u0000b', displayName: 'x', role: 'supervisor' }), authed: true },
    { name: 'user that sets its own region', method: 'POST', url: '/api/users', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'sneaky', displayName: 'x', role: 'supervisor', regionId: 'anywhere' }), authed: true },
  ];

  it.each(cases)('$name → 4xx with an ErrorBody', async (c) => {
    const res = await th.hub.app.inject({
      method: c.method,
      url: c.url,
      headers: { ...(c.authed ? auth() : {}), ...(c.headers ?? {}) },
      ...(c.payload !== undefined ? { payload: c.payload } : {}),
    });
    expect(res.statusCode, res.body.slice(0, 200)).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(500);
    if (res.headers['content-type']?.toString().startsWith('application/json')) {
      expect(ErrorBody.safeParse(res.json()).success, res.body.slice(0, 200)).toBe(true);
    }
    expect(res.body).not.toContain('root:');
  });

  it('still serves after all of that', async () => {
    const res = await th.hub.app.inject({ method: 'GET', url: '/api/incidents', headers: auth() });
    expect(res.statusCode).toBe(200);
  });

  it('hides the details of 5xx errors', async () => {
    // A store failure stands in for any unexpected error: close the database under the hub.
    const broken = await startTestHub({ listen: false });
    try {
      const t = await createTenant(broken.store, 'x');
      const token = await login(broken, t.users.supervisor);
      await broken.store.close();
      const res = await broken.hub.app.inject({ method: 'GET', url: '/api/incidents', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    } finally {
      await broken.hub.close();
    }
  });
});
