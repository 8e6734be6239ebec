/**
 * The Socket.IO Redis streams adapter for deployments with several hubs (shared MQTT
 * subscription, PostgreSQL): every hub's pushes reach every hub's clients, and
 * connection-state recovery keeps working across hubs because sessions live in Redis.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import type { FastifyBaseLogger } from 'fastify';

export async function createRedisAdapter(url: string, stream: string, logger: FastifyBaseLogger) {
  const log = logger.child({ component: 'redis-adapter' });
  const client = createClient({ url });
  client.on('error', (err: Error) => log.warn({ err: err.message }, 'redis client error'));
  await client.connect();
  log.info({ stream }, 'Socket.IO Redis streams adapter connected');
  return {
    adapter: createAdapter(client, {
      streamName: stream,
      channelPrefix: stream,
      sessionKeyPrefix: `${stream}:session:`,
      // Only JSON crosses hubs (incident views, edge status), never binary.
      onlyPlaintext: true,
    }),
    close: async () => {
      await client.close();
    },
  };
}
