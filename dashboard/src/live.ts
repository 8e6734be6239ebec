/**
 * The Socket.IO connection of one signed-in user. It validates every incoming event with
 * the protocol schema (types validate nothing), and when a reconnect could not recover
 * the session it re-fetches the active incidents over HTTP so nothing is missed.
 */
import { useEffect, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import { IncidentView } from '../../protocol/api.ts';
import { EdgeStatus } from '../../protocol/status.ts';
import { AttendanceEventView } from '../../protocol/attendance-api.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol/live.ts';

export type ConnState = 'connecting' | 'connected' | 'disconnected';

export interface LiveListeners {
  incident: (incident: IncidentView) => void;
  status: (status: EdgeStatus) => void;
  /** An attendance event of the institution was recorded or decided. */
  attendance: (event: AttendanceEventView) => void;
  state: (state: ConnState) => void;
  /** Current open incidents fetched after a connect that did not recover; `first` on the first connect. */
  resync: (items: IncidentView[], first: boolean) => void;
}

export interface LiveConnection {
  /** Later events only: a `state` listener must read `state()` once it is subscribed (see `useConnState`). */
  on<K extends keyof LiveListeners>(event: K, fn: LiveListeners[K]): () => void;
  state(): ConnState;
  ack(id: string): Promise<IncidentView>;
  /** Incoming payloads that failed validation (shown nowhere, logged to the console). */
  rejected(): number;
  close(): void;
}

export interface LiveDeps {
  token: string;
  fetchOpen: () => Promise<IncidentView[]>;
  url?: string;
}

const ACK_TIMEOUT_MS = 5_000;
const RETRY_AFTER_REJECT_MS = 1_500;

export function createLive(deps: LiveDeps): LiveConnection {
  const listeners: { [K in keyof LiveListeners]: Set<LiveListeners[K]> } = {
    incident: new Set(),
    status: new Set(),
    attendance: new Set(),
    state: new Set(),
    resync: new Set(),
  };
  const emit = <K extends keyof LiveListeners>(event: K, ...args: Parameters<LiveListeners[K]>): void => {
    for (const fn of listeners[event]) (fn as (...a: Parameters<LiveListeners[K]>) => void)(...args);
  };
  let state: ConnState = 'connecting';
  let rejected = 0;
  let connects = 0;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const setState = (s: ConnState): void => {
    if (s === state) return;
    state = s;
    emit('state', s);
  };

  const scheduleRetry = (): void => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      if (!closed && !socket.connected) socket.connect();
    }, RETRY_AFTER_REJECT_MS);
  };

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(deps.url ?? '/', {
    auth: { token: deps.token },
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 3_000,
  });

  socket.on('connect', () => {
    setState('connected');
    const first = connects === 0;
    connects += 1;
    if (socket.recovered) return;
    deps.fetchOpen().then(
      (items) => emit('resync', items, first),
      (err: unknown) => console.error('re-fetch of open incidents failed', err),
    );
  });
  socket.on('disconnect', (reason) => {
    setState('disconnected');
    // A hub that shuts down disconnects its clients on purpose ("io server disconnect"),
    // which stops socket.io's own reconnection; a restarted hub should find us again.
    if (reason === 'io server disconnect' && !closed) scheduleRetry();
  });
  socket.on('connect_error', (err) => {
    setState(connects === 0 ? 'connecting' : 'disconnected');
    // A refusal by the server's auth middleware stops socket.io's own retries; the hub
    // may just be restarting, so try again (a truly expired session logs out via HTTP 401).
    if (!socket.active && !closed) {
      console.warn('live connection refused:', err.message);
      scheduleRetry();
    }
  });
  socket.on('incident', (payload: unknown) => {
    const parsed = IncidentView.safeParse(payload);
    if (!parsed.success) {
      rejected += 1;
      console.warn('invalid incident event', parsed.error.issues);
      return;
    }
    emit('incident', parsed.data);
  });
  socket.on('attendance', (payload: unknown) => {
    const parsed = AttendanceEventView.safeParse(payload);
    if (!parsed.success) {
      rejected += 1;
      console.warn('invalid attendance event', parsed.error.issues);
      return;
    }
    emit('attendance', parsed.data);
  });
  socket.on('edge:status', (payload: unknown) => {
    const parsed = EdgeStatus.safeParse(payload);
    if (!parsed.success) {
      rejected += 1;
      console.warn('invalid edge:status event', parsed.error.issues);
      return;
    }
    emit('status', parsed.data);
  });

  return {
    on(event, fn) {
      listeners[event].add(fn);
      return () => listeners[event].delete(fn);
    },
    state: () => state,
    rejected: () => rejected,
    ack(id) {
      return new Promise((resolve, reject) => {
        socket.timeout(ACK_TIMEOUT_MS).emit('incident:ack', { id }, (err: Error | null, res) => {
          if (err) return reject(err);
          if ('error' in res) return reject(new Error(res.error.message));
          const parsed = IncidentView.safeParse(res.data);
          if (!parsed.success) return reject(new Error('invalid ack response'));
          resolve(parsed.data);
        });
      });
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      socket.disconnect();
      for (const set of Object.values(listeners)) set.clear();
    },
  };
}

/**
 * The connection state as component state. Preact runs effects after the next frame, and
 * the socket may connect (or drop) between the render that read `state()` and the effect
 * that subscribes: in a background tab (no frames, timers held back) it usually does, on a
 * starved renderer sometimes, and that change was emitted to no listener, leaving the header
 * at "connecting" for good while incidents flowed. So the effect re-reads the state after
 * subscribing.
 */
export function useConnState(live: LiveConnection): ConnState {
  const [state, setState] = useState<ConnState>(live.state());
  useEffect(() => {
    const off = live.on('state', setState);
    setState(live.state());
    return off;
  }, [live]);
  return state;
}
