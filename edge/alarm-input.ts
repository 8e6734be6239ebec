/**
 * The one-button alarm's local trigger: a tiny HTTP endpoint for a button daemon on the
 * same box (`POST /alarm/<inputId>`), not a web server: loopback by default, a bearer
 * token when configured (required off loopback), a bounded body, nothing else served.
 * `anyu edge alarm --config <file> --input <id>` is its client, for GPIO scripts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AlarmConfig } from './config/schema.ts';
import { endpointUrl, listenLocal, replyJson as reply, type LocalEndpoint } from './local-http.ts';

/** `url` (`http://host:port`) it listens on, and `close()`. */
export type AlarmServer = LocalEndpoint;

export interface AlarmServerOptions {
  http: AlarmConfig['http'];
  /** Raises the alarm; the incident id, or null for an unknown input. */
  raise(inputId: string): string | null;
  log?: (msg: string) => void;
}

const INPUT_PATH = /^\/alarm\/([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

function tokenOk(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startAlarmServer(opts: AlarmServerOptions): Promise<AlarmServer> {
  const { http } = opts;
  const server: Server = createServer((req, res) => {
    // No body is read: a press carries nothing but the input id in the path.
    req.resume();
    const m = INPUT_PATH.exec(req.url ?? '');
    if (!m) return reply(res, 404, { error: 'POST /alarm/<input id>' });
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return reply(res, 405, { error: 'use POST' });
    }
    if (!tokenOk(req, http.token)) return reply(res, 401, { error: 'missing or wrong bearer token' });
    const incident = opts.raise(m[1]!);
    if (!incident) return reply(res, 404, { error: `no alarm input ${m[1]} in the edge config` });
    return reply(res, 202, { incident });
  });
  server.headersTimeout = 5_000;
  server.requestTimeout = 5_000;
  const endpoint = await listenLocal(server, http.port, http.host);
  opts.log?.(`alarm inputs: POST ${endpoint.url}/alarm/<input id>`);
  return endpoint;
}

/** Client side of `anyu edge alarm`: presses input `inputId` on the agent at `http`. */
export async function pressAlarm(http: AlarmConfig['http'], inputId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${endpointUrl(http)}/alarm/${encodeURIComponent(inputId)}`, {
    method: 'POST',
    headers: http.token ? { authorization: `Bearer ${http.token}` } : {},
    signal: AbortSignal.timeout(5_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
