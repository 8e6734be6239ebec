/**
 * `buildHub(opts)`: the one place where the hub is composed. Config is validated first;
 * then store, metrics, broker (embedded or external), ingest, live push and the HTTP
 * plugins are created here and handed down through typed Fastify decorators. Every
 * resource is closed by `app.close()` (onClose), in reverse order of creation.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { coverageReport } from './coverage/index.ts';
import { createIncidentActions, type IncidentActions } from './actions.ts';
import { apiPlugin } from './api/index.ts';
import { recordRouteAccess, type RouteAccess } from './api/access.ts';
import type { CoverageFn } from './api/catalog-routes.ts';
import { metricsRoutes } from './api/system-routes.ts';
import { defaultBrokerLimits, startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded.ts';
import { parseHubConfig, type HubConfig, type HubConfigInput } from './config.ts';
import { toErrorResponse } from './errors.ts';
import type { BrokerInfo } from './fastify-types.ts';
import { createIngestProcessor } from './ingest/process.ts';
import { startMqttIngest, type IngestLink } from './ingest/mqtt-ingest.ts';
import { createLive, type Live } from './live/live.ts';
import { WebhookNotifier } from './notify/notifier.ts';
import { createRedisAdapter } from './live/redis-adapter.ts';
import { createMetrics } from './metrics.ts';
import { createStore } from './store/index.ts';
import type { Scope, Store } from './store/types.ts';
import type { CoverageQuery } from '../protocol/index.ts';
import { HUB_VERSION } from './version.ts';
import { registerWeb } from './web/plugin.ts';
import { registerWebSecurity } from './web/security.ts';
import { startRetention, type Retention } from './retention.ts';
import { createConfigChannel, type ConfigChannel, type ConfigPublish } from './attendance/config-channel.ts';
import { SubsidyRules } from '../protocol/index.ts';

export interface BuildHubOptions extends HubConfigInput {
  /** A ready store (tests, `anyu start`); the hub then leaves closing it to the caller. */
  store?: Store;
  /** Fastify logger options (`false` for silence), or a ready pino logger. */
  logger?: FastifyServerOptions['logger'];
  loggerInstance?: FastifyBaseLogger;
  /** Defaults to hub/coverage's `coverageReport`; null turns `/api/coverage` into a 503. */
  coverage?: CoverageFn | null;
  /** Epoch ms of "now" for coverage (what "today" is); injected by tests that fake the hub's clock. */
  now?: () => number;
  /** Backoff of config re-publishes until an edge acknowledges (default 5 s doubling to 5 min). */
  configRetry?: { initialMs: number; maxMs: number };
  /** District subsidy rules (defaults from DOMAIN.md; rates per class type, yuan a month). */
  subsidyRules?: Partial<SubsidyRules>;
}

