/**
 * Embedded MQTT broker (aedes) for single-machine installs. Each edge signs in with
 * username = its edgeId, its own password (scrypt hash in the store) and its own client
 * id (`edge-auth.ts`); it may publish and subscribe only under
 * `anyu/v1/{its institution}/{its edgeId}/#`.
 *
 * The hub ingests here, inside the broker, and only then lets aedes acknowledge: aedes
 * sends a QoS1 PUBACK before it hands a message to any subscriber (lib/handlers/publish.js),
 * so a hub that subscribed like any client got messages the edge had already deleted from
 * its outbox, and a kill -9 lost the whole queued backlog. `authorizePublish` runs before
 * that PUBACK: the message is validated and stored there (one at a time, in arrival
 * order), so a PUBACK always means "stored", and an edge whose message was not stored
 * keeps it in its outbox and sends it again (ingest is idempotent on incident id and seq).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { FastifyBaseLogger } from 'fastify';
import { EDGE_PUBLISH_KINDS, EDGE_SUBSCRIBE_KINDS, parseTopic, TOPIC_ROOT } from '../../protocol/index.ts';
import type { IngestOutcome } from '../ingest/process.ts';
import type { HubMetrics } from '../metrics.ts';
import type { Store } from '../store/types.ts';
import { createEdgeAuth, DEFAULT_EDGE_AUTH_LIMITS, type EdgeAuthLimits } from './edge-auth.ts';
import { guardPackets, type PacketLimits } from './packet-guard.ts';

const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
/** CONNACK return code and message for each refusal (MQTT 3.1.1 §3.2.2.3). */
const REFUSALS = {
  credentials: [BAD_USERNAME_OR_PASSWORD, 'bad username or password'],
  client_id: [IDENTIFIER_REJECTED, 'identifier rejected'],
  throttled: [SERVER_UNAVAILABLE, 'too many failed sign-ins from this address'],
} as const;

interface EdgePrincipal {
  institutionId: string;
  edgeId: string;
  prefix: string;
}

export interface BrokerLimits extends PacketLimits, EdgeAuthLimits {
  /** A socket that sends no CONNECT within this time is closed. */
  connectTimeoutMs: number;
  /** Open sockets at once, authenticated or not. */
  maxConnections: number;
}

export interface EmbeddedBroker {
  readonly port: number;
  readonly host: string;
  readonly url: string;
  readonly aedes: Aedes;
  /** Messages stored and acknowledged so far are done; resolves when nothing is in hand. */
  drain(): Promise<void>;
  /** Refuses new edges, disconnects the connected ones and ingests what is in hand. */
  closeToEdges(): Promise<void>;
  /**
   * Drops the live sessions of one edge (after its password was rotated), so a leaked
   * password stops working at once, not only at the next reconnect. Returns how many.
   */
  disconnectEdge(edgeId: string): Promise<number>;
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  port: number;
  host: string;
  store: Pick<Store, 'getEdge'>;
  metrics: HubMetrics;
  logger: FastifyBaseLogger;
  /** Validates and stores one edge message; aedes acknowledges it only after this resolves. */
  ingest(topic: string, payload: Buffer): Promise<IngestOutcome>;
  limits?: Partial<BrokerLimits>;
}

/** Snapshots are the largest messages (2 MB by default); their topic and header add little. */
export function defaultBrokerLimits(snapshotMaxBytes: number): BrokerLimits {
  return {
    firstPacketBytes: 256 * 1024,
    packetBytes: snapshotMaxBytes + 64 * 1024,
    connectTimeoutMs: 10_000,
    maxConnections: 10_000,
    ...DEFAULT_EDGE_AUTH_LIMITS,
  };
}

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** True when `topic` (or a subscription filter) lies inside the edge's own subtree. */
function insideSubtree(topic: string, prefix: string): boolean {
  return topic.startsWith(prefix) && topic.length > prefix.length;
}

/**
 * An edge publishes only contract topics of its own subtree and only the kinds edges send
 * (never `config`, the hub's); it subscribes only to its own `config`, exactly (no wildcard).
 */
