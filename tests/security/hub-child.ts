/**
 * A hub in a process of its own, for tests that kill it (SIGKILL): the store and broker
 * come from one JSON argument; prints `ready <mqttUrl>` once edges can connect.
 *   node bin/run-ts.mjs tests/security/hub-child.ts '<json>'
 */
import { buildHub } from '../../hub/app.ts';
import { createStore } from '../../hub/store/index.ts';

interface ChildOptions {
  sqlitePath?: string;
  databaseUrl?: string;
  schema?: string;
  mqtt: { embedded: { port: number; host: string } } | { url: string };
  mqttClientId: string;
  mqttQueueCheck?: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const store = await createStore({ url: opts.databaseUrl, schema: opts.schema, sqlitePath: opts.sqlitePath });
try {
  const hub = await buildHub({
    store,
    logger: { level: 'warn' },
    http: { port: 0, host: '127.0.0.1' },
    mqtt: opts.mqtt,
    mqttClientId: opts.mqttClientId,
    ...(opts.mqttQueueCheck !== undefined ? { mqttQueueCheck: opts.mqttQueueCheck } : {}),
  });
  console.log(`ready ${hub.mqttUrl}`);
} catch (err) {
  console.log(`failed ${(err as Error).message.replace(/\n/g, ' ')}`);
  await store.close();
  process.exit(1);
}
