/**
 * `buildDashboard()`: a programmatic Vite build into `dashboard/dist`, skipped when the
 * inputs (dashboard sources, config, the protocol it imports) have not changed since the
 * last build. The hash of those inputs is stored beside the output.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dashboardDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const DASHBOARD_DIST = join(dashboardDir, 'dist');
const STAMP = '.build-hash';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

/** Hash of everything that can change the bundle (plus the installed Vite version). */
export async function dashboardInputsHash(): Promise<string> {
  const files = [
    ...(await listFiles(join(dashboardDir, 'src'))),
    ...(await listFiles(join(repoRoot, 'protocol'))).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')),
    join(dashboardDir, 'index.html'),
    join(dashboardDir, 'vite.config.ts'),
    join(repoRoot, 'package-lock.json'),
  ].sort();
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(relative(repoRoot, f));
    hash.update(await readFile(f));
  }
  return hash.digest('hex');
}

async function readStamp(): Promise<string | null> {
  try {
    return (await readFile(join(DASHBOARD_DIST, STAMP), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export interface BuildDashboardOptions {
  /** Rebuild even when the stamp matches. */
  force?: boolean;
  /** Vite's log level; `warn` keeps `npm start` quiet. */
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
}

/** Builds the dashboard when needed and returns the directory to serve (`dashboard/dist`). */
export async function buildDashboard(opts: BuildDashboardOptions = {}): Promise<string> {
  const hash = await dashboardInputsHash();
  if (!opts.force && (await readStamp()) === hash) return DASHBOARD_DIST;
  const { build } = await import('vite');
  await build({
    configFile: join(dashboardDir, 'vite.config.ts'),
    root: dashboardDir,
    logLevel: opts.logLevel ?? 'warn',
  });
  await writeFile(join(DASHBOARD_DIST, STAMP), `${hash}\n`);
  return DASHBOARD_DIST;
}
