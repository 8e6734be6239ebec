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
  | 'bad_url';

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}
