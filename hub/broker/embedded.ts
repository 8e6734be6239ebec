/**
 * Embedded MQTT broker (aedes) for single-machine installs. Each edge signs in with
 * username = its edgeId and its own password (scrypt hash in the store); it may publish
 * and subscribe only under `anyu/v1/{its institution}/{its edgeId}/#`. The hub's own
 * ingest client signs in with a credential made fresh at every boot.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { FastifyBaseLogger } from 'fastify';
import { TOPIC_ROOT } from '../../protocol/index.ts';
import { newToken, safeEqual, verifyPassword } from '../auth/passwords.ts';
import type { HubMetrics } from '../metrics.ts';
import type { Store } from '../store/types.ts';

/** Not a valid protocol Id, so no edge can ever own this username. */
const HUB_USERNAME = '$anyu-hub';
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;

type Principal = { kind: 'hub' } | { kind: 'edge'; institutionId: string; edgeId: string; prefix: string };

export interface EmbeddedBroker {
  readonly port: number;
  readonly host: string;
  readonly url: string;
  /** Credential of the hub's own client, valid until this broker closes. */
  readonly hubCredentials: { username: string; password: string };
  readonly aedes: Aedes;
  /**
   * Lets edges in. Until then they are refused with "server unavailable" and retry:
   * with no hub subscription yet, aedes would PUBACK their QoS1 messages and drop them.
   */
  openToEdges(): void;
  /** Refuses new edges and disconnects the connected ones (first step of a shutdown). */
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
}

function authError(message: string, returnCode = BAD_USERNAME_OR_PASSWORD): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** True when `topic` (or a subscription filter) lies inside the edge's own subtree. */
function insideSubtree(topic: string, prefix: string): boolean {
  return topic.startsWith(prefix) && topic.length > prefix.length;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { store, metrics, logger } = opts;
  const log = logger.child({ component: 'broker' });
  const principals = new WeakMap<Client, Principal>();
  const hubPassword = newToken();
  let open = false;
  const edgeClients = new Set<Client>();

  const refuse = (action: 'connect' | 'publish' | 'subscribe', client: Client | null, detail: Record<string, unknown>) => {
    metrics.brokerRefused.inc({ action });
    log.warn({ clientId: client?.id, ...detail }, `broker refused ${action}`);
  };

  const aedes = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const secret = password?.toString('utf8') ?? '';
      if (username === HUB_USERNAME && safeEqual(secret, hubPassword)) {
        principals.set(client, { kind: 'hub' });
        return done(null, true);
      }
      if (!username || username === HUB_USERNAME) {
        refuse('connect', client, { username });
        return done(authError('bad username or password'), false);
      }
      if (!open) {
        log.info({ username }, 'edge connection refused: hub ingest not subscribed yet');
        return done(authError('hub starting', SERVER_UNAVAILABLE), false);
      }
      store
        .getEdge(username)
        .then(async (edge) => {
          const ok = edge !== null && (await verifyPassword(secret, edge.passwordHash));
          if (!ok || !edge) {
            refuse('connect', client, { username });
            return done(authError('bad username or password'), false);
          }
          const prefix = `${TOPIC_ROOT}/${edge.institutionId}/${edge.id}/`;
          principals.set(client, { kind: 'edge', institutionId: edge.institutionId, edgeId: edge.id, prefix });
          edgeClients.add(client);
          done(null, true);
        })
        .catch((err: unknown) => {
          log.error({ err, username }, 'edge lookup failed during MQTT authentication');
          done(authError('authentication unavailable'), false);
        });
    },
    authorizePublish: (client, packet, done) => {
      // A null client is the broker itself (e.g. a Last Will kept from an earlier session).
      if (client === null) return done(null);
      const who = principals.get(client);
      if (who?.kind === 'hub') return done(null);
      if (who?.kind === 'edge' && insideSubtree(packet.topic, who.prefix)) return done(null);
      refuse('publish', client, { topic: packet.topic, edgeId: who?.kind === 'edge' ? who.edgeId : undefined });
      done(new Error(`publish to ${packet.topic} not allowed`));
    },
    authorizeSubscribe: (client, sub, done) => {
      const who = principals.get(client);
      if (who?.kind === 'hub') return done(null, sub);
      if (who?.kind === 'edge' && insideSubtree(sub.topic, who.prefix)) return done(null, sub);
      refuse('subscribe', client, { topic: sub.topic });
      // A null subscription answers SUBACK 0x80 for this filter without dropping the link.
      done(null, null);
    },
  });

  aedes.on('clientDisconnect', (client) => edgeClients.delete(client));
  aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  aedes.on('connectionError', (client, err) => log.debug({ clientId: client?.id, err: err.message }, 'mqtt connection error'));

  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const dialHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  log.info({ port, host: opts.host }, 'embedded MQTT broker listening');

  return {
    port,
    host: opts.host,
    url: `mqtt://${dialHost}:${port}`,
    hubCredentials: { username: HUB_USERNAME, password: hubPassword },
    aedes,
    openToEdges: () => {
      open = true;
    },
    closeToEdges: async () => {
      open = false;
      await Promise.all([...edgeClients].map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
      edgeClients.clear();
    },
    disconnectEdge: async (edgeId) => {
      const own = [...edgeClients].filter((c) => {
        const who = principals.get(c);
        return who?.kind === 'edge' && who.edgeId === edgeId;
      });
      await Promise.all(own.map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
      for (const c of own) edgeClients.delete(c);
      return own.length;
    },
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
