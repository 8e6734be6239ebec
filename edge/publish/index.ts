export { createPublisher } from './publisher.ts';
export type { Publisher, PublisherOptions, PublisherStats } from './publisher.ts';
export { Outbox } from './outbox.ts';
export type { OutboxEntry } from './outbox.ts';
export { encodeSnapshot } from './snapshot.ts';
