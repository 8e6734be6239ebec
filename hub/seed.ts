/**
 * Demo seeding and first-run bootstrap, so `npm start` works with no setup.
 *
 * `seedDemo` creates the demo institution, room, camera, edge and three users, and keeps
 * their passwords in `<data>/demo-credentials.json` (mode 0600) so a demo edge on the same
 * machine can read its MQTT password. Passwords come from `ANYU_DEMO_PASSWORD` or are
 * generated once. `bootstrapAdmin` makes the first admin when there is none.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Role } from '../protocol/index.ts';
import { hashPassword, newToken } from './auth/passwords.ts';
import type { Store } from './store/types.ts';

/** Made-up names of the demo roster. */
const DEMO_CHILDREN = ['示例幼儿甲', '示例幼儿乙', '示例幼儿丙', '示例幼儿丁', '示例幼儿戊', '示例幼儿己', '示例幼儿庚', '示例幼儿辛', '示例幼儿壬', '示例幼儿癸'];

export const DEMO = {
  // The live demo centre (its edge analyses real footage): not marked demo, unlike the
  // seeded district around it (demo-district.ts).
  institution: { id: 'demo', name: '安育示范托育园', level: 'level2', townId: 'keqiao-kq', districtId: 'keqiao', registered: true, timeZone: 'Asia/Shanghai', demo: false },
  room: { id: 'room-1', institutionId: 'demo', name: '托小班', type: 'room', classType: 'toddler_small', capacity: 15, polygon: null },
  camera: { id: 'cam-1', institutionId: 'demo', edgeId: 'demo-edge', name: '托小班 camera 1', roomId: 'room-1', expectedFps: 5 },
  edgeId: 'demo-edge',
  users: [
    { username: 'admin', displayName: '园长 (demo admin)', role: 'institution_admin', institutionId: 'demo', regionId: null },
    { username: 'supervisor', displayName: '保育主管 (demo supervisor)', role: 'supervisor', institutionId: 'demo', regionId: null },
    { username: 'regulator', displayName: '柯桥区卫健局 (demo regulator)', role: 'regulator', institutionId: null, regionId: 'keqiao' },
  ] satisfies Array<{ username: string; displayName: string; role: Role; institutionId: string | null; regionId: string | null }>,
} as const;

export const DemoCredentials = z.object({
  /** Password of each demo user; null when the user existed before and its password is unknown here. */
  users: z.record(z.string(), z.string().nullable()),
  edge: z.object({ id: z.string(), institutionId: z.string(), password: z.string() }),
});
export type DemoCredentials = z.infer<typeof DemoCredentials>;

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

export interface SeedOptions {
  dataDir: string;
  /** From `ANYU_DEMO_PASSWORD`: used for every demo user instead of generated ones. */
  password?: string;
  log?: (line: string) => void;
}

function readCredentials(path: string): DemoCredentials | null {
  if (!existsSync(path)) return null;
  const parsed = DemoCredentials.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a valid demo credentials file; delete it to regenerate`);
  return parsed.data;
}

export async function seedDemo(store: Store, opts: SeedOptions): Promise<DemoCredentials> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const path = join(opts.dataDir, DEMO_CREDENTIALS_FILE);
  const previous = readCredentials(path);

  await store.upsertInstitution({ ...DEMO.institution });
  await store.upsertRoom({ ...DEMO.room });
  const edgePassword = previous?.edge.password ?? newToken(18);
  await store.upsertEdge({ id: DEMO.edgeId, institutionId: DEMO.institution.id, passwordHash: await hashPassword(edgePassword) });
  await store.upsertCamera({ ...DEMO.camera });

  const users: Record<string, string | null> = {};
  const created: string[] = [];
  for (const u of DEMO.users) {
    const existing = await store.getUserByUsername(u.username);
    if (existing) {
      users[u.username] = previous?.users[u.username] ?? null;
      continue;
    }
    const password = opts.password ?? newToken(12);
    await store.createUser({ ...u, passwordHash: await hashPassword(password) });
    users[u.username] = password;
    created.push(u.username);
  }

  // A demonstration roster for the attendance pages (made-up names), once.
  const scope = { kind: 'all' } as const;
  if ((await store.attendance.listChildren(scope, DEMO.institution.id)).length === 0) {
    const now = new Date().toISOString();
    for (const [i, name] of DEMO_CHILDREN.entries()) {
      await store.attendance.saveChild(scope, {
        institutionId: DEMO.institution.id, id: `demo-child-${String(i + 1).padStart(2, '0')}`, name, birthMonth: i < 3 ? '2025-06' : '2024-09',
        classType: 'toddler_small', roomId: DEMO.room.id, enrolledFrom: '2026-01-01', enrolledTo: null, guardians: [{ name: `${name}家长` }],
      }, now);
    }
    await store.attendance.setPlaces(scope, DEMO.institution.id, { toddler_small: 15, infant: 10 });
  }

  const credentials: DemoCredentials = {
    users,
    edge: { id: DEMO.edgeId, institutionId: DEMO.institution.id, password: edgePassword },
  };
  mkdirSync(opts.dataDir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  if (created.length > 0) {
    log(`demo users created (passwords also in ${path}):`);
    for (const name of created) log(`  ${name.padEnd(11)} ${opts.password ? '(ANYU_DEMO_PASSWORD)' : users[name]}`);
  }
  return credentials;
}

export interface BootstrapOptions {
  institutionId: string;
  /** From `ANYU_ADMIN_PASSWORD`; otherwise a one-time password is generated and printed. */
  password?: string;
  log?: (line: string) => void;
}

/** Creates user `admin` (institution_admin) when no such user exists. */
export async function bootstrapAdmin(store: Store, opts: BootstrapOptions): Promise<{ created: boolean }> {
  const log = opts.log ?? ((line: string) => console.log(line));
  if (await store.getUserByUsername('admin')) return { created: false };
  const known = await store.listInstitutions({ kind: 'all' });
  if (!known.some((i) => i.id === opts.institutionId)) {
    await store.upsertInstitution({
      id: opts.institutionId,
      name: opts.institutionId,
      level: 'unrated',
      townId: 'unassigned',
      districtId: 'unassigned',
      registered: true,
    });
  }
  const password = opts.password ?? newToken(12);
  await store.createUser({
    username: 'admin',
    displayName: 'Administrator',
    role: 'institution_admin',
    institutionId: opts.institutionId,
    regionId: null,
    passwordHash: await hashPassword(password),
  });
  log(opts.password
    ? 'first run: created user admin with the password from ANYU_ADMIN_PASSWORD'
    : `first run: created user admin with one-time password ${password} (shown once; set ANYU_ADMIN_PASSWORD to choose it)`);
  return { created: true };
}
