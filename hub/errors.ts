/**
 * The hub's one registry of coded errors. Routes and Socket.IO handlers throw `HubError`
 * with a code from here; the single error handler maps any error to `ErrorBody` and hides
 * the details of 5xx errors.
 */
import type { ErrorBody } from '../protocol/index.ts';

export const ERRORS = {
  UNAUTHENTICATED: { status: 401, message: 'sign in first' },
  BAD_CREDENTIALS: { status: 401, message: 'wrong username or password' },
  FORBIDDEN: { status: 403, message: 'your role may not do this' },
  NOT_FOUND: { status: 404, message: 'not found' },
  CONFLICT: { status: 409, message: 'already exists' },
  BAD_REQUEST: { status: 400, message: 'invalid request' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'unsupported content type' },
  RATE_LIMITED: { status: 429, message: 'too many requests, try again later' },
  NOT_AVAILABLE: { status: 503, message: 'this feature is not available on this hub' },
  INTERNAL: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class HubError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERRORS[code].message, options);
    this.name = 'HubError';
    this.code = code;
    this.statusCode = ERRORS[code].status;
  }
}

export function errorBody(code: ErrorCode, message?: string): ErrorBody {
  return { error: { code, message: message ?? ERRORS[code].message } };
}

/** Fastify's own 4xx errors (body too large, bad JSON, bad content type) by their code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_VALIDATION: 'BAD_REQUEST',
};

/** Maps anything thrown to a status and body; 5xx bodies never carry the original message. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HubError) {
    const body = err.statusCode >= 500 ? errorBody(err.code) : errorBody(err.code, err.message);
    return { status: err.statusCode, body };
  }
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown; validation?: unknown };
  const mapped = typeof e.code === 'string' ? FASTIFY_CODES[e.code] : undefined;
  const message = typeof e.message === 'string' ? e.message : undefined;
  if (mapped) return { status: ERRORS[mapped].status, body: errorBody(mapped, message) };
  if (e.validation !== undefined) return { status: 400, body: errorBody('BAD_REQUEST', message) };
  if (e.statusCode === 429) return { status: 429, body: errorBody('RATE_LIMITED') };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code: ErrorCode = e.statusCode === 404 ? 'NOT_FOUND' : e.statusCode === 401 ? 'UNAUTHENTICATED' : e.statusCode === 403 ? 'FORBIDDEN' : e.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : e.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    return { status: e.statusCode, body: errorBody(code, message) };
  }
  return { status: 500, body: errorBody('INTERNAL') };
}
