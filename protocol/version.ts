/** Version of every wire payload. Bump it only with a migration path for old edges. */
export const SCHEMA_VERSION = 1 as const;
