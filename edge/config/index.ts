export * from './schema.ts';
export { loadConfig, parseConfig, ConfigError, formatIssues, formatPath } from './load.ts';
