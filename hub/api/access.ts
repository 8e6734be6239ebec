/**
 * Who is asking, and what they may see. A session token arrives as the `anyu_session`
 * cookie or `Authorization: Bearer`; the store keeps only its SHA-256. Tenant scope comes
 * from the user (supervisor and admin → their institution, regulator → their region) and
 * is handed to the store, which enforces it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
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

/** A `requireRole` preHandler carries its roles, so the route table can be read back (SECURITY.md). */
export type RoleCheck = preHandlerHookHandler & { readonly roles: readonly Role[] };

/** preHandler: 401 without a session, 403 when the role is not in `roles` (none: any signed-in role). */
export function requireRole(...roles: Role[]): RoleCheck {
  const check = async (request: FastifyRequest, _reply: FastifyReply) => {
    const user = request.user;
    if (!user) throw new HubError('UNAUTHENTICATED');
    if (roles.length > 0 && !roles.includes(user.role)) throw new HubError('FORBIDDEN');
  };
  return Object.assign(check, { roles }) as RoleCheck;
}

export interface RouteAccess {
  method: string;
  url: string;
  /** `public`, or the roles allowed (every role when the route only needs a session). */
  roles: 'public' | readonly Role[];
}

const ALL_ROLES: readonly Role[] = ['supervisor', 'institution_admin', 'regulator', 'guardian'];

/**
 * Records every route registered after this call with who may call it, read from its
 * `requireRole` preHandler (no such preHandler: public). hub/SECURITY.md's table is made
 * from this list and tested against it.
 */
export function recordRouteAccess(app: FastifyInstance): RouteAccess[] {
  const table: RouteAccess[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const handlers = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    const check = handlers.find((h): h is RoleCheck => Array.isArray((h as Partial<RoleCheck>).roles));
    for (const method of methods) {
      if (method === 'HEAD') continue;
      table.push({ method, url: route.url, roles: check ? (check.roles.length > 0 ? check.roles : ALL_ROLES) : 'public' });
    }
  });
  return table;
}

/** The signed-in user; only valid behind `requireRole`. */
export function currentUser(request: FastifyRequest): UserView {
  if (!request.user) throw new HubError('UNAUTHENTICATED');
  return request.user;
}
