/**
 * The role/route table of hub/SECURITY.md, made from the routes the hub registers (each
 * `requireRole` preHandler carries its roles, hub/api/access.ts). `npm run docs:security`
 * rewrites the table between its markers; tests/security/route-table.test.ts fails when
 * the file and the hub disagree.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../protocol/index.ts';
import type { RouteAccess } from './api/access.ts';
import { buildHub } from './app.ts';

export const SECURITY_MD = fileURLToPath(new URL('./SECURITY.md', import.meta.url));
const BEGIN = '<!-- route-table:begin (npm run docs:security) -->';
const END = '<!-- route-table:end -->';
const COLUMNS: Role[] = ['supervisor', 'institution_admin', 'regulator', 'guardian'];

/** The documented part of the API: `/api/*` and `/metrics` (the dashboard's files and /docs are public). */
export function routeTableMarkdown(routes: readonly RouteAccess[]): string {
  const rows = routes
    .filter((r) => r.url.startsWith('/api/') || r.url === '/metrics')
    .map((r) => ({ ...r, url: r.url.replace(/:(\w+)/g, '{$1}') }))
    .sort((x, y) => (x.url === y.url ? x.method.localeCompare(y.method) : x.url.localeCompare(y.url)));
  const mark = (r: RouteAccess, role: Role) => (r.roles === 'public' || r.roles.includes(role) ? 'yes' : '–');
  return [
    '| route | anyone | supervisor | institution_admin | regulator | guardian |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.method} ${r.url}\` | ${r.roles === 'public' ? 'yes' : '–'} | ${COLUMNS.map((c) => mark(r, c)).join(' | ')} |`),
  ].join('\n');
}

/** The table as hub/SECURITY.md has it now. */
export function documentedTable(text = readFileSync(SECURITY_MD, 'utf8')): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${SECURITY_MD} has no route table markers`);
  return text.slice(start + BEGIN.length, end).trim();
}

/** The routes of a hub built with defaults (temporary SQLite, embedded broker on a free port). */
export async function currentRoutes(): Promise<readonly RouteAccess[]> {
  const dir = mkdtempSync(join(tmpdir(), 'anyu-routes-'));
  const hub = await buildHub({ dataDir: dir, logger: false, mqtt: { embedded: { port: 0, host: '127.0.0.1' } }, http: { port: 0, host: '127.0.0.1' } });
  try {
    return hub.routes;
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = readFileSync(SECURITY_MD, 'utf8');
  const table = routeTableMarkdown(await currentRoutes());
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  writeFileSync(SECURITY_MD, `${text.slice(0, start + BEGIN.length)}\n${table}\n${text.slice(end)}`);
  console.log(`hub/SECURITY.md: route table rewritten (${table.split('\n').length - 2} routes)`);
}
