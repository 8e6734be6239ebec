/**
 * Enrolment on the edge: `POST /enrol/<childId>` with one JPEG photo as the body (≤ 8 MB),
 * on loopback only (the config refuses any other host), answered with the number of
 * templates the child now has. Refused with 403 unless the child is in the consent list
 * the hub sent (EdgeConfig.faceConsent), 422 when the photo has no single clear face.
 * The photo is decoded in memory and dropped; only its descriptor is stored, encrypted.
 * `anyu edge enrol --config <file> --child <id> --photo a.jpg [--photo b.jpg]` is the client.
 */
import { createServer, type Server } from 'node:http';
import { endpointUrl, listenLocal, replyJson as reply, type LocalEndpoint } from '../local-http.ts';
import { ConsentError, EnrolmentError, type FaceRecognizer } from './recognizer.ts';

const PATH = /^\/enrol\/([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

/** `url` (`http://host:port`) it listens on, and `close()`. */
export type EnrolServer = LocalEndpoint;

export async function startEnrolServer(opts: { host: string; port: number; recognizer: FaceRecognizer; log?: (msg: string) => void }): Promise<EnrolServer> {
  let busy = Promise.resolve();
  const server: Server = createServer((req, res) => {
    const m = PATH.exec(req.url ?? '');
    if (!m) {
      req.resume();
      return reply(res, 404, { error: 'POST /enrol/<child id> with a JPEG body' });
    }
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('allow', 'POST');
      return reply(res, 405, { error: 'use POST' });
    }
    const childId = m[1]!;
    // Consent first: a photo of a child without consent is not even read.
    if (!opts.recognizer.hasConsent(childId)) {
      req.resume();
      return reply(res, 403, { error: `child ${childId} has no face-recognition consent on record at this edge; enrolment refused` });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_PHOTO_BYTES) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooBig) return reply(res, 413, { error: `photo larger than ${MAX_PHOTO_BYTES} bytes` });
      const photo = Buffer.concat(chunks);
      chunks.length = 0;
      busy = busy.then(async () => {
        try {
          const { templates } = await opts.recognizer.enrol(childId, [photo]);
          opts.log?.(`enrolled child ${childId} (${templates} template(s))`);
          reply(res, 201, { childId, templates });
        } catch (err) {
          if (err instanceof ConsentError) reply(res, 403, { error: err.message });
          else if (err instanceof EnrolmentError) reply(res, 422, { error: err.message });
          else reply(res, 500, { error: (err as Error).message });
        } finally {
          photo.fill(0);
        }
      });
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  const endpoint = await listenLocal(server, opts.port, opts.host);
  opts.log?.(`face enrolment: POST ${endpoint.url}/enrol/<child id> (JPEG body)`);
  return endpoint;
}

/** Client side of `anyu edge enrol`. */
export async function postEnrolPhoto(http: { host: string; port: number }, childId: string, photo: Uint8Array): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${endpointUrl(http)}/enrol/${encodeURIComponent(childId)}`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body: new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
