/**
 * `anyu hub`: parse flags, build the hub, seed or bootstrap, listen, and close cleanly on
 * SIGINT/SIGTERM. `startHub` is the in-process entry `anyu start` composes with an edge.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SubsidyRules } from '../protocol/index.ts';
import { isIP } from 'node:net';
import pino from 'pino';
import pretty from 'pino-pretty';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildHub, type BuildHubOptions, type Hub } from './app.ts';
import { parseHubConfig, parseHubEnv } from './config.ts';
import { runAddUser } from './add-user-cli.ts';
import { bootstrapAdmin, seedDemo, type DemoCredentials } from './seed.ts';
import { topUpDemoDistrict } from './demo-district.ts';

/** How often the demo district's history is extended to now while the hub runs. */
const DEMO_TOP_UP_MS = 10 * 60_000;

const USAGE = `usage: anyu hub [options]

  --data <dir>            data folder (SQLite file, demo credentials)     default ./data
  --http-port <n>         HTTP port (API, dashboard, Socket.IO)             default 8080
  --host <addr>           HTTP listen address                               default 0.0.0.0
  --mqtt-port <n>         port of the embedded MQTT broker                  default 1884
  --mqtt-host <addr>      listen address of the embedded broker             default 0.0.0.0
  --mqtt-url <url>        use an external broker instead (e.g. mqtt://127.0.0.1:1883)
  --mqtt-share <group>    with --mqtt-url: MQTT v5 shared subscription group (several hubs)
  --mqtt-client-id <id>   the hub's stable MQTT client id (unique per hub)    default anyu-hub-<host>
  --mqtt-queue-check <n>  with --mqtt-url: refuse to start unless the broker keeps n queued
                          messages for an offline session (0: skip)         default 10000
  --trust-proxy <v>       behind a TLS proxy: true, a hop count, or its addresses (comma-separated)
  --allowed-origin <url>  another origin whose pages may use the API (repeatable)
  --database-url <url>    PostgreSQL (postgres://…) instead of SQLite; also ANYU_DATABASE_URL
  --redis-url <url>       Redis for live push across several hubs; also ANYU_REDIS_URL
  --dashboard-dir <dir>   built dashboard to serve at /                     default dashboard/dist
  --subsidy-rules <file>  YAML/JSON of the district's subsidy rules: fullDayHours (8),
                          halfDayHours (4), fullMonthDays (15), rates per class type
                          (yuan a month, e.g. rates: { infant: 1000, toddler_small: 800 })
  --guardian-webhook <url>  also POST guardians' notifications (check-in/out, incident
                          closed) as JSON here: the plug for an SMS gateway; also
                          ANYU_GUARDIAN_WEBHOOK_URL
  --seed-demo             create the demo institution, room, camera, edge and users
  -h, --help              this text

anyu hub add-user --help: create a first institution admin or a regulator (see hub/README.md)

environment: ANYU_ADMIN_PASSWORD (first-run admin), ANYU_DEMO_PASSWORD (demo users),
ANYU_LOG_LEVEL (info), ANYU_LOG_FORMAT (json, or pretty for one readable line per entry),
ANYU_LOG_REQUESTS=1 (a line per HTTP request), ANYU_MQTT_USERNAME / ANYU_MQTT_PASSWORD (external broker login)`;

const DEFAULT_DASHBOARD = fileURLToPath(new URL('../dashboard/dist', import.meta.url));

export class UsageError extends Error {}

function port(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new UsageError(`--${name} must be a port number 0–65535, got '${value}'`);
  return n;
}

/** `--trust-proxy`: true/false, a hop count, or addresses as Fastify takes them. */
function trustProxyValue(raw: string): boolean | number | string {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

/** `--subsidy-rules`: the district's rules from a YAML or JSON file, checked field by field. */
function readSubsidyRules(path: string): SubsidyRules {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--subsidy-rules ${path}: ${(err as Error).message}`);
  }
  const parsed = SubsidyRules.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new UsageError(`--subsidy-rules ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  }
  if (parsed.data.halfDayHours > parsed.data.fullDayHours) throw new UsageError(`--subsidy-rules ${path}: halfDayHours must not exceed fullDayHours`);
  return parsed.data;
}