function mayPublish(topic: string, who: EdgePrincipal): boolean {
  if (!insideSubtree(topic, who.prefix)) return false;
  const parsed = parseTopic(topic);
  return parsed !== null && EDGE_PUBLISH_KINDS.includes(parsed.kind);
}
function maySubscribe(filter: string, who: EdgePrincipal): boolean {
  if (!insideSubtree(filter, who.prefix)) return false;
  const parsed = parseTopic(filter);
  return parsed !== null && EDGE_SUBSCRIBE_KINDS.includes(parsed.kind);
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { metrics, logger } = opts;
  const limits: BrokerLimits = { ...defaultBrokerLimits(2_000_000), ...opts.limits };
  const log = logger.child({ component: 'broker' });
  const principals = new WeakMap<Client, EdgePrincipal>();
  const addresses = new WeakMap<object, string>();
  const edgeAuth = await createEdgeAuth(opts.store, limits);
  let open = true;
  const edgeClients = new Set<Client>();

  type Refusal = 'connect' | 'publish' | 'subscribe' | 'client_id' | 'throttled' | 'too_large' | 'unstored';
  const refuse = (action: Refusal, client: Client | null, detail: Record<string, unknown>) => {
    metrics.brokerRefused.inc({ action });
    log.warn({ clientId: client?.id, ...detail }, `broker refused: ${action}`);
  };
  const addressOf = (client: Client) => addresses.get(client.conn) ?? 'unknown';

  // One message at a time, in the order aedes authorizes them (an edge's order).
  let tail: Promise<unknown> = Promise.resolve();
  const ingestInOrder = (topic: string, payload: Buffer): Promise<IngestOutcome> => {
    const next = tail.then(() => opts.ingest(topic, payload));
    tail = next.catch(() => undefined);
    return next;
  };

  const aedes = await Aedes.createBroker({
    connectTimeout: limits.connectTimeoutMs,
    authenticate: (client, username, password, done) => {
      if (!open) return done(authError('hub shutting down', SERVER_UNAVAILABLE), false);
      const address = addressOf(client);
      edgeAuth.check(address, client.id, username ?? '', password?.toString('utf8') ?? '').then(
        (res) => {
          if (!res.ok) {
            refuse(res.reason === 'credentials' ? 'connect' : res.reason, client, { username, address });
            const [code, message] = REFUSALS[res.reason];
            return done(authError(message, code), false);
          }
          settle(client.conn);
          const { edge } = res;
          principals.set(client, { institutionId: edge.institutionId, edgeId: edge.id, prefix: `${TOPIC_ROOT}/${edge.institutionId}/${edge.id}/` });
          edgeClients.add(client);
          done(null, true);
        },
        (err: unknown) => {
          log.error({ err, username }, 'edge lookup failed during MQTT authentication');
          done(authError('authentication unavailable', SERVER_UNAVAILABLE), false);
        },
      );
    },
    authorizePublish: (client, packet, done) => {
      // A null client is the broker itself (its own $SYS messages).
      if (client === null) return done(null);
      const who = principals.get(client);
      if (!who || !mayPublish(packet.topic, who)) {
        refuse('publish', client, { topic: packet.topic, edgeId: who?.edgeId });
        return done(new Error(`publish to ${packet.topic} not allowed`));
      }
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      ingestInOrder(packet.topic, payload).then(
        (result) => {
          // Not stored through no fault of the edge: no PUBACK (MQTT 3.1.1 can only drop
          // the link), the edge keeps the message and sends it again after reconnecting.
          if (result.outcome === 'rejected' && result.reason === 'store_error') {
            refuse('unstored', client, { topic: packet.topic });
            return done(new Error('the hub could not store this message; send it again'));
          }
          done(null);
        },
        (err: unknown) => {
          log.error({ err, topic: packet.topic }, 'ingest failed inside the broker');
          done(new Error('the hub could not store this message; send it again'));
        },
      );
    },
    authorizeSubscribe: (client, sub, done) => {
      const who = principals.get(client);
      if (who && maySubscribe(sub.topic, who)) return done(null, sub);
      refuse('subscribe', client, { topic: sub.topic });
      // A null subscription answers SUBACK 0x80 for this filter without dropping the link.
      done(null, null);
    },
  });

  aedes.on('clientDisconnect', (client) => edgeClients.delete(client));
  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  aedes.on('connectionError', (client, err) => log.debug({ clientId: client?.id, err: err.message }, 'mqtt connection error'));

  // Sockets accepted and not yet signed in, for the per-address pending limit.
  const unsettled = new WeakMap<object, string>();
  const settle = (conn: object) => {
    const address = unsettled.get(conn);
    if (address === undefined) return;
    unsettled.delete(conn);
    edgeAuth.settled(address);
  };
  const server: Server = createServer((socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (!edgeAuth.accept(address)) {
      // Blocked or flooding: closed before aedes spends anything on it.
      metrics.brokerRefused.inc({ action: 'throttled' });
      socket.destroy();
      return;
    }
    const conn = guardPackets(socket, limits, (err) => {
      refuse('too_large', null, { address, announced: err.announced, limit: err.limit, beforeConnect: err.first });
    });
    addresses.set(conn, address);
    unsettled.set(conn, address);
    socket.once('close', () => settle(conn));
    aedes.handle(conn);
  });
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A connect flood must not fill the accept queue (Node's default backlog is 511):
    // a real edge's SYN would be dropped and retried a second later.
    server.listen({ port: opts.port, host: opts.host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const dialHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  log.info({ port, host: opts.host }, 'embedded MQTT broker listening');

  const closeClients = (clients: Client[]) => Promise.all(clients.map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
  const drain = async () => {
    // A message ingested while draining (a Last Will) extends the tail: wait until it holds still.
    for (let seen = tail; ; seen = tail) {
      await seen;
      if (seen === tail) return;
    }
  };

  return {
    port,
    host: opts.host,
    url: `mqtt://${dialHost}:${port}`,
    aedes,
    drain,
    closeToEdges: async () => {
      open = false;
      await closeClients([...edgeClients]);
      edgeClients.clear();
      await drain();
    },
    disconnectEdge: async (edgeId) => {
      const own = [...edgeClients].filter((c) => principals.get(c)?.edgeId === edgeId);
      await closeClients(own);
      for (const c of own) edgeClients.delete(c);
      return own.length;
    },
    close: async () => {
      open = false;
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await drain();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
