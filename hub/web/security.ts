/**
 * Browser-facing protections, each the usual mechanism:
 *
 * - Security headers by @fastify/helmet: a Content-Security-Policy that allows only the
 *   hub's own scripts, styles and connections (the dashboard keeps its session token in
 *   localStorage, so injected script is what must not run), `frame-ancestors 'none'` and
 *   X-Frame-Options against clickjacking, nosniff, no referrer. The swagger UI at /docs
 *   sets its own policy (@fastify/swagger-ui `staticCSP`).
 * - An Origin check on every state-changing request and on the Socket.IO handshake
 *   (OWASP's "verifying origin with standard headers"): a browser page of another origin
 *   — a sibling subdomain included, which SameSite=Lax does not stop — cannot acknowledge,
 *   close or configure anything with the user's cookie. Requests without Origin and
 *   without Sec-Fetch-Site (curl, the edge, scripts with a Bearer token) are not
 *   browser-driven and pass; the other origins allowed are `allowedOrigins`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { HubError } from '../errors.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether a request with these headers may change state. `ownHost` is the host the
 * browser addressed (Host, or X-Forwarded-Host behind a trusted proxy).
 */
export function originAllowed(headers: IncomingHttpHeaders, ownHost: string | undefined, allowed: ReadonlySet<string>): boolean {
  const origin = headers.origin;
  if (typeof origin === 'string') {
    if (allowed.has(origin)) return true;
    try {
      return ownHost !== undefined && new URL(origin).host === ownHost.toLowerCase();
    } catch {
      // "null" (sandboxed frames, file://) and garbage are no origin we know.
      return false;
    }
  }
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** The host a browser addressed, as Fastify sees it (trustProxy decides about X-Forwarded-Host). */
export function requestHost(headers: IncomingHttpHeaders, trustProxy: unknown): string | undefined {
  const forwarded = headers['x-forwarded-host'];
  if (trustProxy !== false && typeof forwarded === 'string' && forwarded !== '') return forwarded.split(',').at(-1)!.trim();
  return headers.host;
}

export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // Plain HTTP on a LAN is a supported install: do not ask browsers to upgrade.
  upgradeInsecureRequests: null,
};

export async function registerWebSecurity(app: FastifyInstance, allowedOrigins: readonly string[]): Promise<void> {
  const allowed = new Set(allowedOrigins);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { directives: CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The hub serves HTTP on a LAN too; HSTS is the TLS proxy's to send.
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', async (request) => {
    if (!UNSAFE.has(request.method)) return;
    if (originAllowed(request.headers, request.host, allowed)) return;
    request.log.warn({ origin: request.headers.origin, secFetchSite: request.headers['sec-fetch-site'], url: request.url }, 'cross-origin request refused');
    throw new HubError('FORBIDDEN', 'cross-origin request refused');
  });
}
