/**
 * hub/SECURITY.md's role/route table is generated from the routes the hub registers
 * (`npm run docs:security`); it must match them. tests/hub/api-auth.test.ts calls every
 * route as each role and checks its own expectations against the same declarations.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { documentedTable, routeTableMarkdown } from '../../hub/security-table.ts';
import { startTestHub, type TestHub } from '../hub/hub-helpers.ts';

let th: TestHub;
beforeAll(async () => {
  th = await startTestHub({ listen: false });
});
afterAll(async () => th?.close());

it('hub/SECURITY.md lists exactly the routes the hub serves, with the roles they require (else: npm run docs:security)', () => {
  expect(documentedTable()).toBe(routeTableMarkdown(th.hub.routes));
});

it('every non-public /api route requires a role', () => {
  const open = th.hub.routes.filter((r) => r.url.startsWith('/api/') && r.roles === 'public').map((r) => `${r.method} ${r.url}`);
  // Sign-up is public by design: it needs a one-time invite code (tests/security/guardian.test.ts).
  expect(open.sort()).toEqual(['GET /api/health', 'POST /api/auth/guardian-signup', 'POST /api/auth/login']);
});
