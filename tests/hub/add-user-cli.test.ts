/**
 * `anyu hub add-user`: the accounts the REST API cannot make (a new institution's first
 * admin, regulators), on a real SQLite store; the password never comes from argv.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAddUser } from '../../hub/add-user-cli.ts';
import { verifyPassword } from '../../hub/auth/passwords.ts';
import { createStore } from '../../hub/store/index.ts';

describe('anyu hub add-user', () => {
  let dir: string;
  const lines: { out: string[]; err: string[] } = { out: [], err: [] };
  const io = (env: NodeJS.ProcessEnv = {}) => ({ env, out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) });
  const open = () => createStore({ sqlitePath: join(dir, 'anyu.db') });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'anyu-add-user-'));
    lines.out = [];
    lines.err = [];
    const store = await open();
    await store.upsertInstitution({ id: 'inst-new', name: '新园', level: 'unrated', townId: 'town-1', districtId: 'dist-1', registered: true });
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the first admin of an institution with the password from the environment, audited', async () => {
    const code = await runAddUser(['--data', dir, '--username', 'yuanzhang', '--role', 'institution_admin', '--institution', 'inst-new', '--display-name', '园长'], io({ ANYU_NEW_USER_PASSWORD: 'a-long-enough-secret' }));
    expect(code, lines.err.join('\n')).toBe(0);
    const store = await open();
    try {
      const user = await store.getUserByUsername('yuanzhang');
      expect(user).toMatchObject({ role: 'institution_admin', institutionId: 'inst-new', regionId: null, displayName: '园长' });
      expect(await verifyPassword('a-long-enough-secret', user!.passwordHash)).toBe(true);
      expect(await store.listAudit({ kind: 'institution', institutionId: 'inst-new' }, 10)).toMatchObject([{ actor: 'cli', action: 'user.create', target: 'user:yuanzhang' }]);
    } finally {
      await store.close();
    }
    expect(lines.out.join('\n')).not.toContain('a-long-enough-secret');
  });

  it('creates a regulator with a generated password printed once', async () => {
    expect(await runAddUser(['--data', dir, '--username', 'weijianju', '--role', 'regulator', '--region', 'dist-1'], io())).toBe(0);
    const password = /with password (\S+) \(shown once\)/.exec(lines.out.join('\n'))?.[1];
    expect(password?.length).toBeGreaterThanOrEqual(32);
    const store = await open();
    try {
      const user = await store.getUserByUsername('weijianju');
      expect(user).toMatchObject({ role: 'regulator', institutionId: null, regionId: 'dist-1' });
      expect(await verifyPassword(password!, user!.passwordHash)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('refuses bad combinations, unknown institutions, short passwords and taken usernames', async () => {
    const base = ['--data', dir, '--username', 'someone'];
    expect(await runAddUser([...base, '--role', 'regulator', '--institution', 'inst-new'], io())).toBe(2);
    expect(await runAddUser([...base, '--role', 'supervisor', '--region', 'dist-1'], io())).toBe(2);
    expect(await runAddUser([...base, '--role', 'emperor', '--region', 'dist-1'], io())).toBe(2);
    expect(await runAddUser([...base, '--role', 'supervisor', '--institution', 'inst-new', '--password', 'x'], io())).toBe(2);
    expect(await runAddUser([...base, '--role', 'supervisor', '--institution', 'inst-new'], io({ ANYU_NEW_USER_PASSWORD: 'short' }))).toBe(2);
    expect(await runAddUser([...base, '--role', 'supervisor', '--institution', 'inst-none'], io())).toBe(1);
    expect(lines.err.at(-1)).toContain('unknown institution inst-none');
    expect(await runAddUser([...base, '--role', 'supervisor', '--institution', 'inst-new'], io())).toBe(0);
    expect(await runAddUser([...base, '--role', 'supervisor', '--institution', 'inst-new'], io())).toBe(1);
    expect(lines.err.at(-1)).toContain('taken');
    expect(await runAddUser(['--help'], io())).toBe(0);
  });
});
