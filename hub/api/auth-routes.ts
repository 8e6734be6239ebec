/**
 * `/api/auth/*`: login, logout, me. Logins are limited twice: per client address
 * (@fastify/rate-limit; behind a proxy the address comes from X-Forwarded-For with
 * `trustProxy`) and per account (rate-limiter-flexible counting failures only, the usual
 * brute-force guard): past `accountLoginLimit` failed attempts a username is locked for
 * the rest of the window, whoever asks and whether or not it exists, and the lockout is
 * audited.
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody, LoginBody, LoginResponse, UserView } from '../../protocol/index.ts';
import { hashPassword, newToken, sha256Hex, verifyPassword } from '../auth/passwords.ts';
import { HubError } from '../errors.ts';
import { SESSION_COOKIE, currentUser, requireRole, tokenFrom } from './access.ts';

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store, hubConfig } = app;
  // Verifying against a real hash when the user does not exist keeps both answers equally slow.
  const decoyHash = await hashPassword(newToken());
  const lockout = hubConfig.accountLoginLimit;
  const accountFailures = new RateLimiterMemory({ points: lockout.max, duration: Math.ceil(lockout.windowMs / 1000) });

  app.post('/auth/login', {
    schema: {
      tags: ['auth'],
      body: LoginBody,
      response: { 200: LoginResponse, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
    },
    config: { rateLimit: { max: hubConfig.loginRateLimit.max, timeWindow: hubConfig.loginRateLimit.windowMs } },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const account = username.toLowerCase();
    const locked = await accountFailures.get(account);
    if (locked !== null && locked.consumedPoints >= lockout.max) {
      void reply.header('retry-after', Math.ceil(locked.msBeforeNext / 1000));
      throw new HubError('RATE_LIMITED', `too many failed sign-ins for this account; try again in ${Math.ceil(locked.msBeforeNext / 60_000)} min`);
    }
    const stored = await store.getUserByUsername(username);
    const ok = await verifyPassword(password, stored?.passwordHash ?? decoyHash);
    if (!stored || !ok) {
      request.log.warn({ username }, 'failed login');
      const after = await accountFailures.consume(account).catch((res: { consumedPoints: number }) => res);
      if (after.consumedPoints === lockout.max) {
        await store.audit({
          at: new Date().toISOString(),
          actor: `login:${username}`,
          action: 'auth.lockout',
          target: stored ? `user:${stored.id}` : `username:${username}`,
          institutionId: stored?.institutionId ?? null,
          detail: { failures: lockout.max, windowMs: lockout.windowMs, address: request.ip },
        });
        app.metrics.auditWrites.inc({ action: 'auth.lockout' });
      }
      throw new HubError('BAD_CREDENTIALS');
    }
    await accountFailures.delete(account);
    const { passwordHash: _hash, ...user } = stored;
    const token = newToken();
    const expires = new Date(Date.now() + hubConfig.sessionTtlHours * 3_600_000);
    await store.createSession(sha256Hex(token), user.id, expires.toISOString());
    await app.actions.audit(user, 'auth.login', `user:${user.id}`, user.institutionId, null);
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: 'auto',
      expires,
    });
    return { user: UserView.parse(user), token };
  });

  app.post('/auth/logout', {
    preHandler: requireRole(),
    schema: { tags: ['auth'], response: { 204: z.null(), 401: ErrorBody } },
  }, async (request, reply) => {
    const token = tokenFrom(request.headers, request.cookies[SESSION_COOKIE]);
    if (token) await store.deleteSession(sha256Hex(token));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  app.get('/auth/me', {
    preHandler: requireRole(),
    schema: { tags: ['auth'], response: { 200: UserView, 401: ErrorBody } },
  }, async (request) => currentUser(request));
};