export interface HubCliOptions {
  build: BuildHubOptions;
  seedDemo: boolean;
  help: boolean;
}

/** Turns argv into hub options; throws UsageError on a bad flag or combination. */
export function parseHubArgs(args: string[], env: NodeJS.ProcessEnv = process.env): HubCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        'http-port': { type: 'string' },
        host: { type: 'string' },
        'mqtt-port': { type: 'string' },
        'mqtt-host': { type: 'string' },
        'mqtt-url': { type: 'string' },
        'mqtt-share': { type: 'string' },
        'mqtt-client-id': { type: 'string' },
        'mqtt-queue-check': { type: 'string' },
        'trust-proxy': { type: 'string' },
        'allowed-origin': { type: 'string', multiple: true },
        'database-url': { type: 'string' },
        'redis-url': { type: 'string' },
        'dashboard-dir': { type: 'string' },
        'subsidy-rules': { type: 'string' },
        'guardian-webhook': { type: 'string' },
        'seed-demo': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const url = values['mqtt-url'];
  if (url && (values['mqtt-port'] !== undefined || values['mqtt-host'] !== undefined)) {
    throw new UsageError('--mqtt-url (external broker) cannot be combined with --mqtt-port/--mqtt-host (embedded broker)');
  }
  if (values['mqtt-share'] && !url) throw new UsageError('--mqtt-share needs --mqtt-url (shared subscriptions live on an external broker)');
  if (values['mqtt-queue-check'] !== undefined && !url) throw new UsageError('--mqtt-queue-check needs --mqtt-url (the embedded broker stores before it acknowledges)');
  const queueCheck = values['mqtt-queue-check'] === undefined ? undefined : Number(values['mqtt-queue-check']);
  if (queueCheck !== undefined && !(Number.isInteger(queueCheck) && queueCheck >= 0)) throw new UsageError(`--mqtt-queue-check must be a whole number ≥ 0, got '${values['mqtt-queue-check']}'`);
  const httpPort = port('http-port', values['http-port']);
  const mqttPort = port('mqtt-port', values['mqtt-port']);
  const dashboardDir = values['dashboard-dir'] ?? (existsSync(DEFAULT_DASHBOARD) ? DEFAULT_DASHBOARD : undefined);
  const databaseUrl = values['database-url'] ?? env.ANYU_DATABASE_URL;
  const redisUrl = values['redis-url'] ?? env.ANYU_REDIS_URL;
  const guardianWebhookUrl = values['guardian-webhook'] ?? env.ANYU_GUARDIAN_WEBHOOK_URL;
  const build: BuildHubOptions = {
    dataDir: values.data ?? './data',
    http: { port: httpPort ?? 8080, host: values.host ?? '0.0.0.0' },
    mqtt: url
      ? { url, share: values['mqtt-share'], username: env.ANYU_MQTT_USERNAME, password: env.ANYU_MQTT_PASSWORD }
      : { embedded: { port: mqttPort ?? 1884, host: values['mqtt-host'] ?? '0.0.0.0' } },
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    ...(values['mqtt-client-id'] ? { mqttClientId: values['mqtt-client-id'] } : {}),
    ...(queueCheck !== undefined ? { mqttQueueCheck: queueCheck } : {}),
    ...(values['trust-proxy'] !== undefined ? { trustProxy: trustProxyValue(values['trust-proxy']) } : {}),
    ...(values['allowed-origin'] ? { allowedOrigins: values['allowed-origin'] } : {}),
    ...(dashboardDir ? { dashboardDir } : {}),
    ...(values['subsidy-rules'] ? { subsidyRules: readSubsidyRules(values['subsidy-rules']) } : {}),
    ...(guardianWebhookUrl ? { guardianWebhookUrl } : {}),
  };
  try {
    // Validate now so a bad value is a usage error (exit 2), not a failed start.
    parseHubConfig(build);
    parseHubEnv(env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return { build, seedDemo: values['seed-demo'], help: values.help };
}

export interface StartedHub {
  hub: Hub;
  url: string;
  demo: DemoCredentials | null;
}

/** True for 127.0.0.0/8, ::1 and `localhost`: only this machine can connect. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export interface StartHubOptions {
  seedDemo: boolean;
  log?: (line: string) => void;
  /**
   * `pretty`: one readable line per log entry (pino-pretty), for a person at a terminal
   * beside `anyu start`'s own lines; `json` (default, and `ANYU_LOG_FORMAT`) for log collectors.
   */
  logFormat?: 'json' | 'pretty';
  /** Where pretty lines go; default standard output. */
  logDestination?: NodeJS.WritableStream;
}

