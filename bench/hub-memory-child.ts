/**
 * Child process of bench/hub-memory.ts: a real hub (embedded broker, SQLite file store)
 * with `institutions × edgesPerInstitution` edges seeded, alone in its process so its
 * resident memory is its own. Talks to the parent over IPC:
 *   → { type: 'ready', mqttUrl, password, edges: [{ id, institutionId }] }
 *   ← { type: 'rss' }   → { type: 'rss', rss, heapUsed, statuses }   (after a full GC)
 *   ← { type: 'close' } → closes the hub and exits.
 * Every edge shares one password, hashed once with the hub's own scrypt parameters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildHub } from '../hub/app.ts';
import { hashPassword } from '../hub/auth/passwords.ts';

export type ChildReply =
  | { type: 'ready'; mqttUrl: string; password: string; edges: { id: string; institutionId: string }[] }
  | { type: 'rss'; rss: number; heapUsed: number; statuses: number };

const [institutions, edgesPerInstitution] = process.argv.slice(2).map(Number);
if (!institutions || !edgesPerInstitution) throw new Error('usage: hub-memory-child.ts <institutions> <edges per institution>');
if (!process.send) throw new Error('hub-memory-child.ts must be forked with an IPC channel');
const send = (m: ChildReply) => process.send!(m);
const gc = (globalThis as { gc?: () => void }).gc;

const dataDir = mkdtempSync(join(tmpdir(), 'anyu-bench-mem-'));
const hub = await buildHub({
  dataDir,
  logger: false,
  mqtt: { embedded: { port: 0, host: '127.0.0.1' } },
  http: { port: 0, host: '127.0.0.1' },
  mqttClientId: `bench-mem-${randomBytes(3).toString('hex')}`,
});
await hub.listen();
const password = randomBytes(12).toString('hex');
const passwordHash = await hashPassword(password);
const edges: { id: string; institutionId: string }[] = [];
for (let i = 0; i < institutions; i++) {
  const institutionId = `mem-inst-${i}`;
  await hub.store.upsertInstitution({ id: institutionId, name: `Bench ${i}`, level: 'level2', townId: 'bench-town', districtId: 'bench-district', registered: true });
  for (let e = 0; e < edgesPerInstitution; e++) {
    const id = `mem-edge-${i}-${e}`;
    await hub.store.upsertEdge({ id, institutionId, passwordHash });
    edges.push({ id, institutionId });
  }
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'rss') {
    gc?.();
    void hub.app.metrics.ingestMessages.get().then((c) => {
      const statuses = c.values.filter((v) => v.labels.kind === 'status' && v.labels.outcome === 'applied').reduce((s, v) => s + v.value, 0);
      send({ type: 'rss', rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed, statuses });
    });
  } else if (m.type === 'close') {
    void hub.close().then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
send({ type: 'ready', mqttUrl: hub.mqttUrl, password, edges });
