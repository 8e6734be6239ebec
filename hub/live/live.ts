/**
 * Live push over Socket.IO, attached to Fastify's HTTP server. Typed with the four
 * generics of protocol/live.ts; every client → server payload is validated at runtime
 * and answered `{ data } | { error }`. A supervisor or admin joins the room of their
 * institution, a regulator the room of their region; `camera:watch` adds a camera room.
 * Regulators' rooms get incidents without people's data (api/regulator-view.ts).
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { FastifyBaseLogger } from 'fastify';
import {
  AckRequest,
  WatchRequest,
  rooms,
  type AckResult,
  type ClientToServerEvents,
  type EdgeStatus,
  type IncidentView,
  type InstitutionView,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
} from '../../protocol/index.ts';
import type { AttendanceEventView, GuardianPush } from '../../protocol/index.ts';
import type { GuardianNotifier } from '../notify/notifier.ts';
import type { IncidentActions } from '../actions.ts';
import { scopeOf, tokenFrom, userForToken } from '../api/access.ts';
import { regulatorView } from '../api/regulator-view.ts';
import { HubError, toErrorResponse } from '../errors.ts';
import { originAllowed, requestHost } from '../web/security.ts';
import type { HubMetrics } from '../metrics.ts';
import type { Store } from '../store/types.ts';

interface Targets {
  own: string[];
  regions: string[];
}

type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface LiveDeps {
  store: Store;
  metrics: HubMetrics;
  logger: FastifyBaseLogger;
  /** Resolved lazily: actions push through this module, and this module calls actions. */
  actions: () => IncidentActions;
  /** How long a disconnected client's missed events are kept for recovery. */
  recoveryWindowMs?: number;
  /** A cluster adapter (Redis streams) when several hubs serve one deployment. */
  adapter?: ServerOptions['adapter'];
  /** Where guardians' messages go besides their pages (SMS gateway, webhook). */
  notifiers?: readonly GuardianNotifier[];
  /** Origins allowed to open a connection besides the hub's own (web/security.ts). */
  origins?: { allowed: readonly string[]; trustProxy: unknown };
}

export interface Live {
  readonly io: HubIo;
  pushIncident(view: IncidentView): void;
  pushStatus(status: EdgeStatus): void;
  /** To the institution's own room only (supervisors and admins), never to regulators. */
  pushAttendance(institutionId: string, event: AttendanceEventView): void;
  /** To the guardians of one child only (their own rooms, and the notifiers). */
  pushGuardian(institutionId: string, childId: string, make: (childName: string) => GuardianPush): void;
  /** Forget cached institution → region mapping (after institutions change). */
  invalidateInstitutions(): void;
  /**
   * First step of shutdown: refuse new Engine.IO connections and drop the open ones, so a
   * dashboard that reconnects at once cannot hold the HTTP server open while it closes.
   */
  stopAccepting(): void;
  close(): Promise<void>;
}

function fail<T>(err: unknown): AckResult<T> {
  const { body } = toErrorResponse(err);
  return { error: body.error };
}

