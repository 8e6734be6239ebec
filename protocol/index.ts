export * from './version.ts';
export * from './domain.ts';
export * from './topics.ts';
export * from './incident.ts';
export * from './status.ts';
export * from './api.ts';
export * from './live.ts';
export * from './time-zone.ts';
