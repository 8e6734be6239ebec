/** `/api/auth/*`: login (rate limited), logout, me. */
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

  app.post('/auth/login', {
    schema: {
      tags: ['auth'],
      body: LoginBody,
      response: { 200: LoginResponse, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
    },
    config: { rateLimit: { max: hubConfig.loginRateLimit.max, timeWindow: hubConfig.loginRateLimit.windowMs } },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const stored = await store.getUserByUsername(username);
    const ok = await verifyPassword(password, stored?.passwordHash ?? decoyHash);
    if (!stored || !ok) {
      request.log.warn({ username }, 'failed login');
      throw new HubError('BAD_CREDENTIALS');
    }
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
