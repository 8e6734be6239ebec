/**
 * Hub configuration: one zod schema, validated once at boot so a bad flag or environment
 * variable stops the hub with a clear message instead of failing later.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { Id } from '../protocol/index.ts';

const Port = z.number().int().min(0).max(65_535);
const ShareGroup = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'share group: 1–64 letters, digits, "_" or "-"');

export const MqttConfig = z.union([
  z.object({
    embedded: z.object({
      port: Port.default(1884),
      /** Edges are other machines on the LAN, and every connection must authenticate. */
      host: z.string().min(1).default('0.0.0.0'),
    }),
  }),
  z.object({
    url: z.string().regex(/^(mqtts?|wss?|tcp):\/\/.+/, 'MQTT url must look like mqtt://host:port'),
    share: ShareGroup.optional(),
    username: z.string().optional(),
    password: z.string().optional(),
  }),
]);
export type MqttConfig = z.infer<typeof MqttConfig>;

export const HubConfig = z.object({
  dataDir: z.string().min(1).default('./data'),
  http: z
    .object({ port: Port.default(8080), host: z.string().min(1).default('0.0.0.0') })
    .default({ port: 8080, host: '0.0.0.0' }),
  mqtt: MqttConfig.default({ embedded: { port: 1884, host: '0.0.0.0' } }),
  /**
   * External broker: queued QoS1 messages it must keep for an offline session, checked at
   * start (hub/ingest/queue-check.ts); the hub refuses to start below it. 0 skips the check.
   */
  mqttQueueCheck: z.number().int().min(0).max(10_000_000).default(10_000),
  /** Stable MQTT client id of this hub (with `clean: false` the broker keeps its queue). */
  mqttClientId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default(`anyu-hub-${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40)}`),
  /** SQLite file when no database URL is given; default `<dataDir>/anyu.db`. */
  sqlitePath: z.string().min(1).optional(),
  /** `postgres://…` selects PostgreSQL; otherwise SQLite in `<dataDir>/anyu.db`. */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\/.+/, 'database url must start with postgres://').optional(),
  /**
   * Redis for the Socket.IO streams adapter: with several hubs, a client on hub A also
   * gets what hub B ingested. Unset on a single hub (in-memory adapter).
   */
  redisUrl: z.string().regex(/^rediss?:\/\/.+/, 'redis url must start with redis://').optional(),
  /** Name of the Redis stream (and prefix of the channels and keys) the hubs of one deployment share. */
  redisStream: z.string().regex(/^[A-Za-z0-9:._-]{1,64}$/).default('anyu-live'),
  /** A built dashboard (Vite `dist`); when missing, `/` serves the minimal live page. */
  dashboardDir: z.string().optional(),
  /** One log line per HTTP request; off by default so the console stays readable. */
  logRequests: z.boolean().default(false),
  /** Incidents with no activity on the hub for this long are deleted daily, except legal holds. */
  retentionDays: z.number().int().min(1).max(36_500).default(90),
  /**
   * Edge clocks are not trusted: an event time more than this ahead of the hub's clock is
   * set to the hub's time (and one older than `retentionDays` to that limit), counted in
   * `anyu_ingest_clock_clamped_total`.
   */
  edgeClockAheadSeconds: z.number().int().min(0).max(86_400).default(300),
  /**
   * Behind a TLS-terminating proxy: trust its X-Forwarded-For/-Proto (Fastify's
   * `trustProxy`: true, a hop count, or the proxy's addresses/CIDRs, comma-separated).
   * Then cookies are Secure and rate limits count the real client address.
   */
  trustProxy: z.union([z.boolean(), z.number().int().min(1).max(10), z.string().min(1)]).default(false),
  /**
   * Origins (besides the hub's own) whose pages may call state-changing routes and open
   * Socket.IO connections, e.g. a dashboard served from another host.
   */
  allowedOrigins: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'an origin is scheme://host[:port]')).default([]),
  sessionTtlHours: z.number().positive().max(24 * 30).default(12),
  snapshotMaxBytes: z.number().int().positive().max(10_000_000).default(2_000_000),
  bodyLimitBytes: z.number().int().positive().max(10_000_000).default(64 * 1024),
  loginRateLimit: z
    .object({ max: z.number().int().positive(), windowMs: z.number().int().positive() })
    .default({ max: 10, windowMs: 60_000 }),
  /** Per-account lockout: failed logins one username may take per window, from anywhere. */
  accountLoginLimit: z
    .object({ max: z.number().int().positive(), windowMs: z.number().int().positive() })
    .default({ max: 10, windowMs: 15 * 60_000 }),
  /** Guardian notifications (issue 26) are also POSTed here as JSON: the plug for an SMS gateway (hub/notify/notifier.ts). */
  guardianWebhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** The institution that a first-run bootstrap admin belongs to (no demo seeding). */
  bootstrapInstitutionId: Id.default('main'),
});
export type HubConfig = z.infer<typeof HubConfig>;
export type HubConfigInput = z.input<typeof HubConfig>;

/** Validates config; throws an Error listing every problem on its own line. */
export function parseHubConfig(input: unknown): HubConfig {
  const result = HubConfig.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
  throw new Error(`invalid hub configuration:\n${lines.join('\n')}`);
}

/** Environment variables the hub reads, validated the same way. */
export const HubEnv = z.object({
  ANYU_DEMO_PASSWORD: z.string().min(8, 'ANYU_DEMO_PASSWORD needs at least 8 characters').optional(),
  ANYU_ADMIN_PASSWORD: z.string().min(8, 'ANYU_ADMIN_PASSWORD needs at least 8 characters').optional(),
  DATABASE_URL: z.string().optional(),
  ANYU_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ANYU_LOG_REQUESTS: z.enum(['0', '1', 'true', 'false']).optional(),
  ANYU_LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});
export type HubEnv = z.infer<typeof HubEnv>;

export function parseHubEnv(env: NodeJS.ProcessEnv): HubEnv {
  const result = HubEnv.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new Error(`invalid environment:\n${lines.join('\n')}`);
}