export interface Hub {
  readonly app: FastifyInstance;
  readonly config: HubConfig;
  readonly store: Store;
  /** The embedded broker, or null when the hub is a client of an external one. */
  readonly broker: EmbeddedBroker | null;
  /** How messages reach ingest: inside the embedded broker, or the hub's MQTT client of an external one. */
  readonly ingest: IngestLink;
  /** `mqtt://host:port` that edges (and tests) connect to. */
  readonly mqttUrl: string;
  /** The daily purge of ended incidents; `runOnce(now)` runs it on demand. */
  readonly retention: Retention;
  /** The hub → edge config channel (face consent lists now, camera config later). */
  readonly configChannel: ConfigChannel;
  /** Every route with who may call it (hub/SECURITY.md is generated from this). */
  readonly routes: readonly RouteAccess[];
  /** Starts HTTP (and Socket.IO) on the configured port; returns `http://host:port`. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function buildHub(opts: BuildHubOptions = {}): Promise<Hub> {
  const { store: givenStore, logger, loggerInstance, coverage, now, configRetry, subsidyRules, ...raw } = opts;
  const config = parseHubConfig(raw);

  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: logger ?? { level: 'info' } }),
    bodyLimit: config.bodyLimitBytes,
    // Behind a TLS proxy: request.protocol/ip/host from X-Forwarded-*, so cookies are
    // Secure and rate limits count the client, not the proxy.
    // (A hop count is supported at run time; Fastify's types leave numbers out.)
    trustProxy: config.trustProxy as boolean | string,
    // On close, end keep-alive and long-polling connections too: browsers reconnect to
    // the next hub at once, and a held connection would otherwise delay shutdown ~72 s.
    forceCloseConnections: true,
    logController: new LogController({ disableRequestLogging: !config.logRequests }),
    routerOptions: { maxParamLength: 200 },
    // Bad URLs and over-long params are refused by the router before any handler: answer
    // them with the same ErrorBody as everything else.
    frameworkErrors: (err, _request, reply) => {
      const { status, body } = toErrorResponse(err);
      void (reply as FastifyReply).code(status).send(body);
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const cleanups: Array<() => Promise<void>> = [];
  app.addHook('onClose', async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        app.log.error({ err }, 'error while closing a hub resource');
      }
    }
  });

  try {
    let store = givenStore;
    if (!store) {
      // The data folder holds the database and demo credentials: the hub's user only.
      if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      const created = await createStore({ url: config.databaseUrl, sqlitePath: config.sqlitePath ?? join(config.dataDir, 'anyu.db') });
      cleanups.push(() => created.close());
      store = created;
    }
    const metrics = createMetrics();
    const retention = startRetention({ store, metrics, logger: app.log, days: config.retentionDays });
    cleanups.push(() => retention.stop());

    let adapter: Awaited<ReturnType<typeof createRedisAdapter>> | null = null;
    if (config.redisUrl) {
      adapter = await createRedisAdapter(config.redisUrl, config.redisStream, app.log);
      const redis = adapter;
      cleanups.push(() => redis.close());
    }
    let live: Live | null = null;
    const actions: IncidentActions = createIncidentActions({ store, metrics, notify: (v) => live?.pushIncident(v) });
    const liveHub = createLive(app.server, {
      store,
      metrics,
      logger: app.log,
      origins: { allowed: config.allowedOrigins, trustProxy: config.trustProxy },
      actions: () => actions,
      ...(adapter ? { adapter: adapter.adapter } : {}),
      ...(config.guardianWebhookUrl ? { notifiers: [new WebhookNotifier(config.guardianWebhookUrl)] } : {}),
    });
    live = liveHub;
    cleanups.push(() => liveHub.close());

    const processMessage = createIngestProcessor({
      store,
      metrics,
      logger: app.log,
      snapshotMaxBytes: config.snapshotMaxBytes,
      clock: { maxAheadMs: config.edgeClockAheadSeconds * 1000, maxBehindMs: config.retentionDays * 86_400_000 },
      sinks: { incident: (v) => liveHub.pushIncident(v), status: (s) => liveHub.pushStatus(s), attendance: (inst, ev) => liveHub.pushAttendance(inst, ev) },
    });
    let publishConfig: ConfigPublish = async () => {
      throw new Error('no broker yet');
    };
    let broker: EmbeddedBroker | null = null;
    let ingest: IngestLink;
    let mqttUrl: string;
    if ('embedded' in config.mqtt) {
      // The embedded broker stores each message before acknowledging it (broker/embedded.ts):
      // the hub needs no MQTT client of its own there.
      const started = await startEmbeddedBroker({
        ...config.mqtt.embedded,
        store,
        metrics,
        logger: app.log,
        ingest: processMessage,
        limits: defaultBrokerLimits(config.snapshotMaxBytes),
      });
      cleanups.push(() => started.close());
      // Shutdown starts here (cleanups run in reverse): edges out first, then what they
      // sent is stored before the broker and the store go away.
      cleanups.push(() => started.closeToEdges());
      broker = started;
      mqttUrl = started.url;
      ingest = { connected: () => true, drain: () => started.drain(), close: () => started.closeToEdges() };
      // No hub MQTT client here: the broker itself publishes (retained, QoS 1).
      publishConfig = (topic, payload) =>
        new Promise<void>((resolve, reject) => {
          started.aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true, dup: false }, (err) => (err ? reject(err) : resolve()));
        });
    } else {
      const external = config.mqtt;
      mqttUrl = external.url;
      const client = await startMqttIngest({
        url: external.url,
        clientId: config.mqttClientId,
        username: external.username,
        password: external.password,
        share: external.share,
        queueCheck: config.mqttQueueCheck,
        process: processMessage,
        logger: app.log,
        metrics,
      });
      cleanups.push(() => client.close());
      ingest = client;
      publishConfig = async (topic, payload) => {
        await client.client.publishAsync(topic, payload, { qos: 1, retain: true });
      };
    }

    const configChannel = createConfigChannel({ store, metrics, logger: app.log, publish: publishConfig, ...(configRetry ? { retryInitialMs: configRetry.initialMs, retryMaxMs: configRetry.maxMs } : {}) });
    cleanups.push(async () => configChannel.close());
    const brokerInfo: BrokerInfo = {
      mode: broker ? 'embedded' : 'external',
      url: mqttUrl,
      connected: () => ingest.connected(),
      disconnectEdge: async (edgeId) => (broker ? broker.disconnectEdge(edgeId) : 0),
    };
    app.decorate('store', store);
    app.decorate('metrics', metrics);
    app.decorate('hubConfig', config);
    app.decorate('actions', actions);
    app.decorate('live', liveHub);
    app.decorate('broker', brokerInfo);
    app.decorate('configChannel', configChannel);
    app.decorate('subsidyRules', SubsidyRules.parse(subsidyRules ?? {}));
    app.decorate('coverage', coverage === undefined ? (s: Store, scope: Scope, q: CoverageQuery) => coverageReport(s, scope, q, now ? { now } : {}) : coverage);
    app.decorateRequest('user', null);

    app.setErrorHandler(async (err, request, reply) => {
      const { status, body } = toErrorResponse(err);
      if (status >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code: body.error.code, status }, 'request refused');
      // A signed-in person trying what their role may not do is audited.
      if (status === 403 && request.user) {
        const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
        await actions.audit(request.user, 'access.denied', `route:${route}`, request.user.institutionId, { reason: body.error.message })
          .catch((auditErr: unknown) => request.log.error({ err: auditErr }, 'audit of a refused request failed'));
      }
      return reply.code(status).send(body);
    });
    app.addHook('preClose', async () => {
      liveHub.stopAccepting();
    });

    const routes = recordRouteAccess(app);
    await registerWebSecurity(app, config.allowedOrigins);
    await app.register(fastifyCookie);
    await app.register(fastifyRateLimit, { global: false });
    await app.register(fastifySwagger, {
      openapi: { info: { title: 'Anyu hub API', description: '安育 hub: incidents, coverage, audit', version: HUB_VERSION } },
      transform: jsonSchemaTransform,
    });
    // The swagger UI needs its own inline script and style hashes (the plugin knows them).
    await app.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/, ''),
    });
    await app.register(apiPlugin, { prefix: '/api' });
    await app.register(metricsRoutes);
    const web = await registerWeb(app, config.dashboardDir);
    await app.ready();
    app.log.info({ web, mqtt: brokerInfo.mode, store: store.kind }, 'hub ready');

    const finalStore = store;
    return {
      app,
      config,
      store: finalStore,
      broker,
      ingest,
      mqttUrl,
      retention,
      configChannel,
      routes,
      async listen() {
        return app.listen({ port: config.http.port, host: config.http.host });
      },
      close: () => app.close(),
    };
  } catch (err) {
    await app.close();
    throw err;
  }
}