/** Builds, seeds (or bootstraps the first admin) and listens; for `anyu hub` and `anyu start`. */
export async function startHub(build: BuildHubOptions, opts: StartHubOptions): Promise<StartedHub> {
  const env = parseHubEnv(process.env);
  const log = opts.log ?? ((line: string) => console.log(line));
  const logRequests = env.ANYU_LOG_REQUESTS === '1' || env.ANYU_LOG_REQUESTS === 'true';
  const format = env.ANYU_LOG_FORMAT ?? opts.logFormat ?? 'json';
  const logging: BuildHubOptions =
    format === 'pretty'
      ? { loggerInstance: pino({ level: env.ANYU_LOG_LEVEL }, pretty({ sync: true, colorize: false, singleLine: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss', destination: opts.logDestination ?? 1 })) }
      : { logger: { level: env.ANYU_LOG_LEVEL } };
  const hub = await buildHub({ ...logging, logRequests, ...build });
  try {
    let demo: DemoCredentials | null = null;
    if (opts.seedDemo) {
      demo = await seedDemo(hub.store, { dataDir: hub.config.dataDir, password: env.ANYU_DEMO_PASSWORD, log });
      const seeded = await topUpDemoDistrict(hub.store, { now: Date.now() });
      if (seeded.incidents > 0) log(`demo district: ${seeded.institutions} demonstration institutions (marked 演示), ${seeded.samples} camera status runs, ${seeded.incidents} incidents`);
      const timer = setInterval(() => {
        topUpDemoDistrict(hub.store, { now: Date.now() }).catch((err: unknown) => hub.app.log.warn({ err }, 'demo district top-up failed'));
      }, DEMO_TOP_UP_MS);
      timer.unref();
      hub.app.server.once('close', () => clearInterval(timer));
    } else {
      await bootstrapAdmin(hub.store, { institutionId: hub.config.bootstrapInstitutionId, password: env.ANYU_ADMIN_PASSWORD, log });
    }
    hub.app.live.invalidateInstitutions();
    const address = await hub.listen();
    const shown = address.replace('://0.0.0.0:', '://localhost:').replace('://[::]:', '://localhost:');
    log(`anyu hub: ${shown} (API docs ${shown}/docs, metrics ${shown}/metrics); MQTT ${hub.mqttUrl} (${hub.broker ? 'embedded' : 'external'})`);
    if (demo && !isLoopback(hub.config.http.host)) {
      log(`WARNING: the demo accounts (passwords printed here and kept in ${hub.config.dataDir}/demo-credentials.json) can sign in from any machine that reaches ${hub.config.http.host}:${hub.config.http.port}. Use --host 127.0.0.1 for this machine only, or set ANYU_DEMO_PASSWORD to a password of your own.`);
    }
    return { hub, url: shown, demo };
  } catch (err) {
    await hub.close();
    throw err;
  }
}

/** Resolves when SIGINT or SIGTERM arrives. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'add-user') return runAddUser(args.slice(1));
  let parsed: HubCliOptions;
  try {
    parsed = parseHubArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`anyu hub: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  let started: StartedHub;
  try {
    started = await startHub(parsed.build, { seedDemo: parsed.seedDemo });
  } catch (err) {
    console.error(`anyu hub: ${(err as Error).message}`);
    return 1;
  }
  const sig = await untilSignal();
  started.hub.app.log.info({ signal: sig }, 'shutting down');
  await started.hub.close();
  return 0;
}
