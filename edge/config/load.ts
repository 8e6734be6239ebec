/**
 * Reads an edge config file (YAML or JSON), validates it and resolves relative paths
 * against the file's folder. Every problem is reported with the path of the field, e.g.
 * `cameras[1].source: must be rtsp://… or an existing file`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { EdgeConfig } from './schema.ts';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`invalid edge config ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

function sourceProblem(source: string, i: number, abs: (p: string) => string): string | null {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    return /^rtsps?:\/\/[^\s/]+/i.test(source) ? null : `cameras[${i}].source: must be rtsp://… or an existing file`;
  }
  const file = abs(source);
  return isFile(file) ? null : `cameras[${i}].source: must be rtsp://… or an existing file (${file} not found)`;
}

/** Source checks on unvalidated input, so one run reports every problem at once. */
function rawSourceProblems(raw: unknown, abs: (p: string) => string): string[] {
  const cams = (raw as { cameras?: unknown } | null)?.cameras;
  if (!Array.isArray(cams)) return [];
  return cams.flatMap((c: unknown, i) => {
    const src = (c as { source?: unknown } | null)?.source;
    if (typeof src !== 'string' || src.length === 0) return [];
    const p = sourceProblem(src, i, abs);
    return p ? [p] : [];
  });
}

/** Validates an already parsed object; `baseDir` anchors relative paths. */
export function parseConfig(raw: unknown, baseDir: string, name = '(inline)'): EdgeConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const result = EdgeConfig.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(name, [...formatIssues(result.error.issues), ...rawSourceProblems(raw, abs)]);
  }
  const cfg = result.data;
  const problems: string[] = [];

  cfg.outboxDir = abs(cfg.outboxDir);
  cfg.cameras.forEach((cam, i) => {
    const p = sourceProblem(cam.source, i, abs);
    if (p) problems.push(p);
    else if (!/^rtsps?:\/\//i.test(cam.source)) cam.source = abs(cam.source);
  });
  const tls = cfg.hub.tls;
  if (tls) {
    for (const key of ['ca', 'cert', 'key'] as const) {
      const p = tls[key];
      if (p === undefined) continue;
      tls[key] = abs(p);
      if (!isFile(tls[key])) problems.push(`hub.tls.${key}: file ${tls[key]} not found`);
    }
  }
  if (cfg.hub.passwordFile !== undefined) {
    const file = abs(cfg.hub.passwordFile);
    if (!isFile(file)) problems.push(`hub.passwordFile: file ${file} not found`);
    else cfg.hub.password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  }
  if (cfg.attendance) {
    cfg.attendance.templateFile = abs(cfg.attendance.templateFile);
    if (cfg.attendance.keyFile !== undefined) {
      cfg.attendance.keyFile = abs(cfg.attendance.keyFile);
      if (!isFile(cfg.attendance.keyFile)) problems.push(`attendance.keyFile: file ${cfg.attendance.keyFile} not found`);
    }
  }
  if (problems.length > 0) throw new ConfigError(name, problems);
  return cfg;
}

export function loadConfig(file: string): EdgeConfig {
  const path = resolve(file);
  if (!isFile(path)) throw new ConfigError(file, [`(file): ${path} does not exist`]);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, [`(syntax): ${(err as Error).message.split('\n')[0]}`]);
  }
  return parseConfig(raw, dirname(path), file);
}
