import { createRequire } from 'node:module';

/** The package version, reported by `/api/health`. */
export const HUB_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
