/**
 * `/`: the built dashboard when its folder exists (static files, SPA fallback to
 * index.html for client-side routes), otherwise a small live incident page so the hub
 * is useful on its own. `/api/*` misses always answer a JSON 404.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.ts';

const LIVE_PAGE = new URL('./live-page.html', import.meta.url);

function wantsHtml(url: string, accept: string | undefined): boolean {
  return !url.startsWith('/api') && !url.startsWith('/socket.io') && (accept ?? '').includes('text/html');
}

/** Registered on the root instance: the not-found handler covers every route. */
export async function registerWeb(app: FastifyInstance, dashboardDir: string | undefined): Promise<'dashboard' | 'live-page'> {
  const root = dashboardDir ? resolve(dashboardDir) : null;
  if (root && existsSync(resolve(root, 'index.html'))) {
    // Source maps are never served, even when a build left them beside the bundle.
    await app.register(fastifyStatic, { root, prefix: '/', wildcard: true, index: ['index.html'], allowedPath: (path) => !path.endsWith('.map') });
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && wantsHtml(request.url, request.headers.accept)) {
        return reply.type('text/html; charset=utf-8').sendFile('index.html');
      }
      return reply.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
    });
    return 'dashboard';
  }
  const page = await readFile(LIVE_PAGE, 'utf8');
  // Its inline script and style run under the CSP with a per-response nonce (@fastify/helmet).
  app.get('/', { schema: { hide: true }, helmet: { enableCSPNonces: true } }, async (_request, reply) => {
    const { script, style } = reply.cspNonce;
    const html = page.replace('<script>', `<script nonce="${script}">`).replace('<style>', `<style nonce="${style}">`);
    return reply.type('text/html; charset=utf-8').send(html);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)));
  return 'live-page';
}
