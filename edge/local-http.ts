/**
 * The edge's small local HTTP endpoints (alarm inputs, face enrolment): JSON replies, and
 * listening with a URL to log and a close that also drops kept-alive connections.
 */
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export function replyJson(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export interface LocalEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0: any); resolves once bound, rejects on a bind error. */
export async function listenLocal(server: Server, port: number, host: string): Promise<LocalEndpoint> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Base URL of an endpoint at `host:port` (an IPv6 host in brackets). */
export function endpointUrl(http: { host: string; port: number }): string {
  return `http://${http.host.includes(':') ? `[${http.host}]` : http.host}:${http.port}`;
}