export function createLive(server: HttpServer, deps: LiveDeps): Live {
  const { store, metrics } = deps;
  const log = deps.logger.child({ component: 'live' });
  let accepting = true;
  const allowedOrigins = new Set(deps.origins?.allowed ?? []);
  const io: HubIo = new Server(server, {
    path: '/socket.io',
    // A page of another origin must not open a socket with the user's cookie and send
    // acknowledgements (cross-site WebSocket hijacking): same Origin check as HTTP.
    allowRequest: (req, callback) => {
      if (!accepting) return callback('hub shutting down', false);
      if (!originAllowed(req.headers, requestHost(req.headers, deps.origins?.trustProxy ?? false), allowedOrigins)) {
        log.warn({ origin: req.headers.origin }, 'Socket.IO connection from another origin refused');
        return callback('cross-origin connection refused', false);
      }
      callback(null, true);
    },
    serveClient: true,
    maxHttpBufferSize: 64 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: deps.recoveryWindowMs ?? 2 * 60_000, skipMiddlewares: true },
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  });

  // Regulators watch a town or a district, so each push also goes to the rooms of the
  // institution's town and district. The mapping is cached; a miss reloads it at most
  // every few seconds (ids from an external broker may belong to no known institution).
  let regions = new Map<string, Pick<InstitutionView, 'townId' | 'districtId'>>();
  let lastLoad = 0;
  /** The institution's own rooms (its people), and the rooms of its town and district (regulators). */
  const roomsFor = async (institutionId: string, cameraId?: string): Promise<Targets> => {
    if (!regions.has(institutionId) && Date.now() - lastLoad > 5_000) {
      lastLoad = Date.now();
      const list = await store.listInstitutions({ kind: 'all' });
      regions = new Map(list.map((i) => [i.id, { townId: i.townId, districtId: i.districtId }]));
    }
    const r = regions.get(institutionId);
    const own = [rooms.institution(institutionId)];
    if (cameraId) own.push(rooms.camera(institutionId, cameraId));
    return { own, regions: r ? [rooms.region(r.townId), rooms.region(r.districtId)] : [] };
  };
  // Pushes leave in the order they were made even when one waits for a reload.
  let queue: Promise<void> = Promise.resolve();
  const push = (what: string, institutionId: string, cameraId: string | undefined, emit: (targets: Targets) => void) => {
    queue = queue
      .then(() => roomsFor(institutionId, cameraId))
      .then(emit, (err: unknown) => log.error({ err, what }, 'live push failed'));
  };

  const pushGuardian = (institutionId: string, childId: string, make: (childName: string) => GuardianPush) => {
    void (async () => {
      const userIds = await store.guardian.guardiansOfChild(institutionId, childId);
      if (userIds.length === 0) return;
      const child = await store.attendance.getChild({ kind: 'institution', institutionId }, institutionId, childId);
      const message = make(child?.name ?? childId);
      io.to(userIds.map((u) => rooms.guardian(u))).emit('guardian', message);
      for (const n of deps.notifiers ?? []) {
        await n.notify({ userIds, institutionId, push: message }).catch((err: unknown) => log.warn({ err, notifier: n.name }, 'guardian notifier failed'));
      }
    })().catch((err: unknown) => log.error({ err }, 'guardian push failed'));
  };

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : tokenFrom({ cookie: socket.handshake.headers.cookie });
    userForToken(store, token).then(
      (user) => {
        if (!user) return next(Object.assign(new Error('UNAUTHENTICATED'), { data: { code: 'UNAUTHENTICATED' } }));
        socket.data.user = user;
        next();
      },
      (err: unknown) => {
        log.error({ err }, 'session lookup failed during Socket.IO handshake');
        next(new Error('INTERNAL'));
      },
    );
  });

  io.on('connection', (socket: HubSocket) => {
    const user = socket.data.user;
    metrics.liveClients.inc();
    socket.on('disconnect', () => metrics.liveClients.dec());
    if (!socket.recovered && user.role === 'guardian') {
      // A guardian hears about their own children only, never the institution's room.
      void socket.join(rooms.guardian(user.id));
    } else if (!socket.recovered) {
      const scope = scopeOf(user);
      void socket.join(scope.kind === 'region' ? rooms.region(scope.regionId) : rooms.institution(scope.kind === 'institution' ? scope.institutionId : ''));
    }

    socket.on('incident:ack', (req, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = AckRequest.safeParse(req);
      if (!parsed.success) return ack(fail(new HubError('BAD_REQUEST', 'expected { id }')));
      if (user.role !== 'supervisor' && user.role !== 'institution_admin') {
        void deps.actions().audit(user, 'access.denied', 'socket:incident:ack', user.institutionId, { id: parsed.data.id })
          .catch((err: unknown) => log.error({ err }, 'audit of a refused acknowledgement failed'));
        return ack(fail(new HubError('FORBIDDEN')));
      }
      deps.actions().acknowledge(user, parsed.data.id).then((view) => ack({ data: view }), (err: unknown) => ack(fail(err)));
    });

    const watch = (join: boolean) => (req: unknown, ack: (res: AckResult<true>) => void) => {
      if (typeof ack !== 'function') return;
      const parsed = WatchRequest.safeParse(req);
      if (!parsed.success) return ack(fail(new HubError('BAD_REQUEST', 'expected { cameraId }')));
      if (user.role === 'regulator' || user.role === 'guardian' || !user.institutionId) return ack(fail(new HubError('FORBIDDEN')));
      const room = rooms.camera(user.institutionId, parsed.data.cameraId);
      if (join) void socket.join(room);
      else void socket.leave(room);
      ack({ data: true });
    };
    socket.on('camera:watch', watch(true));
    socket.on('camera:unwatch', watch(false));
  });

  return {
    io,
    pushIncident(view) {
      push('incident', view.institutionId, view.cameraId ?? undefined, (targets) => {
        io.to(targets.own).emit('incident', view);
        // Regulators' rooms get what a regulator may read (no people's data, api/regulator-view.ts).
        if (targets.regions.length > 0) io.to(targets.regions).emit('incident', regulatorView(view));
      });
    },
    pushAttendance(institutionId, event) {
      io.to(rooms.institution(institutionId)).emit('attendance', event);
      // Guardians hear of counted check-ins and check-outs, not of proposals staff have not confirmed.
      if (event.state === 'counted') {
        pushGuardian(institutionId, event.childId, (childName) => ({ type: 'attendance', childId: event.childId, childName, direction: event.direction, at: event.at, source: event.source }));
      }
    },
    pushGuardian,
    pushStatus(status) {
      push('edge:status', status.institutionId, undefined, (targets) => io.to([...targets.own, ...targets.regions]).emit('edge:status', status));
    },
    invalidateInstitutions() {
      lastLoad = 0;
      regions = new Map();
    },
    stopAccepting() {
      accepting = false;
      io.local.disconnectSockets(true);
      io.engine.close();
    },
    async close() {
      accepting = false;
      io.local.disconnectSockets(true);
      await queue;
      io.engine.close();
      // Stops the adapter's stream reader (a no-op for the in-memory adapter).
      await io.of('/').adapter.close();
    },
  };
}
