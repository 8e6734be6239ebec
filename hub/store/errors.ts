/**
 * Errors the store raises on purpose, with a stable code so callers (ingest, routes) can
 * count and map them without parsing driver messages.
 */
export type StoreErrorCode =
  /** An incident or status names an institution the hub does not know. */
  | 'unknown_institution'
  /** A camera names a room that does not exist in its institution. */
  | 'unknown_room'
  | 'username_taken'
  /** A time string that does not parse as an ISO-8601 date-time. */
  | 'bad_time'
  | 'bad_url'
  /** The database could not be opened or migrated (unreachable server, unwritable file). */
  | 'unavailable';

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
