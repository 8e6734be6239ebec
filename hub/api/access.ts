/**
 * Who is asking, and what they may see. A session token arrives as the `anyu_session`
 * cookie or `Authorization: Bearer`; the store keeps only its SHA-256. Tenant scope comes
 * from the user (supervisor and admin → their institution, regulator → their region) and
 * is handed to the store, which enforces it.
 */
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Role, UserView } from '../../protocol/index.ts';
import { sha256Hex } from '../auth/passwords.ts';
import { HubError } from '../errors.ts';
import type { Scope, Store } from '../store/types.ts';

export const SESSION_COOKIE = 'anyu_session';

export function scopeOf(user: UserView): Scope {
  if (user.role === 'regulator') return { kind: 'region', regionId: user.regionId ?? '' };
  return { kind: 'institution', institutionId: user.institutionId ?? '' };
}

/** The raw token from a Bearer header or the session cookie header value. */
export function tokenFrom(headers: { authorization?: string | undefined; cookie?: string | undefined }, parsedCookie?: string): string | null {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+([A-Za-z0-9_-]{16,256})$/.exec(auth.trim());
    return m ? m[1]! : null;
  }
  if (parsedCookie) return parsedCookie;
  const raw = headers.cookie;
  if (!raw) return null;
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

export async function userForToken(store: Store, token: string | null): Promise<UserView | null> {
  if (!token || token.length > 256) return null;
  return store.getSessionUser(sha256Hex(token), new Date().toISOString());
}

/** Resolves the caller once per request; routes then read `request.user`. */
export async function resolveUser(request: FastifyRequest): Promise<void> {
  const token = tokenFrom(request.headers, request.cookies?.[SESSION_COOKIE]);
  request.user = await userForToken(request.server.store, token);
}

/** preHandler: 401 without a session, 403 when the role is not in `roles`. */
export function requireRole(...roles: Role[]): preHandlerHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const user = request.user;
    if (!user) throw new HubError('UNAUTHENTICATED');
    if (roles.length > 0 && !roles.includes(user.role)) throw new HubError('FORBIDDEN');
  };
}

/** The signed-in user; only valid behind `requireRole`. */
export function currentUser(request: FastifyRequest): UserView {
  if (!request.user) throw new HubError('UNAUTHENTICATED');
  return request.user;
}
