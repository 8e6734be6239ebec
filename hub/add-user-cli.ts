/**
 * `anyu hub add-user`: creates a user straight in the store, for the accounts the REST API
 * cannot make: the first institution admin of a newly registered institution and
 * regulators. The password comes from `ANYU_NEW_USER_PASSWORD` (never argv, which other
 * local users can read) or is generated and printed once. Audited as actor `cli`.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Id, PASSWORD_MIN_LENGTH, Role, UserBody } from '../protocol/index.ts';
import { hashPassword, newToken } from './auth/passwords.ts';
import { createStore, StoreError } from './store/index.ts';

export const ADD_USER_USAGE = `usage: anyu hub add-user --username <name> --role <role> (--institution <id> | --region <id>)
                        [--display-name <text>] [--data <dir>] [--database-url <url>]

  --role         supervisor | institution_admin (need --institution) | regulator (needs --region: a town or district id)
  --data         hub data directory (SQLite ./data/anyu.db)            default ./data
  --database-url PostgreSQL instead of SQLite; also ANYU_DATABASE_URL

environment: ANYU_NEW_USER_PASSWORD (at least ${PASSWORD_MIN_LENGTH} characters; otherwise one is generated and printed once)`;

const Args = z
  .object({
    username: UserBody.shape.username,
    // Guardians sign up with an institution's invite (linked to their child), never from here.
    role: Role.exclude(['guardian']),
    institution: Id.optional(),
    region: Id.optional(),
    'display-name': z.string().trim().min(1).max(100).optional(),
    data: z.string().min(1).default('./data'),
    'database-url': z.string().min(1).optional(),
  })
  .refine((a) => (a.role === 'regulator' ? a.region !== undefined && a.institution === undefined : a.institution !== undefined && a.region === undefined), {
    message: 'a regulator needs --region (and no --institution); other roles need --institution (and no --region)',
  });

export interface AddUserIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function runAddUser(argv: string[], io: AddUserIo = { env: process.env, out: console.log, err: console.error }): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(ADD_USER_USAGE);
    return 0;
  }
  let args: z.infer<typeof Args>;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        username: { type: 'string' },
        role: { type: 'string' },
        institution: { type: 'string' },
        region: { type: 'string' },
        'display-name': { type: 'string' },
        data: { type: 'string' },
        'database-url': { type: 'string' },
      },
    });
    args = Args.parse(values);
  } catch (err) {
    const message = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ') : (err as Error).message;
    io.err(`anyu hub add-user: ${message}\n\n${ADD_USER_USAGE}`);
    return 2;
  }
  const chosen = io.env.ANYU_NEW_USER_PASSWORD;
  if (chosen !== undefined && chosen.length < PASSWORD_MIN_LENGTH) {
    io.err(`anyu hub add-user: ANYU_NEW_USER_PASSWORD must have at least ${PASSWORD_MIN_LENGTH} characters`);
    return 2;
  }
  const url = args['database-url'] ?? io.env.ANYU_DATABASE_URL;
  let store;
  try {
    store = await createStore({ url, sqlitePath: join(args.data, 'anyu.db') });
  } catch (err) {
    io.err(`anyu hub add-user: ${(err as Error).message}`);
    return 1;
  }
  try {
    const institutionId = args.institution ?? null;
    if (institutionId !== null && !(await store.listInstitutions({ kind: 'institution', institutionId })).length) {
      io.err(`anyu hub add-user: unknown institution ${institutionId} (a regulator registers it with POST /api/institutions)`);
      return 1;
    }
    const password = chosen ?? newToken(24);
    const regionId = args.region ?? null;
    await store.createUser({
      username: args.username,
      displayName: args['display-name'] ?? args.username,
      role: args.role,
      institutionId,
      regionId,
      passwordHash: await hashPassword(password),
    });
    await store.audit({
      at: new Date().toISOString(),
      actor: 'cli',
      action: 'user.create',
      target: `user:${args.username}`,
      institutionId,
      detail: { role: args.role, regionId, generatedPassword: chosen === undefined },
    });
    io.out(chosen === undefined
      ? `created ${args.role} ${args.username} with password ${password} (shown once)`
      : `created ${args.role} ${args.username} with the password from ANYU_NEW_USER_PASSWORD`);
    return 0;
  } catch (err) {
    if (err instanceof StoreError && err.code === 'username_taken') {
      io.err(`anyu hub add-user: username ${args.username} is taken`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}
